/**
 * The `github` and `runner` contexts and the standard GITHUB_* / RUNNER_* variables, from what the
 * run knows: event, repository, run ids, job. GitHub documents each; values that only make sense on
 * github.com (token, numeric ids) are empty, URLs are github.com's, as a GitHub-hosted run has them.
 */
import os from "node:os";
import { isPullRequestEvent } from "./event";
import type { EventInfo } from "./types";

export const SERVER_URL = "https://github.com";
const API_URL = "https://api.github.com";
const GRAPHQL_URL = "https://api.github.com/graphql";

export interface RunIdentity {
  runId: string;
  /** github.run_number: the run's number among its workflow's runs, from 1 (the store numbers all runs). */
  workflowRunNumber: number;
  workflowName: string;
  workflowPath: string;
  workspace: string;
  repository: string;
  event: EventInfo;
  /** Directory holding the event payload file and per-job temp dirs. */
  runDir: string;
  eventPath: string;
}

/** GitHub reports a pull request's merge ref (refs/pull/<n>/merge) as a branch. */
export function refType(ref: string): "branch" | "tag" | "" {
  if (ref.startsWith("refs/heads/") || ref.startsWith("refs/pull/")) return "branch";
  if (ref.startsWith("refs/tags/")) return "tag";
  return "";
}

/** refs/heads/main → main, refs/tags/v1 → v1, refs/pull/7/merge → 7/merge (GITHUB_REF_NAME's forms). */
export function refName(ref: string): string {
  return ref.replace(/^refs\/(heads|tags|pull)\//, "");
}

export function githubContext(id: RunIdentity, jobId: string): Record<string, unknown> {
  const ev = id.event;
  const [owner] = id.repository.split("/");
  // Only these two events have head and base branches (GITHUB_HEAD_REF, GITHUB_BASE_REF).
  const pr = isPullRequestEvent(ev.name);
  return {
    action: "",
    action_path: "",
    actor: ev.actor,
    // Numeric GitHub ids have no local equivalent; the variables exist, empty.
    actor_id: "",
    api_url: API_URL,
    base_ref: pr ? (ev.baseRef ?? "") : "",
    env: "",
    event: ev.payload,
    event_name: ev.name,
    event_path: id.eventPath,
    graphql_url: GRAPHQL_URL,
    head_ref: pr ? (ev.headRef ?? "") : "",
    job: jobId,
    path: "",
    ref: ev.ref,
    ref_name: refName(ev.ref),
    ref_protected: false,
    ref_type: refType(ev.ref),
    repository: id.repository,
    repository_id: "",
    repository_owner: owner ?? "",
    repository_owner_id: "",
    retention_days: "90",
    run_attempt: "1",
    run_id: id.runId,
    run_number: String(id.workflowRunNumber),
    server_url: SERVER_URL,
    sha: ev.sha,
    token: "",
    triggering_actor: ev.actor,
    workflow: id.workflowName,
    workflow_ref: `${id.repository}/${id.workflowPath}@${ev.ref}`,
    workflow_sha: ev.sha,
    workspace: id.workspace,
  };
}

/** The runner's name and arch: read once, not per job (os.hostname() is a system call). */
let runnerHost: { name: string; arch: string } | undefined;

export function runnerContext(tempDir: string, toolCache: string, debug: boolean): Record<string, unknown> {
  runnerHost ??= {
    name: `sluice-${os.hostname()}`,
    arch: os.arch() === "arm64" ? "ARM64" : os.arch() === "arm" ? "ARM" : "X64",
  };
  return {
    name: runnerHost.name,
    os: "Linux",
    arch: runnerHost.arch,
    temp: tempDir,
    tool_cache: toolCache,
    debug: debug ? "1" : "",
    environment: "self-hosted",
  };
}

/** GITHUB_* and RUNNER_* variables of a step, from the two contexts. */
export function standardVariables(
  github: Record<string, unknown>,
  runner: Record<string, unknown>,
): Record<string, string> {
  const s = (v: unknown): string => (v === undefined || v === null ? "" : String(v));
  const vars: Record<string, string> = {
    CI: "true",
    GITHUB_ACTIONS: "true",
    SLUICE: "true",
    RUNNER_OS: s(runner.os),
    RUNNER_ARCH: s(runner.arch),
    RUNNER_NAME: s(runner.name),
    RUNNER_TEMP: s(runner.temp),
    RUNNER_TOOL_CACHE: s(runner.tool_cache),
    RUNNER_ENVIRONMENT: s(runner.environment),
  };
  if (runner.debug) vars.RUNNER_DEBUG = "1";
  const keys = [
    "action",
    "action_path",
    "actor",
    "actor_id",
    "api_url",
    "base_ref",
    "event_name",
    "event_path",
    "graphql_url",
    "head_ref",
    "job",
    "ref",
    "ref_name",
    "ref_protected",
    "ref_type",
    "repository",
    "repository_id",
    "repository_owner",
    "repository_owner_id",
    "retention_days",
    "run_attempt",
    "run_id",
    "run_number",
    "server_url",
    "sha",
    "triggering_actor",
    "workflow",
    "workflow_ref",
    "workflow_sha",
    "workspace",
  ];
  for (const k of keys) vars[`GITHUB_${k.toUpperCase()}`] = s(github[k]);
  return vars;
}
