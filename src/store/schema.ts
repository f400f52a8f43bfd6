/**
 * The database schema as Kysely sees it, shared by every SQL implementation of the Store. Columns are
 * snake_case and portable: TEXT for ids, timestamps (ISO 8601, which sorts chronologically) and JSON,
 * INTEGER for numbers, so PostgreSQL can run the same migrations and most of the same queries.
 */

/** `runs`: one row per workflow run. */
export interface RunsTable {
  id: string;
  number: number;
  workflow_path: string;
  workflow_name: string;
  event: string;
  ref: string;
  sha: string;
  trigger: string;
  status: string;
  conclusion: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
  pid: number | null;
  concurrency_group: string | null;
  /** JSON object. */
  inputs: string;
}

/** `jobs`: one row per job instance (each matrix combination is its own row). */
export interface JobsTable {
  id: string;
  run_id: string;
  /** Creation order within the run, from 0; ids are random so they cannot order rows. */
  position: number;
  job_key: string;
  name: string;
  /** JSON object or NULL. */
  matrix: string | null;
  status: string;
  conclusion: string | null;
  started_at: string | null;
  completed_at: string | null;
  /** JSON object of strings. */
  outputs: string;
}

/** `steps`: one row per step of a job. */
export interface StepsTable {
  id: string;
  job_id: string;
  step_index: number;
  step_key: string;
  name: string;
  status: string;
  outcome: string | null;
  conclusion: string | null;
  exit_code: number | null;
  started_at: string | null;
  completed_at: string | null;
  /** JSON object of strings. */
  outputs: string;
}

/** `step_logs`: append-only chunks of masked log text; a step's log is its chunks in `seq` order. */
export interface StepLogsTable {
  step_id: string;
  seq: number;
  text: string;
}

/** `counters`: named monotonic counters (the run number), kept apart so deleting runs never reuses one. */
export interface CountersTable {
  name: string;
  value: number;
}

/** `gate_results`: one row per quality-gate evaluation. */
export interface GateResultsTable {
  id: string;
  gate: string;
  run_id: string | null;
  ref: string;
  sha: string;
  environment: string | null;
  /** 1 when no fail-severity rule failed. */
  passed: number;
  /** JSON: the metrics the rules saw. */
  metrics: string;
  /** JSON: each rule's outcome. */
  rules: string;
  created_at: string;
}

export interface StoreDatabase {
  runs: RunsTable;
  jobs: JobsTable;
  steps: StepsTable;
  step_logs: StepLogsTable;
  counters: CountersTable;
  gate_results: GateResultsTable;
}

/** The `counters.name` of the run-number counter. */
export const RUN_NUMBER_COUNTER = "run_number";
