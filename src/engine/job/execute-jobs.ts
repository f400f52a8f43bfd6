/**
 * Drives the pure planner (plan.ts) for a set of jobs: expands jobs whose needs are done, starts
 * instances within the limits, applies fail-fast and cancellation, and collects results. Used for a
 * workflow run and, recursively, for each reusable-workflow call inside it.
 */
import type { Conclusion } from "../../store/types";
import { githubContext } from "../contexts";
import type { JobDef, WorkflowDef } from "../../workflow/model";
import {
  createJobState,
  findJobState,
  markCancelled,
  markExpanded,
  markInstanceDone,
  markStarted,
  planNext,
} from "../plan";
import type { SchedulerState } from "../plan";
import type { RunScope } from "../scope";
import type { JobRef, JobResult } from "../types";
import { resolveConcurrency } from "../concurrency";
import { expandJob } from "./expand-job";
import { acquireJobGroup } from "./job-concurrency";
import type { ExpandedInstance } from "./expand-job";
import { runJobInstance } from "./run-job";
import type { JobInstancePlan } from "./run-job";
import { recordJobError } from "./record-job-error";
import { runReusableJob } from "./run-reusable";

export interface JobsOutcome {
  conclusion: Conclusion;
  /** Every job instance's result (nested reusable jobs included), in completion order. */
  results: JobResult[];
  /** Per job id: aggregated result and outputs, as the `needs` / `jobs` contexts show them. */
  byJob: Record<string, { result: Conclusion; outputs: Record<string, string> }>;
}

export interface ExecuteJobsOptions {
  workflow: WorkflowDef;
  jobs: JobDef[];
  workflowEnv: Record<string, string>;
  /** Prefix of job ids for nested (reusable) jobs: `caller/`. */
  prefix: string;
  /** Prefix of their display names (`caller (v1) / `) and unique keys; default `prefix`. */
  namePrefix?: string;
  keyPrefix?: string;
  signal: AbortSignal;
}

export async function executeJobs(run: RunScope, opts: ExecuteJobsOptions): Promise<JobsOutcome> {
  const namePrefix = opts.namePrefix ?? opts.prefix;
  const keyPrefix = opts.keyPrefix ?? opts.prefix;
  const ids = new Set(opts.jobs.map((j) => j.id));
  const state: SchedulerState = {
    jobs: opts.jobs.map((j) =>
      createJobState(
        j.id,
        j.needs.filter((n) => ids.has(n)),
      ),
    ),
    concurrency: Infinity, // the run-wide semaphore bounds processes; nested calls must not deadlock on it
    cancelled: opts.signal.aborted,
  };
  const defs = new Map(opts.jobs.map((j) => [j.id, j]));
  const byJob: JobsOutcome["byJob"] = {};
  const results: JobResult[] = [];
  /** Outputs of each job id's finished instances, merged in completion order (for `needs`). */
  const outputsById = new Map<string, Record<string, string>>();
  const addResult = (r: JobResult) => {
    results.push(r);
    const outputs = outputsById.get(r.id);
    if (outputs) Object.assign(outputs, r.outputs);
    else outputsById.set(r.id, { ...r.outputs });
  };
  /**
   * The distinct results of every job each expanded job depends on, directly or not: what its
   * success()/failure() look at. Built from its needs' own sets, so each job costs its needs.
   */
  const ancestorResults = new Map<string, Set<Conclusion>>();
  const collectAncestorResults = (def: JobDef): Set<Conclusion> => {
    const out = new Set<Conclusion>();
    for (const need of def.needs) {
      out.add(ids.has(need) ? (findJobState(state, need).result ?? "skipped") : "skipped");
      for (const r of ancestorResults.get(need) ?? []) out.add(r);
    }
    ancestorResults.set(def.id, out);
    return out;
  };
  const instances = new Map<string, ExpandedInstance[]>();
  const controllers = new Map<string, AbortController>();
  const running = new Map<string, Promise<void>>();
  const events: Array<() => void> = [];
  const started = new Set<string>();
  const expandedAfterCancel = new Set<string>();
  /** Records of instances cancelled before they started (fail-fast, run cancellation), in flight. */
  const pendingRecords: Array<Promise<void>> = [];
  let wake: (() => void) | null = null;
  const notify = () => wake?.();

  const onAbort = () => {
    markCancelled(state);
    for (const js of state.jobs) {
      if (js.phase !== "done" || !instances.has(js.id)) continue;
      recordNeverStarted(js.id);
      aggregate(js.id);
    }
    for (const c of controllers.values()) c.abort();
    notify();
  };
  opts.signal.addEventListener("abort", onAbort, { once: true });

  for (;;) {
    while (events.length > 0) events.shift()!();
    if (pendingRecords.length > 0) await Promise.all(pendingRecords.splice(0));
    const actions = planNext(state);
    const done = actions.find((a) => a.type === "complete");
    if (done && done.type === "complete") {
      opts.signal.removeEventListener("abort", onAbort);
      return { conclusion: done.conclusion, results, byJob };
    }
    for (const action of actions) {
      if (action.type === "expand") {
        const def = defs.get(action.jobId)!;
        const expansion = expandJob({
          def,
          contexts: jobContexts(run, opts, def, byJob),
          ancestorResults: [...collectAncestorResults(def)],
          cancelled: state.cancelled,
        });
        if (expansion.kind === "run") {
          if (state.cancelled) expandedAfterCancel.add(def.id);
          instances.set(def.id, expansion.instances);
          markExpanded(state, def.id, {
            count: expansion.instances.length,
            maxParallel: expansion.maxParallel,
            failFast: expansion.failFast,
            tolerated: expansion.instances.flatMap((inst, i) => (inst.continueOnError ? [i] : [])),
          });
        } else {
          const result: Conclusion = expansion.kind === "skip" ? expansion.result : "failure";
          markExpanded(state, def.id, { skipped: result });
          const ref: JobRef = {
            key: keyPrefix + def.id,
            id: opts.prefix + def.id,
            name: namePrefix + def.id,
          };
          const message = expansion.kind === "skip" ? expansion.reason : expansion.message;
          if (expansion.kind === "fail")
            run.reporter.annotation(ref, null, { level: "error", message: `${def.id}: ${message}` });
          addResult(await recordUnstartedJob(run, ref, def.id, result, message));
        }
        if (findJobState(state, def.id).phase === "done") aggregate(def.id);
      } else if (action.type === "start") {
        markStarted(state, action.jobId, action.index);
        const key = `${action.jobId}#${action.index}`;
        started.add(key);
        const controller = new AbortController();
        // Jobs expanded after the run was cancelled run only because their `if` held (always(),
        // cancelled()): as on GitHub they run to their end. Earlier jobs' instances stop.
        if (state.cancelled && !expandedAfterCancel.has(action.jobId)) controller.abort();
        controllers.set(key, controller);
        const p = startInstance(action.jobId, action.index, controller.signal).then((result) => {
          events.push(() => {
            running.delete(key);
            controllers.delete(key);
            const follow = markInstanceDone(state, action.jobId, action.index, result.conclusion);
            for (const f of follow) {
              if (f.type === "cancel-instances")
                for (const i of f.indexes) controllers.get(`${f.jobId}#${i}`)?.abort();
            }
            if (findJobState(state, action.jobId).phase === "done") {
              recordNeverStarted(action.jobId);
              aggregate(action.jobId);
            }
          });
          notify();
        });
        running.set(key, p);
      }
    }
    if (actions.some((a) => a.type === "expand") || events.length > 0) continue;
    await new Promise<void>((resolve) => {
      wake = resolve;
      if (events.length > 0) resolve();
    });
    wake = null;
  }

  /** As on GitHub, matrix instances cancelled while queued still show up, as cancelled jobs. */
  function recordNeverStarted(jobId: string): void {
    const js = findJobState(state, jobId);
    js.instances.forEach((inst, index) => {
      const key = `${jobId}#${index}`;
      if (started.has(key) || inst.result !== "cancelled") return;
      started.add(key);
      const expanded = instances.get(jobId)![index]!;
      const ref: JobRef = {
        key: keyPrefix + key,
        id: opts.prefix + jobId,
        name: namePrefix + expanded.name,
      };
      pendingRecords.push(
        recordUnstartedJob(run, ref, jobId, "cancelled", "cancelled before it started", expanded.matrix).then(
          (r) => {
            addResult(r);
          },
        ),
      );
    });
  }

  function aggregate(jobId: string): void {
    const js = findJobState(state, jobId);
    byJob[jobId] = { result: js.result ?? "skipped", outputs: { ...outputsById.get(opts.prefix + jobId) } };
  }

  async function startInstance(jobId: string, index: number, signal: AbortSignal): Promise<JobResult> {
    const def = defs.get(jobId)!;
    const inst = instances.get(jobId)![index]!;
    const ref: JobRef = {
      key: `${keyPrefix}${jobId}#${index}`,
      id: opts.prefix + jobId,
      name: namePrefix + inst.name,
    };
    const needs = needsContext(def, byJob);
    const plan: JobInstancePlan = {
      def,
      ref,
      matrix: inst.matrix,
      strategy: inst.strategy,
      needs,
      workflowEnv: opts.workflowEnv,
    };
    let result: JobResult;
    const group = def.concurrency
      ? resolveConcurrency(def.concurrency, {
          ...jobContexts(run, opts, def, byJob),
          matrix: inst.matrix ?? {},
          strategy: inst.strategy,
        })
      : null;
    const slot = group
      ? await acquireJobGroup(run, {
          setting: group,
          ref,
          jobKey: jobId,
          matrix: inst.matrix,
          signal,
          cancel: () => controllers.get(`${jobId}#${index}`)?.abort(),
        })
      : null;
    if (slot && "reason" in slot) {
      const { conclusion, reason, recordId } = slot;
      result = await recordUnstartedJob(run, ref, jobId, conclusion, reason, inst.matrix, recordId);
      addResult(result);
      return result;
    }
    try {
      result = await runInstance(def, { ...plan, recordId: slot?.recordId }, signal);
    } finally {
      slot?.release();
    }
    addResult(result);
    return result;
  }

  async function runInstance(def: JobDef, plan: JobInstancePlan, signal: AbortSignal): Promise<JobResult> {
    let result: JobResult;
    if (def.kind === "reusable") {
      const nested = await runReusableJob(run, opts.workflow, plan, signal);
      for (const r of nested.nested) addResult(r);
      result = nested.result;
    } else {
      const release = await run.slots.acquire();
      try {
        result = await runJobInstance(run, opts.workflow, plan, signal);
      } finally {
        release();
      }
    }
    return result;
  }
}

/** Contexts for job-level `if`/strategy/name/with: github, needs, vars, inputs, secrets. */
function jobContexts(
  run: RunScope,
  opts: ExecuteJobsOptions,
  def: JobDef,
  byJob: JobsOutcome["byJob"],
): Record<string, unknown> {
  return {
    github: githubContext(run.identity, def.id),
    needs: needsContext(def, byJob),
    vars: run.vars,
    inputs: run.inputs,
    secrets: run.secrets,
    env: opts.workflowEnv,
  };
}

function needsContext(def: JobDef, byJob: JobsOutcome["byJob"]): JobInstancePlan["needs"] {
  const skipped = { result: "skipped" as Conclusion, outputs: {} };
  return Object.fromEntries(def.needs.map((n) => [n, byJob[n] ?? skipped]));
}

async function recordUnstartedJob(
  run: RunScope,
  ref: JobRef,
  jobKey: string,
  conclusion: Conclusion,
  reason: string,
  matrix: Record<string, unknown> | null = null,
  /** The job's record, when its concurrency group already created and completed it. */
  recordId?: string,
): Promise<JobResult> {
  const now = new Date().toISOString();
  const record =
    recordId !== undefined
      ? { id: recordId }
      : await run.store.createJob({
          runId: run.identity.runId,
          jobKey,
          name: ref.name,
          matrix,
          status: "completed",
          conclusion,
          startedAt: null,
          completedAt: now,
          outputs: {},
        });
  const result: JobResult = {
    id: ref.id,
    name: ref.name,
    matrix,
    conclusion,
    outputs: {},
    durationMs: 0,
    steps: [],
    annotations: conclusion === "failure" ? [{ level: "error", message: `${jobKey}: ${reason}` }] : [],
  };
  if (conclusion === "failure") await recordJobError(run, record.id, `${jobKey}: ${reason}`);
  run.reporter.info(`${ref.name}: ${conclusion} (${reason})`);
  run.reporter.jobFinished(ref, result);
  return result;
}
