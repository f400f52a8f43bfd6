/**
 * The pure scheduler of a run: given the state of every job and instance, it says what to do next.
 * The engine applies each action (which does the I/O) and feeds the outcome back through the
 * reducers below. No clocks, no processes: everything here is unit-tested as data.
 */
import type { Conclusion } from "../store/types";

export type JobPhase = "blocked" | "active" | "done";
export type InstancePhase = "queued" | "running" | "done";

export interface InstanceState {
  phase: InstancePhase;
  result?: Conclusion;
}

export interface JobState {
  id: string;
  needs: string[];
  phase: JobPhase;
  /** Set once the job is done. */
  result?: Conclusion;
  instances: InstanceState[];
  /** strategy.max-parallel; Infinity when unset. */
  maxParallel: number;
  failFast: boolean;
  /** Instances whose failure does not fail the job (continue-on-error). */
  tolerated: Set<number>;
}

export interface SchedulerState {
  jobs: JobState[];
  /** Most job instances running at once (--concurrency). */
  concurrency: number;
  cancelled: boolean;
}

export type Action =
  | { type: "expand"; jobId: string }
  | { type: "start"; jobId: string; index: number }
  | { type: "cancel-instances"; jobId: string; indexes: number[] }
  | { type: "complete"; conclusion: Conclusion };

export function createJobState(id: string, needs: string[]): JobState {
  return {
    id,
    needs,
    phase: "blocked",
    instances: [],
    maxParallel: Infinity,
    failFast: true,
    tolerated: new Set(),
  };
}

/**
 * Next actions, in order. `expand` asks the engine to evaluate the job's `if` and matrix (its needs are
 * all done); `start` to run one queued instance; `complete` when every job is done.
 */
export function planNext(state: SchedulerState): Action[] {
  const actions: Action[] = [];
  const byId = new Map(state.jobs.map((j) => [j.id, j]));
  for (const job of state.jobs) {
    if (job.phase === "blocked" && job.needs.every((n) => byId.get(n)?.phase === "done")) {
      actions.push({ type: "expand", jobId: job.id });
    }
  }
  let running = state.jobs.reduce((n, j) => n + j.instances.filter((i) => i.phase === "running").length, 0);
  for (const job of state.jobs) {
    if (job.phase !== "active") continue;
    let jobRunning = job.instances.filter((i) => i.phase === "running").length;
    job.instances.forEach((inst, index) => {
      if (inst.phase !== "queued" || running >= state.concurrency || jobRunning >= job.maxParallel) return;
      actions.push({ type: "start", jobId: job.id, index });
      running += 1;
      jobRunning += 1;
    });
  }
  if (actions.length === 0 && state.jobs.every((j) => j.phase === "done")) {
    actions.push({ type: "complete", conclusion: runConclusion(state) });
  }
  return actions;
}

/** Marks an instance as started; call when applying a `start` action. */
export function markStarted(state: SchedulerState, jobId: string, index: number): void {
  const inst = findJob(state, jobId).instances[index];
  if (inst) inst.phase = "running";
}

/** The engine evaluated the job: it was skipped (no instances) or has `count` instances queued. */
export function markExpanded(
  state: SchedulerState,
  jobId: string,
  expansion:
    | { skipped: Conclusion }
    | { count: number; maxParallel?: number; failFast?: boolean; tolerated?: number[] },
): void {
  const job = findJob(state, jobId);
  if ("skipped" in expansion) {
    job.phase = "done";
    job.result = expansion.skipped;
    return;
  }
  job.phase = "active";
  job.instances = Array.from({ length: expansion.count }, () => ({ phase: "queued" as const }));
  job.maxParallel = expansion.maxParallel ?? Infinity;
  job.failFast = expansion.failFast ?? true;
  job.tolerated = new Set(expansion.tolerated ?? []);
  if (expansion.count === 0) finishJob(job);
}

/**
 * Records an instance's conclusion. Returns the follow-up actions this causes: with fail-fast, a
 * failed instance cancels its siblings that are still queued or running.
 */
export function markInstanceDone(
  state: SchedulerState,
  jobId: string,
  index: number,
  result: Conclusion,
): Action[] {
  const job = findJob(state, jobId);
  const inst = job.instances[index];
  if (!inst) return [];
  inst.phase = "done";
  inst.result = result;
  const follow: Action[] = [];
  if (result === "failure" && job.failFast && !job.tolerated.has(index)) {
    const queued: number[] = [];
    const running: number[] = [];
    job.instances.forEach((other, i) => {
      if (other.phase === "queued") queued.push(i);
      if (other.phase === "running") running.push(i);
    });
    for (const i of queued) job.instances[i] = { phase: "done", result: "cancelled" };
    if (running.length > 0) follow.push({ type: "cancel-instances", jobId, indexes: running });
  }
  if (job.instances.every((i) => i.phase === "done")) finishJob(job);
  return follow;
}

/** Run-wide cancellation: nothing new starts; queued instances are cancelled; the engine stops running ones. */
export function markCancelled(state: SchedulerState): void {
  state.cancelled = true;
  for (const job of state.jobs) {
    for (const inst of job.instances)
      if (inst.phase === "queued") Object.assign(inst, { phase: "done", result: "cancelled" });
    if (job.phase === "active" && job.instances.every((i) => i.phase === "done")) finishJob(job);
  }
}

/** GitHub's job result over its instances: failure beats cancelled beats success. */
function finishJob(job: JobState): void {
  job.phase = "done";
  const counted = job.instances.filter((_, i) => !job.tolerated.has(i));
  if (counted.some((i) => i.result === "failure")) job.result = "failure";
  else if (counted.some((i) => i.result === "cancelled")) job.result = "cancelled";
  else job.result = "success";
}

function runConclusion(state: SchedulerState): Conclusion {
  if (state.jobs.some((j) => j.result === "failure")) return "failure";
  if (state.cancelled || state.jobs.some((j) => j.result === "cancelled")) return "cancelled";
  return "success";
}

function findJob(state: SchedulerState, jobId: string): JobState {
  const job = state.jobs.find((j) => j.id === jobId);
  if (!job) throw new Error(`unknown job ${jobId}`);
  return job;
}
