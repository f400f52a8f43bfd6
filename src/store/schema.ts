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
  /** `concurrency_group` case-folded: what group comparisons use (GitHub ignores case). */
  concurrency_key: string | null;
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
  /** The job-level concurrency group the job waits for or holds (set through the store's group calls). */
  concurrency_group: string | null;
  concurrency_key: string | null;
  /** When the job joined its group (store clock): pending jobs are ordered by it. */
  queued_at: string | null;
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

/**
 * `counters`: named monotonic counters (run and deployment numbers, command ids), kept apart so
 * deleting rows never reuses one.
 */
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

/** `deployments`: one row per rollout; `state` is replaced by every compare-and-set save. */
export interface DeploymentsTable {
  id: string;
  number: number;
  environment: string;
  version: string;
  previous_version: string | null;
  strategy: string;
  /** `in_progress` rows are unique per environment (a partial unique index). */
  status: string;
  phase: string;
  /** JSON. */
  spec: string;
  /** JSON. */
  state: string;
  revision: number;
  actor: string;
  run_id: string | null;
  ref: string | null;
  sha: string | null;
  artifact: string | null;
  reason: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
}

/** `deploy_commands`: commands queued for an environment's agent, delivered in `id` order. */
export interface DeployCommandsTable {
  /** From the `deploy_command_id` counter, allocated in the inserting transaction. */
  id: number;
  environment: string;
  deployment_id: string | null;
  /** JSON. */
  command: string;
  actor: string;
  created_at: string;
  acked_at: string | null;
}

/** `approvals`: at most one answer per (deployment_id, request_id); the first insert wins. */
export interface ApprovalsTable {
  deployment_id: string;
  request_id: string;
  name: string;
  /** 1 approved, 0 rejected. */
  approved: number;
  /** Who answered (`by` is an SQL keyword). */
  approved_by: string;
  comment: string | null;
  created_at: string;
}

/** `environments`: the live side of an environment (agent, router, stable version). */
export interface EnvironmentsTable {
  name: string;
  stable_version: string | null;
  stable_deployment_id: string | null;
  agent_pid: number | null;
  heartbeat_at: string | null;
  router_url: string | null;
  /** JSON or NULL. */
  live: string | null;
  updated_at: string;
}

/** `audit_log`: the append-only, hash-chained audit trail. */
export interface AuditLogTable {
  /** 1, 2, … with no gaps; the primary key, so two writers can never both append the same seq. */
  seq: number;
  at: string;
  actor: string;
  action: string;
  subject: string;
  /** JSON. */
  data: string;
  /** sha256 hex of the previous hash and this entry's canonical JSON. */
  hash: string;
}

export interface StoreDatabase {
  runs: RunsTable;
  jobs: JobsTable;
  steps: StepsTable;
  step_logs: StepLogsTable;
  counters: CountersTable;
  gate_results: GateResultsTable;
  deployments: DeploymentsTable;
  deploy_commands: DeployCommandsTable;
  approvals: ApprovalsTable;
  environments: EnvironmentsTable;
  audit_log: AuditLogTable;
}

/** The `counters.name` of the run-number counter. */
export const RUN_NUMBER_COUNTER = "run_number";
/** The `counters.name` of the deployment-number counter. */
export const DEPLOYMENT_NUMBER_COUNTER = "deployment_number";
/** The `counters.name` of the deploy-command id counter. */
export const DEPLOY_COMMAND_ID_COUNTER = "deploy_command_id";
