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
import { isPidAlive } from "../store/pid";
import { discoverWorkflowFiles } from "../workflow/discover";
import { matchTrigger } from "../workflow/filters";
import { loadWorkflow, parseWorkflowText } from "../workflow/load";
import type { WorkflowDef } from "../workflow/model";
import { readFile } from "node:fs/promises";
import { changedFiles, isTag, readGitInfoAsync } from "./git-info";
import { coerceInputs } from "./inputs";
import { buildPayload } from "./payload";
import { runWorkflow } from "./run-workflow";
import type { EventInfo, RunReporter, RunResult } from "./types";

export interface RunRequest {
  cwd: string;
  env: NodeJS.ProcessEnv;
  workflows: string[];
  event?: string;
  ref?: string;
  sha?: string;
  /** Pull requests: the base (target) branch; default main. */
  baseRef?: string;
  /** A JSON webhook payload for `github.event`, merged over the one Sluice builds. */
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
  const git = await readGitInfoAsync(req.cwd, req.env);
  const repoRoot = git.root;
  const { config } = await loadConfig(repoRoot);
  const files = discoverWorkflowFiles(repoRoot, config.workflows.paths, req.workflows, req.cwd);
  const workflows = await loadAll(files, repoRoot);

  const ref = normalizeRef(req.ref ?? git.ref ?? "refs/heads/main", repoRoot);
  const eventName = req.event ?? "push";
  const event: EventInfo = {
    name: eventName,
    ref,
    sha: req.sha ?? git.sha,
    baseRef: eventName.startsWith("pull_request") ? (req.baseRef ?? "main") : undefined,
    headRef: eventName.startsWith("pull_request") ? ref.replace(/^refs\/heads\//, "") : undefined,
    action: eventName.startsWith("pull_request") ? "opened" : undefined,
    changedFiles: null,
    payload: {},
    actor: git.actor,
  };
  // Only path filters look at the changed files, and computing them takes two or three git processes.
  if (workflows.some((wf) => hasPathFilters(wf, eventName)))
    event.changedFiles = changedFiles(repoRoot, event.baseRef);

  const matched: Array<{ wf: WorkflowDef; inputs: Record<string, unknown> }> = [];
  const skipped: RepositoryRun["skipped"] = [];
  for (const wf of workflows) {
    const m = matchTrigger(wf.events, {
      name: event.name,
      ref: event.ref,
      baseRef: event.baseRef,
      action: event.action,
      changedFiles: event.changedFiles,
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
  event.payload = {
    ...buildPayload(event, git.repository, matched[0]?.inputs ?? {}),
    ...(await readEventFile(req)),
  };

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
  const executor = new LocalExecutor();
  if (matched.reduce((n, { wf }) => n + wf.jobs.length, 0) > HELPER_AFTER) executor.warm();
  let store: Store;
  try {
    store = await openStore({ type: config.store.type, path: storePath });
  } catch (err) {
    await executor.close();
    throw err;
  }
  try {
    const repaired = await store.recoverOrphans(isPidAlive);
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
          event: {
            ...event,
            payload: {
              ...event.payload,
              // The webhook payload carries inputs as strings; only the inputs context is typed.
              ...(event.name === "workflow_dispatch" ? { inputs: payloadInputs(inputs) } : {}),
            },
          },
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
          debug: req.env.RUNNER_DEBUG === "1",
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
 * SLUICE_KILL_GRACE_MS: how long cancelled steps get between SIGINT and SIGKILL (default 5000 ms);
 * tests and impatient users shorten it. Anything but a non-negative integer is ignored.
 */
function killGraceFromEnv(env: NodeJS.ProcessEnv): number | undefined {
  const raw = env.SLUICE_KILL_GRACE_MS?.trim();
  if (!raw || !/^\d+$/.test(raw)) return undefined;
  return Number(raw);
}

function payloadInputs(inputs: Record<string, unknown>): Record<string, string> {
  return Object.fromEntries(Object.entries(inputs).map(([k, v]) => [k, String(v)]));
}
