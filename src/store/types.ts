/**
 * The Store persists every run, job and step so that history, logs and later analytics survive the
 * process. SQLite (better-sqlite3 via Kysely) is the default; PostgreSQL implements the same interface.
 * Every write happens before the engine acts on it (DESIGN.md: nothing is lost). Any method may throw
 * SLUICE_E_STORE when the database itself fails (disk full, locked beyond the busy timeout, closed).
 */

import type { DeploymentStore } from "./deployment-types";

export type RunStatus = "queued" | "in_progress" | "completed";
export type Conclusion = "success" | "failure" | "cancelled" | "skipped";

export interface RunRecord {
  id: string;
  /** Monotonic per repository, as GitHub's run_number. */
  number: number;
  workflowPath: string;
  workflowName: string;
  event: string;
  ref: string;
  sha: string;
  /** Who or what started the run: "cli", "demo", "server", a user name. */
  trigger: string;
  status: RunStatus;
  conclusion: Conclusion | null;
  /** ISO timestamps. */
  createdAt: string;
  startedAt: string | null;
  completedAt: string | null;
  /** pid of the process executing the run; used to detect runs orphaned by a crash. */
  pid: number | null;
  /** Concurrency group the run holds or waits for, if any. */
  concurrencyGroup: string | null;
  /** Event payload, inputs and other metadata as JSON-compatible data. */
  inputs: Record<string, unknown>;
}

export interface JobRecord {
  id: string;
  runId: string;
  /** The workflow job id (`build`), shared by all matrix instances. */
  jobKey: string;
  /** Display name, including the matrix values (`build (20, linux)`). */
  name: string;
  matrix: Record<string, unknown> | null;
  status: RunStatus;
  conclusion: Conclusion | null;
  startedAt: string | null;
  completedAt: string | null;
  outputs: Record<string, string>;
}

export interface StepRecord {
  id: string;
  jobId: string;
  /** Position of the step in its job, from 0. */
  index: number;
  /** The step id (`build`, or generated `__run_2`). */
  stepKey: string;
  name: string;
  status: RunStatus;
  outcome: Conclusion | null;
  conclusion: Conclusion | null;
  exitCode: number | null;
  startedAt: string | null;
  completedAt: string | null;
  outputs: Record<string, string>;
}

export interface RunFilter {
  workflowPath?: string;
  ref?: string;
  status?: RunStatus;
  limit?: number;
}

export interface NewRun {
  workflowPath: string;
  workflowName: string;
  event: string;
  ref: string;
  sha: string;
  trigger: string;
  inputs: Record<string, unknown>;
  concurrencyGroup?: string | null;
  /**
   * The process that will execute the run, when known at creation: a run owned from its first write
   * is repaired by recoverOrphans even if the process dies before its next update. Default null.
   */
  pid?: number | null;
}

/** A run or job in a concurrency group: the run's own group (workflow level) or a job's. */
export interface ConcurrencyMember {
  kind: "run" | "job";
  /** The run id or the job id. */
  id: string;
}

/** An unfinished member of a concurrency group, as {@link Store.listConcurrencyContenders} lists it. */
export interface ConcurrencyContender extends ConcurrencyMember {
  runId: string;
  runNumber: number;
  /** The group name as the member gave it (members may differ in case). */
  group: string;
  /** `queued`: pending; `in_progress`: holds the group. */
  status: "queued" | "in_progress";
  /** The pid of the process executing the run (null: nothing owns it yet). */
  pid: number | null;
  /** When it joined the group (store clock): a run's createdAt, a job's joining time. */
  queuedAt: string;
  /** A job's position in its run; -1 for a run. With queuedAt and runNumber, a total order. */
  position: number;
  /** Job name or workflow name, for messages. */
  name: string;
}

/** A recorded quality-gate evaluation (see src/gate). */
export interface GateResultRecord {
  id: string;
  gate: string;
  /** The run whose step evaluated it, or null for `sluice gate` outside a run. */
  runId: string | null;
  ref: string;
  sha: string;
  environment: string | null;
  passed: boolean;
  /** The metrics model the rules were evaluated against (nested objects of numbers). */
  metrics: Record<string, unknown>;
  /** Each rule's outcome, as the gate module reports it. */
  rules: unknown[];
  createdAt: string;
}

export interface GateResultQuery {
  gate: string;
  ref: string;
  /** Only results that passed (the baseline is the last passing result). */
  passedOnly?: boolean;
  /** Ignore results of this run (a rerun must not compare with itself). */
  excludeRunId?: string;
}

export interface Store extends DeploymentStore {
  /**
   * Creates a run in status `queued`, assigning a random id and the next run number (1, 2, …; unique
   * and increasing even across processes, never reused, with a gap only if a process dies mid-call).
   * `createdAt` is the store clock's now.
   */
  createRun(run: NewRun): Promise<RunRecord>;
  /**
   * Partial update (`undefined` fields are left alone, `null` clears); unknown ids throw
   * SLUICE_E_RUN_NOT_FOUND.
   */
  updateRun(id: string, patch: Partial<Omit<RunRecord, "id" | "number">>): Promise<void>;
  /**
   * Run by full id, unique id prefix (at least 4 characters, case-insensitive) or run number as a
   * decimal string. A decimal string is tried as a number first, then as an id prefix. Null when none
   * matches or a prefix matches more than one run.
   */
  getRun(idOrNumber: string): Promise<RunRecord | null>;
  /** Newest first (by number); all matching runs unless `limit` is given. */
  listRuns(filter?: RunFilter): Promise<RunRecord[]>;
  /**
   * How many runs of `run.workflowPath` are numbered up to `run.number`: a run's number among its
   * workflow's runs (1 for the first), as GitHub counts github.run_number. Runs are never deleted, so
   * it never changes, and two runs of one workflow never share it.
   */
  countWorkflowRuns(run: Pick<RunRecord, "workflowPath" | "number">): Promise<number>;

  /** Stores the job as given with a new id; an unknown `runId` throws SLUICE_E_RUN_NOT_FOUND. */
  createJob(job: Omit<JobRecord, "id">): Promise<JobRecord>;
  /** Partial update (`undefined` fields are left alone); unknown ids throw SLUICE_E_STORE. */
  updateJob(id: string, patch: Partial<Omit<JobRecord, "id" | "runId">>): Promise<void>;
  /** In creation order. */
  listJobs(runId: string): Promise<JobRecord[]>;

  /** Stores the step as given with a new id; an unknown `jobId` throws SLUICE_E_STORE. */
  createStep(step: Omit<StepRecord, "id">): Promise<StepRecord>;
  /** Partial update (`undefined` fields are left alone); unknown ids throw SLUICE_E_STORE. */
  updateStep(id: string, patch: Partial<Omit<StepRecord, "id" | "jobId">>): Promise<void>;
  /** In `index` order. */
  listSteps(jobId: string): Promise<StepRecord[]>;

  /**
   * Appends masked log text for a step as one chunk; logs are never stored unmasked, so the caller
   * masks first. One cheap insert per call; empty text is a no-op; an unknown step throws SLUICE_E_STORE.
   */
  appendLog(stepId: string, text: string): Promise<void>;
  /** The whole stored log of a step (its chunks in append order), "" when none. */
  readLog(stepId: string): Promise<string>;

  /**
   * Marks every run still `queued`/`in_progress` whose pid is not alive as completed/failure
   * (its unfinished jobs and steps too: completed, conclusion failure, completedAt now). Runs with a
   * null pid are left alone: nothing owns them yet (a queue holds them). Returns the ids it repaired.
   * Idempotent: a second call, or a concurrent one in another process, repairs nothing twice.
   */
  recoverOrphans(
    isAlive: (pid: number) => boolean,
    /**
     * Called with the dead runs found, before any of them is changed: what they left running is
     * stopped before their concurrency groups are released (completing them releases the groups).
     */
    beforeRepair?: (orphans: Array<{ id: string; pid: number }>) => Promise<void>,
  ): Promise<string[]>;

  /**
   * Concurrency groups (case-insensitive names, shared by runs and jobs across processes). A job
   * joins while `queued`; a run's group is set with updateRun's `concurrencyGroup` or here. Joining
   * a job records when (its place among pending members).
   */
  joinConcurrencyGroup(member: ConcurrencyMember, group: string): Promise<void>;
  /** Every unfinished (`queued` or `in_progress`) run and job in the group, in no particular order. */
  listConcurrencyContenders(group: string): Promise<ConcurrencyContender[]>;
  /**
   * Moves a `queued` member to `in_progress` (startedAt = `startedAt`) in one atomic statement,
   * unless another run or job of its group is `in_progress`: true when it did. Two processes can
   * never both take a group this way.
   */
  claimConcurrencyGroup(member: ConcurrencyMember, startedAt: string): Promise<boolean>;

  /** Releases the connection; idempotent. No other method may be called afterwards. */
  /** Records a gate evaluation; returns it with id and createdAt. */
  recordGateResult(result: Omit<GateResultRecord, "id" | "createdAt">): Promise<GateResultRecord>;
  /** The newest matching gate result, or null. */
  latestGateResult(query: GateResultQuery): Promise<GateResultRecord | null>;
  /** Gate results recorded by a run, oldest first. */
  listGateResults(runId: string): Promise<GateResultRecord[]>;

  close(): Promise<void>;
}
