/**
 * The Store persists every run, job and step so that history, logs and later analytics survive the
 * process. SQLite (better-sqlite3 via Kysely) is the default; PostgreSQL implements the same interface.
 * Every write happens before the engine acts on it (DESIGN.md: nothing is lost).
 */

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
}

export interface Store {
  /** Creates a run in status `queued`, assigning id and number. */
  createRun(run: NewRun): Promise<RunRecord>;
  /** Partial update; unknown ids throw SLUICE_E_RUN_NOT_FOUND. */
  updateRun(id: string, patch: Partial<Omit<RunRecord, "id" | "number">>): Promise<void>;
  /** Run by full id or unique id prefix or run number; null when none matches. */
  getRun(idOrNumber: string): Promise<RunRecord | null>;
  /** Newest first. */
  listRuns(filter?: RunFilter): Promise<RunRecord[]>;

  createJob(job: Omit<JobRecord, "id">): Promise<JobRecord>;
  updateJob(id: string, patch: Partial<Omit<JobRecord, "id" | "runId">>): Promise<void>;
  /** In creation order. */
  listJobs(runId: string): Promise<JobRecord[]>;

  createStep(step: Omit<StepRecord, "id">): Promise<StepRecord>;
  updateStep(id: string, patch: Partial<Omit<StepRecord, "id" | "jobId">>): Promise<void>;
  /** In index order. */
  listSteps(jobId: string): Promise<StepRecord[]>;

  /** Appends masked log text for a step; logs are never stored unmasked. */
  appendLog(stepId: string, text: string): Promise<void>;
  /** The whole stored log of a step, "" when none. */
  readLog(stepId: string): Promise<string>;

  /**
   * Marks every run still `queued`/`in_progress` whose pid is not alive as completed/failure
   * (its unfinished jobs and steps too). Returns the ids it repaired. Idempotent.
   */
  recoverOrphans(isAlive: (pid: number) => boolean): Promise<string[]>;

  close(): Promise<void>;
}
