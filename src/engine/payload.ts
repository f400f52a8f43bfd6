/**
 * The `github.event` payload of a local run: the fields of GitHub's webhook payloads that workflows
 * commonly read, filled from git, and nothing git cannot tell (no ids, no invented URLs of commits or
 * pull requests). An `--event-file` payload is merged over it, field by field.
 */
import { SERVER_URL } from "./contexts";
import type { CommitInfo } from "./git-info";
import type { EventInfo } from "./types";

const ZERO_SHA = "0".repeat(40);

export interface PayloadFacts {
  repository: string;
  /** The workflow the payload is for (workflow_dispatch and schedule payloads name it). */
  workflowPath: string;
  inputs: Record<string, unknown>;
  /** schedule: the cron entry that fired. */
  schedule?: string;
  /** Pull requests: the commit the base branch points to, when git knows the branch. */
  baseSha?: string | null;
}

export function buildPayload(event: EventInfo, facts: PayloadFacts): Record<string, unknown> {
  const [owner, name] = facts.repository.split("/");
  const repository = {
    full_name: facts.repository,
    name,
    owner: { login: owner },
    default_branch: "main",
    html_url: `${SERVER_URL}/${facts.repository}`,
  };
  const common = { repository, sender: { login: event.actor } };
  if (event.name === "push") return { ...pushFields(event), ...common, pusher: { name: event.actor } };
  if (event.name.startsWith("pull_request")) {
    const number = event.number ?? 1;
    const pullRequest = {
      number,
      state: "open",
      // GitHub proposes the head commit's subject as the title of a one-commit pull request.
      ...(event.headCommit ? { title: event.headCommit.message.split("\n")[0] } : {}),
      user: { login: event.actor },
      head: { ...(event.headRef !== undefined ? { ref: event.headRef } : {}), sha: event.sha },
      base: { ref: event.baseRef, ...(facts.baseSha ? { sha: facts.baseSha } : {}) },
    };
    return { action: event.action, number, pull_request: pullRequest, ...common };
  }
  if (event.name === "workflow_dispatch")
    return { ref: event.ref, inputs: facts.inputs, workflow: facts.workflowPath, ...common };
  if (event.name === "schedule") return { schedule: facts.schedule, workflow: facts.workflowPath, ...common };
  return { ...(event.action !== undefined ? { action: event.action } : {}), ...common };
}

function pushFields(event: EventInfo): Record<string, unknown> {
  const commit = event.headCommit;
  const headCommit = commit ? webhookCommit(commit) : { id: event.sha };
  // Pushing a tag creates its ref: nothing before it, no commits pushed. A branch push is taken to
  // push its last commit alone, on top of that commit's parent (a root commit creates the branch).
  const tag = event.ref.startsWith("refs/tags/");
  const before = tag ? ZERO_SHA : (commit?.parents[0] ?? ZERO_SHA);
  return {
    ref: event.ref,
    before,
    after: event.sha,
    created: before === ZERO_SHA,
    deleted: false,
    head_commit: headCommit,
    commits: commit && !tag ? [headCommit] : [],
  };
}

function webhookCommit(c: CommitInfo): Record<string, unknown> {
  return {
    id: c.sha,
    tree_id: c.tree,
    distinct: true,
    message: c.message,
    timestamp: c.committer.date,
    author: { name: c.author.name, email: c.author.email },
    committer: { name: c.committer.name, email: c.committer.email },
  };
}

/**
 * The payload fields resolveEvent settled (from a flag, else the event file, else git), laid over the
 * merged payload so that `github.event` never contradicts `github.ref` or `github.head_ref`.
 */
export function settledFields(event: EventInfo): Record<string, unknown> {
  if (event.name.startsWith("pull_request")) {
    const head = event.headRef !== undefined ? { ref: event.headRef } : {};
    const pullRequest = { number: event.number, head, base: { ref: event.baseRef } };
    return { action: event.action, number: event.number, pull_request: pullRequest };
  }
  return event.name === "push" || event.name === "workflow_dispatch" ? { ref: event.ref } : {};
}

/**
 * `over` merged into `base`: objects key by key, anything else (arrays included) replaced, so a partial
 * `--event-file` such as `{"pull_request": {"title": "x"}}` keeps the rest of the built payload.
 */
export function mergePayload(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prev = Object.hasOwn(out, key) ? out[key] : undefined;
    // Defined, not assigned: a JSON key "__proto__" stays a plain key.
    Object.defineProperty(out, key, {
      value: isObject(prev) && isObject(value) ? mergePayload(prev, value) : value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return out;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === "object" && !Array.isArray(v);
}
