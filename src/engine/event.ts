/**
 * The event a local run stands for: name, ref, commit and pull request facts, taken from the command
 * line first, then an `--event-file` payload, then git, then defaults, so that `github.ref`,
 * `github.head_ref` and `github.event` agree with each other the way they do on GitHub.
 */
import type { CommitInfo, GitInfo } from "./git-info";
import type { EventInfo } from "./types";

export interface EventSources {
  name: string;
  /** --ref, --sha and --base, undefined when not given. */
  ref?: string;
  sha?: string;
  base?: string;
  /** The --event-file payload, {} without one. */
  file: Record<string, unknown>;
  git: Pick<GitInfo, "sha" | "ref" | "actor">;
  headCommit: CommitInfo | null;
  /** `main` → refs/heads/main, or refs/tags/main when that tag exists. */
  normalizeRef(ref: string): string;
}

/** `--ref refs/pull/7/merge` (or `/head`) names pull request 7. */
const PULL_REF = /^refs\/pull\/(\d+)\/(?:merge|head)$/;

/** The events whose branches are the pull request's (head_ref and base_ref are set only for them). */
export function isPullRequestEvent(name: string): boolean {
  return name === "pull_request" || name === "pull_request_target";
}

export function resolveEvent(src: EventSources): EventInfo {
  const common = {
    name: src.name,
    sha: src.sha ?? src.git.sha,
    changedFiles: null,
    payload: {},
    actor: src.git.actor,
    headCommit: src.headCommit,
  };
  // pull_request_review and pull_request_review_comment run on the merge ref too.
  if (!src.name.startsWith("pull_request")) {
    // A payload's own ref (a push's, a workflow_dispatch's) describes the event better than the checkout.
    const ref = src.ref ?? text(src.file.ref) ?? src.git.ref ?? "refs/heads/main";
    return { ...common, ref: src.normalizeRef(ref), action: text(src.file.action) };
  }
  const pr = record(src.file.pull_request);
  const pullRef = src.ref === undefined ? null : PULL_REF.exec(src.ref);
  const number = pullRef ? Number(pullRef[1]) : (count(src.file.number) ?? count(pr.number) ?? 1);
  // --ref naming a branch names the head branch: GITHUB_REF is the merge ref, never the branch.
  const headRef =
    (src.ref !== undefined && !pullRef ? branch(src.ref) : undefined) ??
    text(record(pr.head).ref) ??
    (src.git.ref?.startsWith("refs/heads/") ? branch(src.git.ref) : undefined);
  const baseRef = branch(src.base ?? text(record(pr.base).ref) ?? "main");
  return {
    ...common,
    // pull_request_target runs in the context of the base branch.
    ref: src.name === "pull_request_target" ? `refs/heads/${baseRef}` : `refs/pull/${number}/merge`,
    number,
    headRef,
    baseRef,
    // The activity types filters compare with; a review's are not a pull request's, so unknown.
    action: text(src.file.action) ?? (isPullRequestEvent(src.name) ? "opened" : undefined),
  };
}

function branch(ref: string): string {
  return ref.replace(/^refs\/heads\//, "");
}

function text(v: unknown): string | undefined {
  return typeof v === "string" && v !== "" ? v : undefined;
}

function count(v: unknown): number | undefined {
  return typeof v === "number" && Number.isSafeInteger(v) && v > 0 ? v : undefined;
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v) ? (v as Record<string, unknown>) : {};
}
