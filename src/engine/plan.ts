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
 *
 * Cost grows with the jobs that can act now, not with all jobs: the reducers below keep an index of
 * which jobs are ready to expand and which have queued instances (a 300-job `needs` chain calls this
 * 600 times).
 */
export function planNext(state: SchedulerState): Action[] {
  const index = indexOf(state);
  const actions: Action[] = [];
  for (const job of byPosition(index, index.ready)) actions.push({ type: "expand", jobId: job.id });
  let running = index.running;
  for (const job of byPosition(index, index.startable)) {
    if (running >= state.concurrency) break;
    let jobRunning = job.instances.filter((i) => i.phase === "running").length;
    job.instances.forEach((inst, i) => {
      if (inst.phase !== "queued" || running >= state.concurrency || jobRunning >= job.maxParallel) return;
      actions.push({ type: "start", jobId: job.id, index: i });
      running += 1;
      jobRunning += 1;
    });
  }
  if (actions.length === 0 && index.done === state.jobs.length) {
    actions.push({ type: "complete", conclusion: runConclusion(state) });
  }
  return actions;
}

/** The job with this id; throws for an unknown id. */
export function findJobState(state: SchedulerState, jobId: string): JobState {
  const job = indexOf(state).byId.get(jobId);
  if (!job) throw new Error(`unknown job ${jobId}`);
  return job;
}

/** Marks an instance as started; call when applying a `start` action. */
export function markStarted(state: SchedulerState, jobId: string, index: number): void {
  const job = findJob(state, jobId);
  const inst = job.instances[index];
  if (!inst || inst.phase !== "queued") return;
  inst.phase = "running";
  const idx = indexOf(state);
  idx.running += 1;
  if (!job.instances.some((i) => i.phase === "queued")) idx.startable.delete(job);
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
  const idx = indexOf(state);
  idx.ready.delete(job);
  if ("skipped" in expansion) {
    setDone(state, job, expansion.skipped);
    return;
  }
  job.phase = "active";
  job.instances = Array.from({ length: expansion.count }, () => ({ phase: "queued" as const }));
  job.maxParallel = expansion.maxParallel ?? Infinity;
  job.failFast = expansion.failFast ?? true;
  job.tolerated = new Set(expansion.tolerated ?? []);
  if (expansion.count === 0) finishJob(state, job);
  else idx.startable.add(job);
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
  const idx = indexOf(state);
  if (inst.phase === "running") idx.running -= 1;
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
    idx.startable.delete(job);
    if (running.length > 0) follow.push({ type: "cancel-instances", jobId, indexes: running });
  }
  if (!job.instances.some((i) => i.phase === "queued")) idx.startable.delete(job);
  if (job.phase !== "done" && job.instances.every((i) => i.phase === "done")) finishJob(state, job);
  return follow;
}

/** Run-wide cancellation: nothing new starts; queued instances are cancelled; the engine stops running ones. */
export function markCancelled(state: SchedulerState): void {
  state.cancelled = true;
  const idx = indexOf(state);
  idx.startable.clear();
  for (const job of state.jobs) {
    for (const inst of job.instances)
      if (inst.phase === "queued") Object.assign(inst, { phase: "done", result: "cancelled" });
    if (job.phase === "active" && job.instances.every((i) => i.phase === "done")) finishJob(state, job);
  }
}

/** GitHub's job result over its instances: failure beats cancelled beats success. */
function finishJob(state: SchedulerState, job: JobState): void {
  const counted = job.instances.filter((_, i) => !job.tolerated.has(i));
  const result: Conclusion = counted.some((i) => i.result === "failure")
    ? "failure"
    : counted.some((i) => i.result === "cancelled")
      ? "cancelled"
      : "success";
  setDone(state, job, result);
}

function runConclusion(state: SchedulerState): Conclusion {
  if (state.jobs.some((j) => j.result === "failure")) return "failure";
  if (state.cancelled || state.jobs.some((j) => j.result === "cancelled")) return "cancelled";
  return "success";
}

// ---- the index the reducers keep -------------------------------------------------------------

interface SchedulerIndex {
  byId: Map<string, JobState>;
  position: Map<JobState, number>;
  /** Jobs waiting on each job id. */
  dependents: Map<string, JobState[]>;
  /** Per blocked job: how many of its needs are not done yet (unknown ids never are). */
  waitingOn: Map<JobState, number>;
  /** Blocked jobs whose needs are all done: to expand. */
  ready: Set<JobState>;
  /** Active jobs with queued instances. */
  startable: Set<JobState>;
  running: number;
  done: number;
}

/**
 * The index, built on first use from the state as it is then; from then on every change must go
 * through the reducers of this module (the engine and the tests only read the state directly).
 */
const indexes = new WeakMap<SchedulerState, SchedulerIndex>();

function indexOf(state: SchedulerState): SchedulerIndex {
  let idx = indexes.get(state);
  if (idx) return idx;
  idx = {
    byId: new Map(state.jobs.map((j) => [j.id, j])),
    position: new Map(state.jobs.map((j, i) => [j, i])),
    dependents: new Map(),
    waitingOn: new Map(),
    ready: new Set(),
    startable: new Set(),
    running: 0,
    done: 0,
  };
  for (const job of state.jobs) {
    if (job.phase === "done") idx.done += 1;
    idx.running += job.instances.filter((i) => i.phase === "running").length;
    if (job.phase === "active" && job.instances.some((i) => i.phase === "queued")) idx.startable.add(job);
    if (job.phase !== "blocked") continue;
    let waiting = 0;
    for (const need of job.needs) {
      if (idx.byId.get(need)?.phase === "done") continue;
      waiting += 1;
      const list = idx.dependents.get(need);
      if (list) list.push(job);
      else idx.dependents.set(need, [job]);
    }
    idx.waitingOn.set(job, waiting);
    if (waiting === 0) idx.ready.add(job);
  }
  indexes.set(state, idx);
  return idx;
}

/** The job is done with `result`: count it, and release the jobs that were waiting on it. */
function setDone(state: SchedulerState, job: JobState, result: Conclusion): void {
  const idx = indexOf(state);
  const wasDone = job.phase === "done";
  job.phase = "done";
  job.result = result;
  idx.startable.delete(job);
  if (wasDone) return;
  idx.done += 1;
  for (const dependent of idx.dependents.get(job.id) ?? []) {
    const waiting = (idx.waitingOn.get(dependent) ?? 1) - 1;
    idx.waitingOn.set(dependent, waiting);
    if (waiting === 0 && dependent.phase === "blocked") idx.ready.add(dependent);
  }
}

/** Jobs of `set` in workflow order (sets are small: what can act now). */
function byPosition(idx: SchedulerIndex, set: Set<JobState>): JobState[] {
  const jobs = [...set];
  if (jobs.length > 1) jobs.sort((a, b) => idx.position.get(a)! - idx.position.get(b)!);
  return jobs;
}

function findJob(state: SchedulerState, jobId: string): JobState {
  return findJobState(state, jobId);
}
