/**
 * `sluice run` as a library call: find and validate every workflow (nothing runs if any is invalid),
 * match triggers against the event, and run the matching workflows side by side.
 */
import os from "node:os";
import path from "node:path";
import { loadConfig, loadDotenvFile } from "../config/index";
import { createError } from "../core/errors";
import type { Problem } from "../core/errors";
import { Semaphore } from "../core/semaphore";
import { HELPER_AFTER, LocalExecutor } from "../executor/local/local-executor";
import { openStore } from "../store/registry";
import type { Store } from "../store/types";
import { discoverWorkflowFiles } from "../workflow/discover";
import { matchTrigger } from "../workflow/filters";
import { checkJobFilter } from "../workflow/job-filter";
import { loadWorkflow, parseWorkflowText } from "../workflow/load";
import type { WorkflowDef } from "../workflow/model";
import { readFile } from "node:fs/promises";
import { resolveEvent } from "./event";
import { changedFiles, isTag, readCommitAsync, readGitInfoAsync, resolveCommitAsync } from "./git-info";
import { coerceInputs } from "./inputs";
import { buildPayload, mergePayload, settledFields } from "./payload";
import type { PayloadFacts } from "./payload";
import { processRecordDir, recoverDeadRuns } from "./recover-orphans";
import { runWorkflow } from "./run-workflow";
import type { EventInfo, RunReporter, RunResult } from "./types";

export interface RunRequest {
  cwd: string;
  env: NodeJS.ProcessEnv;
  workflows: string[];
  event?: string;
  ref?: string;
  sha?: string;
  /** Pull requests: the base (target) branch; default: the event file's, else main. */
  baseRef?: string;
  /**
   * A JSON webhook payload for `github.event`, merged over the one Sluice builds; its ref, action
   * and pull request number and branches count where no flag gives them.
   */
  eventFile?: string;
  inputs: Record<string, string>;
  secrets: Record<string, string>;
  secretsFile?: string;
  vars: Record<string, string>;
  jobs: string[];
  concurrency?: number;
  reporter: RunReporter;
  signal: AbortSignal;
  trigger?: string;
  killGraceMs?: number;
}

export interface RepositoryRun {
  runs: RunResult[];
  skipped: Array<{ workflow: string; reason: string }>;
  conclusion: "success" | "failure" | "cancelled" | "skipped";
  durationMs: number;
}

export async function runRepository(req: RunRequest): Promise<RepositoryRun> {
  const started = Date.now();
  const eventName = req.event ?? "push";
  const [git, eventFile] = await Promise.all([readGitInfoAsync(req.cwd, req.env), readEventFile(req)]);
  const repoRoot = git.root;
  // Push payloads and skip instructions need the head commit (other events' payloads have none):
  // one more git process, started after readGitInfoAsync's two so that it runs while the workflows
  // load instead of competing with them for the cores.
  const wantsCommit = eventName === "push" || eventName.startsWith("pull_request");
  const commitRead = wantsCommit ? readCommitAsync(repoRoot, req.sha ?? "HEAD") : null;
  const { config } = await loadConfig(repoRoot);
  const files = discoverWorkflowFiles(repoRoot, config.workflows.paths, req.workflows, req.cwd);
  const workflows = await loadAll(files, repoRoot);
  const headCommit = await commitRead;
  const unselected = checkJobFilter(req.jobs, workflows);

  const event = resolveEvent({
    name: eventName,
    ref: req.ref,
    sha: req.sha,
    base: req.baseRef,
    file: eventFile,
    git,
    headCommit,
    normalizeRef: (ref) => normalizeRef(ref, repoRoot),
  });
  // The base branch's commit, for pull request payloads, overlapping the changed-files processes.
  const baseSha = event.baseRef === undefined ? null : resolveCommitAsync(repoRoot, event.baseRef);
  // Only path filters look at the changed files, and computing them takes two or three git processes.
  if (workflows.some((wf) => hasPathFilters(wf, eventName)))
    event.changedFiles = changedFiles(repoRoot, event.baseRef);

  const matched: Array<{ wf: WorkflowDef; inputs: Record<string, unknown> }> = [];
  const skipped: RepositoryRun["skipped"] = [];
  for (const wf of workflows) {
    const reason = unselected.get(wf);
    const m = reason
      ? { matched: false as const, reason }
      : matchTrigger(wf.events, {
          name: event.name,
          ref: event.ref,
          baseRef: event.baseRef,
          action: event.action,
          changedFiles: event.changedFiles,
          headCommitMessage: event.headCommit?.message,
        });
    if (!m.matched) {
      skipped.push({ workflow: wf.path, reason: m.reason });
      continue;
    }
    const specs = event.name === "workflow_dispatch" ? (wf.events.workflow_dispatch?.inputs ?? {}) : {};
    matched.push({
      wf,
      inputs: event.name === "workflow_dispatch" ? coerceInputs(specs, req.inputs, wf.path) : {},
    });
  }
  const facts = { repository: git.repository, baseSha: await baseSha };

  const secrets = {
    ...(config.secrets.file ? await loadDotenvFile(path.resolve(repoRoot, config.secrets.file)) : {}),
  };
  if (req.secretsFile) Object.assign(secrets, await loadDotenvFile(path.resolve(req.cwd, req.secretsFile)));
  Object.assign(secrets, req.secrets);
  const vars = { ...config.vars, ...req.vars };

  const stateDir = path.join(repoRoot, ".sluice");
  const storePath = path.resolve(repoRoot, config.store.path);
  // One executor for every workflow of the run (it may hold a spawn helper process until closed).
  // With many jobs ahead, its spawn helper starts now, while the store opens.
  const executor = new LocalExecutor({ recordDir: processRecordDir(stateDir) });
  if (matched.reduce((n, { wf }) => n + wf.jobs.length, 0) > HELPER_AFTER) executor.warm();
  let store: Store;
  try {
    store = await openStore({ type: config.store.type, path: storePath });
  } catch (err) {
    await executor.close();
    throw err;
  }
  try {
    const grace = req.killGraceMs ?? killGraceFromEnv(req.env) ?? 5000;
    const repaired = await recoverDeadRuns(store, stateDir, grace);
    if (repaired.length > 0)
      req.reporter.info(`marked ${repaired.length} run(s) left unfinished by a crashed process as failed`);
    const slots = new Semaphore(req.concurrency ?? config.run.concurrency ?? os.availableParallelism());
    const hostEnv = { ...stringEnv(req.env), ...config.env };
    const results = await Promise.all(
      matched.map(({ wf, inputs }) =>
        runWorkflow({
          workflow: wf,
          repoRoot,
          repository: git.repository,
          stateDir,
          event: { ...event, payload: payloadFor(event, wf, inputs, eventFile, facts) },
          trigger: req.trigger ?? "cli",
          secrets,
          vars,
          inputs,
          jobFilter: req.jobs,
          store,
          executor,
          reporter: req.reporter,
          signal: req.signal,
          slots,
          loadWorkflow: (rel) => loadWorkflow(path.resolve(repoRoot, rel), repoRoot),
          hostEnv,
          killGraceMs: req.killGraceMs ?? killGraceFromEnv(req.env),
          debug: debugLogging(req.env, secrets, vars),
          defaultShell: config.run.shell,
          defaultTimeoutMinutes: config.run.timeoutMinutes,
        }),
      ),
    );
    return { runs: results, skipped, conclusion: overall(results), durationMs: Date.now() - started };
  } finally {
    await Promise.all([executor.close(), store.close()]);
  }
}

async function readEventFile(req: RunRequest): Promise<Record<string, unknown>> {
  if (!req.eventFile) return {};
  const file = path.resolve(req.cwd, req.eventFile);
  try {
    const parsed: unknown = JSON.parse(await readFile(file, "utf8"));
    if (parsed && typeof parsed === "object" && !Array.isArray(parsed))
      return parsed as Record<string, unknown>;
  } catch (cause) {
    throw createError(
      "SLUICE_E_USAGE",
      `--event-file ${req.eventFile}: ${cause instanceof Error ? cause.message : String(cause)}`,
      { cause },
    );
  }
  throw createError("SLUICE_E_USAGE", `--event-file ${req.eventFile}: expected a JSON object`);
}

/** Loads every workflow, collecting all problems of all files before failing (nothing runs). */
async function loadAll(files: string[], repoRoot: string): Promise<WorkflowDef[]> {
  const problems: Problem[] = [];
  const out: WorkflowDef[] = [];
  for (const file of files) {
    const rel = path.relative(repoRoot, file) || file;
    const parsed = await parseWorkflowText(await readFile(file, "utf8"), rel, file);
    if (parsed.workflow) out.push(parsed.workflow);
    problems.push(...parsed.problems);
  }
  if (problems.length > 0) {
    throw createError(
      problems[0]!.code,
      `${problems.length} problem${problems.length === 1 ? "" : "s"} in workflows; nothing was run`,
      { problems },
    );
  }
  return out;
}

/** Whether the workflow's trigger for this event has `paths` or `paths-ignore`. */
function hasPathFilters(wf: WorkflowDef, eventName: string): boolean {
  const config: unknown = Object.hasOwn(wf.events, eventName)
    ? (wf.events as Record<string, unknown>)[eventName]
    : undefined;
  if (config === null || typeof config !== "object") return false;
  return "paths" in config || "paths-ignore" in config;
}

/** `main` → refs/heads/main; a name that is an existing tag → refs/tags/<name>. */
function normalizeRef(ref: string, repoRoot: string): string {
  if (ref.startsWith("refs/")) return ref;
  return isTag(repoRoot, ref) ? `refs/tags/${ref}` : `refs/heads/${ref}`;
}

function overall(results: RunResult[]): RepositoryRun["conclusion"] {
  if (results.length === 0) return "skipped";
  if (results.some((r) => r.conclusion === "failure")) return "failure";
  if (results.some((r) => r.conclusion === "cancelled")) return "cancelled";
  return "success";
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

/**
 * SLUICE_KILL_GRACE_MS: how long cancelled steps get between SIGINT and SIGKILL (default 10 000 ms,
 * DEFAULT_KILL_GRACE_MS; SIGTERM comes after three quarters of it);
 * tests and impatient users shorten it. Anything but a non-negative integer is ignored.
 */
function killGraceFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.SLUICE_KILL_GRACE_MS?.trim();
  if (!raw || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

/** One workflow's `github.event`: the payload Sluice builds, the event file over it, settled facts over both. */
function payloadFor(
  event: EventInfo,
  wf: WorkflowDef,
  inputs: Record<string, unknown>,
  file: Record<string, unknown>,
  facts: Pick<PayloadFacts, "repository" | "baseSha">,
): Record<string, unknown> {
  // The webhook payload carries inputs as strings; only the inputs context is typed.
  const strings = payloadInputs(inputs);
  // GitHub names the cron entry that fired; a local run picks the first (an event file may name another).
  const schedule = wf.events.schedule?.[0]?.cron;
  const built = buildPayload(event, { ...facts, workflowPath: wf.path, inputs: strings, schedule });
  const merged = mergePayload(mergePayload(built, file), settledFields(event));
  return event.name === "workflow_dispatch" ? { ...merged, inputs: strings } : merged;
}

function payloadInputs(inputs: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, String(v)]));
}

/**
 * Debug logging, as GitHub turns it on: the secret or variable ACTIONS_STEP_DEBUG or
 * ACTIONS_RUNNER_DEBUG set to `true` (`::debug::` lines shown, RUNNER_DEBUG=1, runner.debug), or
 * RUNNER_DEBUG=1 in Sluice's own environment.
 */
function debugLogging(
  env: NodeJS.ProcessEnv,
  secrets: Record<string, string>,
  vars: Record<string, string>,
): boolean {
  if (env.RUNNER_DEBUG === "1") return true;
  return ["ACTIONS_STEP_DEBUG", "ACTIONS_RUNNER_DEBUG"].some(
    (name) => secrets[name]?.toLowerCase() === "true" || vars[name]?.toLowerCase() === "true",
  );
}
