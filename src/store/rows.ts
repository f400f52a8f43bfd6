/**
 * Conversions between Store records (camelCase, parsed JSON) and table rows (snake_case, JSON as
 * text). Kept apart from any dialect so the PostgreSQL store maps rows exactly the same way.
 */
import type { Conclusion, JobRecord, NewRun, RunRecord, RunStatus, StepRecord } from "./types";
import type { JobsTable, RunsTable, StepsTable } from "./schema";
import { concurrencyKey } from "./concurrency-groups";

/** Job columns that only the concurrency-group calls write (concurrency-groups.ts). */
type JobGroupColumns = "concurrency_group" | "concurrency_key" | "queued_at";

type RunPatch = Partial<Omit<RunRecord, "id" | "number">>;
type JobPatch = Partial<Omit<JobRecord, "id" | "runId">>;
type StepPatch = Partial<Omit<StepRecord, "id" | "jobId">>;

/** The record of a run about to be created: queued, unnumbered (0) until the store assigns it. */
export function newRunRecord(run: NewRun, id: string, createdAt: string): RunRecord {
  return {
    id,
    number: 0,
    workflowPath: run.workflowPath,
    workflowName: run.workflowName,
    event: run.event,
    ref: run.ref,
    sha: run.sha,
    trigger: run.trigger,
    status: "queued",
    conclusion: null,
    createdAt,
    startedAt: null,
    completedAt: null,
    pid: run.pid ?? null,
    concurrencyGroup: run.concurrencyGroup ?? null,
    inputs: run.inputs,
  };
}

export function runFromRow(row: RunsTable): RunRecord {
  return {
    id: row.id,
    number: row.number,
    workflowPath: row.workflow_path,
    workflowName: row.workflow_name,
    event: row.event,
    ref: row.ref,
    sha: row.sha,
    trigger: row.trigger,
    status: row.status as RunStatus,
    conclusion: row.conclusion as Conclusion | null,
    createdAt: row.created_at,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    pid: row.pid,
    concurrencyGroup: row.concurrency_group,
    inputs: JSON.parse(row.inputs) as Record<string, unknown>,
  };
}

export function runToRow(run: RunRecord): RunsTable {
  return {
    id: run.id,
    number: run.number,
    workflow_path: run.workflowPath,
    workflow_name: run.workflowName,
    event: run.event,
    ref: run.ref,
    sha: run.sha,
    trigger: run.trigger,
    status: run.status,
    conclusion: run.conclusion,
    created_at: run.createdAt,
    started_at: run.startedAt,
    completed_at: run.completedAt,
    pid: run.pid,
    concurrency_group: run.concurrencyGroup,
    concurrency_key: concurrencyKey(run.concurrencyGroup),
    inputs: JSON.stringify(run.inputs),
  };
}

export function jobFromRow(row: Omit<JobsTable, JobGroupColumns>): JobRecord {
  return {
    id: row.id,
    runId: row.run_id,
    jobKey: row.job_key,
    name: row.name,
    matrix: row.matrix === null ? null : (JSON.parse(row.matrix) as Record<string, unknown>),
    status: row.status as RunStatus,
    conclusion: row.conclusion as Conclusion | null,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    outputs: JSON.parse(row.outputs) as Record<string, string>,
  };
}

/** The row of a new job; `position` comes from the database, so it is left to the caller. */
export function jobToRow(job: JobRecord): Omit<JobsTable, "position" | JobGroupColumns> {
  return {
    id: job.id,
    run_id: job.runId,
    job_key: job.jobKey,
    name: job.name,
    matrix: job.matrix === null ? null : JSON.stringify(job.matrix),
    status: job.status,
    conclusion: job.conclusion,
    started_at: job.startedAt,
    completed_at: job.completedAt,
    outputs: JSON.stringify(job.outputs),
  };
}

export function stepFromRow(row: StepsTable): StepRecord {
  return {
    id: row.id,
    jobId: row.job_id,
    index: row.step_index,
    stepKey: row.step_key,
    name: row.name,
    status: row.status as RunStatus,
    outcome: row.outcome as Conclusion | null,
    conclusion: row.conclusion as Conclusion | null,
    exitCode: row.exit_code,
    startedAt: row.started_at,
    completedAt: row.completed_at,
    outputs: JSON.parse(row.outputs) as Record<string, string>,
  };
}

export function stepToRow(step: StepRecord): StepsTable {
  return {
    id: step.id,
    job_id: step.jobId,
    step_index: step.index,
    step_key: step.stepKey,
    name: step.name,
    status: step.status,
    outcome: step.outcome,
    conclusion: step.conclusion,
    exit_code: step.exitCode,
    started_at: step.startedAt,
    completed_at: step.completedAt,
    outputs: JSON.stringify(step.outputs),
  };
}

/**
 * The columns a partial patch sets. Keys whose value is `undefined` are left alone (as with object
 * spread), `null` clears a nullable column, and keys that are not record fields are ignored, so a
 * stray property can never address an arbitrary column.
 */
export function runPatchToRow(patch: RunPatch): Partial<RunsTable> {
  const row: Partial<RunsTable> = {};
  if (patch.workflowPath !== undefined) row.workflow_path = patch.workflowPath;
  if (patch.workflowName !== undefined) row.workflow_name = patch.workflowName;
  if (patch.event !== undefined) row.event = patch.event;
  if (patch.ref !== undefined) row.ref = patch.ref;
  if (patch.sha !== undefined) row.sha = patch.sha;
  if (patch.trigger !== undefined) row.trigger = patch.trigger;
  if (patch.status !== undefined) row.status = patch.status;
  if (patch.conclusion !== undefined) row.conclusion = patch.conclusion;
  if (patch.createdAt !== undefined) row.created_at = patch.createdAt;
  if (patch.startedAt !== undefined) row.started_at = patch.startedAt;
  if (patch.completedAt !== undefined) row.completed_at = patch.completedAt;
  if (patch.pid !== undefined) row.pid = patch.pid;
  if (patch.concurrencyGroup !== undefined) {
    row.concurrency_group = patch.concurrencyGroup;
    row.concurrency_key = concurrencyKey(patch.concurrencyGroup);
  }
  if (patch.inputs !== undefined) row.inputs = JSON.stringify(patch.inputs);
  return row;
}

/** As {@link runPatchToRow}, for jobs. */
export function jobPatchToRow(patch: JobPatch): Partial<JobsTable> {
  const row: Partial<JobsTable> = {};
  if (patch.jobKey !== undefined) row.job_key = patch.jobKey;
  if (patch.name !== undefined) row.name = patch.name;
  if (patch.matrix !== undefined) row.matrix = patch.matrix === null ? null : JSON.stringify(patch.matrix);
  if (patch.status !== undefined) row.status = patch.status;
  if (patch.conclusion !== undefined) row.conclusion = patch.conclusion;
  if (patch.startedAt !== undefined) row.started_at = patch.startedAt;
  if (patch.completedAt !== undefined) row.completed_at = patch.completedAt;
  if (patch.outputs !== undefined) row.outputs = JSON.stringify(patch.outputs);
  return row;
}

/** As {@link runPatchToRow}, for steps. */
export function stepPatchToRow(patch: StepPatch): Partial<StepsTable> {
  const row: Partial<StepsTable> = {};
  if (patch.index !== undefined) row.step_index = patch.index;
  if (patch.stepKey !== undefined) row.step_key = patch.stepKey;
  if (patch.name !== undefined) row.name = patch.name;
  if (patch.status !== undefined) row.status = patch.status;
  if (patch.outcome !== undefined) row.outcome = patch.outcome;
  if (patch.conclusion !== undefined) row.conclusion = patch.conclusion;
  if (patch.exitCode !== undefined) row.exit_code = patch.exitCode;
  if (patch.startedAt !== undefined) row.started_at = patch.startedAt;
  if (patch.completedAt !== undefined) row.completed_at = patch.completedAt;
  if (patch.outputs !== undefined) row.outputs = JSON.stringify(patch.outputs);
  return row;
}
