/**
 * One workflow run: record it, hold its concurrency group, evaluate workflow env, execute the jobs,
 * record the conclusion. The caller has already validated the workflow and matched its trigger.
 */
import { runLevelHost } from "../workflow/expression/evaluate";
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { Executor } from "../executor/types";
import type { Store } from "../store/types";
import type { Semaphore } from "../core/semaphore";
import { evaluateStringMap } from "../workflow/expression/template";
import type { WorkflowDef } from "../workflow/model";
import { Masker } from "./commands/mask";
import { githubContext } from "./contexts";

/**
 * How long cancelled steps get between SIGINT and SIGKILL: the GitHub runner's 7.5 s before SIGTERM
 * and 2.5 s before SIGKILL (SLUICE_KILL_GRACE_MS overrides it).
 */
export const DEFAULT_KILL_GRACE_MS = 10_000;
import type { RunIdentity } from "./contexts";
import { acquireRunGroup, resolveConcurrency, watchCancelRequest } from "./concurrency";
import { executeJobs } from "./job/execute-jobs";
import { JobDirPool } from "./job/job-dirs";
import type { RunScope } from "./scope";
import type { EventInfo, RunReporter, RunResult } from "./types";

export interface RunWorkflowOptions {
  workflow: WorkflowDef;
  repoRoot: string;
  repository: string;
  stateDir: string;
  event: EventInfo;
  trigger: string;
  secrets: Record<string, string>;
  vars: Record<string, string>;
  inputs: Record<string, unknown>;
  /** Run only these job ids (and the jobs they need). */
  jobFilter?: string[];
  store: Store;
  executor: Executor;
  reporter: RunReporter;
  signal: AbortSignal;
  slots: Semaphore;
  loadWorkflow(relPath: string): Promise<WorkflowDef>;
  hostEnv: Record<string, string>;
  killGraceMs?: number;
  debug?: boolean;
  defaultShell?: string;
  defaultTimeoutMinutes?: number;
}

export async function runWorkflow(opts: RunWorkflowOptions): Promise<RunResult> {
  const started = Date.now();
  const wf = opts.workflow;
  const masker = new Masker();
  for (const v of Object.values(opts.secrets)) masker.add(v);
  const record = await opts.store.createRun({
    workflowPath: wf.path,
    workflowName: wf.name,
    event: opts.event.name,
    ref: opts.event.ref,
    sha: opts.event.sha,
    trigger: opts.trigger,
    inputs: opts.inputs,
    // Owned from creation, so a crash at any point leaves a run that recoverOrphans repairs.
    pid: process.pid,
  });
  const runDir = path.join(opts.stateDir, "runs", record.id);
  mkdirSync(runDir, { recursive: true });
  const eventPath = path.join(runDir, "event.json");
  writeFileSync(eventPath, JSON.stringify(opts.event.payload, null, 2));
  const identity: RunIdentity = {
    runId: record.id,
    workflowRunNumber: await opts.store.countWorkflowRuns(record),
    workflowName: wf.name,
    workflowPath: wf.path,
    workspace: opts.repoRoot,
    repository: opts.repository,
    event: opts.event,
    runDir,
    eventPath,
  };
  const run: RunScope = {
    identity,
    store: opts.store,
    executor: opts.executor,
    reporter: opts.reporter,
    masker,
    secrets: opts.secrets,
    vars: opts.vars,
    inputs: opts.inputs,
    stateDir: opts.stateDir,
    hostEnv: opts.hostEnv,
    killGraceMs: opts.killGraceMs ?? DEFAULT_KILL_GRACE_MS,
    debug: opts.debug ?? false,
    defaultShell: opts.defaultShell,
    defaultTimeoutMinutes: opts.defaultTimeoutMinutes ?? 360,
    slots: opts.slots,
    jobDirs: new JobDirPool(path.join(runDir, "jobs")),
    loadWorkflow: opts.loadWorkflow,
  };
  const baseContexts = { github: githubContext(identity, ""), inputs: opts.inputs, vars: opts.vars };
  const controller = new AbortController();
  const onAbort = () => controller.abort();
  if (opts.signal.aborted) onAbort();
  else opts.signal.addEventListener("abort", onAbort, { once: true });
  const group = resolveConcurrency(wf.concurrency, baseContexts);
  const stopWatching = watchCancelRequest(opts.stateDir, record.id, onAbort);
  const release = await acquireRunGroup(run, group, controller);

  await opts.store.updateRun(record.id, {
    status: "in_progress",
    startedAt: new Date().toISOString(),
    pid: process.pid,
    concurrencyGroup: group?.group ?? null,
  });
  opts.reporter.runStarted({
    runId: record.id,
    runNumber: record.number,
    workflow: wf.path,
    jobs: wf.jobs.map((j) => j.id),
  });
  let conclusion: RunResult["conclusion"] = "cancelled";
  let jobs: RunResult["jobs"] = [];
  if (!controller.signal.aborted) {
    const scope = {
      contexts: { ...baseContexts, secrets: opts.secrets, env: {} },
      host: runLevelHost(),
    };
    const workflowEnv = evaluateStringMap(wf.env, scope);
    const selected = selectJobs(wf, opts.jobFilter);
    const outcome = await executeJobs(run, {
      workflow: wf,
      jobs: selected,
      workflowEnv,
      prefix: "",
      signal: controller.signal,
    });
    conclusion = outcome.conclusion;
    jobs = outcome.results;
  }
  release();
  stopWatching();
  // Like the runner's temp directory, the jobs' files go with the run: scripts hold the values of
  // their ${{ }} expressions, secrets included.
  await run.jobDirs.dispose();
  opts.signal.removeEventListener("abort", onAbort);
  await opts.store.updateRun(record.id, {
    status: "completed",
    conclusion,
    completedAt: new Date().toISOString(),
  });
  const result: RunResult = {
    runId: record.id,
    runNumber: record.number,
    workflow: wf.path,
    status: "completed",
    conclusion,
    durationMs: Date.now() - started,
    jobs,
  };
  opts.reporter.runFinished(result);
  return result;
}

/** The selected jobs plus everything they need, in workflow order; all jobs when no filter. */
function selectJobs(wf: WorkflowDef, filter: string[] | undefined) {
  if (!filter || filter.length === 0) return wf.jobs;
  const keep = new Set<string>();
  const todo = [...filter];
  while (todo.length > 0) {
    const id = todo.pop()!;
    if (keep.has(id)) continue;
    keep.add(id);
    todo.push(...(wf.jobs.find((j) => j.id === id)?.needs ?? []));
  }
  return wf.jobs.filter((j) => keep.has(j.id));
}
