/**
 * The Store over any Kysely dialect. All queries here are portable SQL (upserts with RETURNING,
 * scalar subqueries, LIKE on validated input), so the SQLite store and a PostgreSQL store differ
 * only in how they open the connection.
 */
import type { Kysely } from "kysely";
import { createError, isSluiceError } from "../core/errors";
import { jobFromRow, jobPatchToRow, jobToRow, newRunRecord, runPatchToRow } from "./rows";
import { runToRow, stepFromRow, stepPatchToRow, stepToRow } from "./rows";
import { QueryTemplates } from "./query-templates";
import type { QueryExecutor } from "./query-templates";
import { recoverOrphanedRuns } from "./recover-orphans";
import { countRunsOfWorkflow, selectRun, selectRuns } from "./run-queries";
import { claimGroup, joinGroup, selectContenders } from "./concurrency-groups";
import { RUN_NUMBER_COUNTER } from "./schema";
import type { JobsTable, RunsTable, StepsTable, StoreDatabase } from "./schema";
import { insertGateResult, selectGateResults, selectLatestGateResult } from "./gate-results";
import { appendAuditEntry, selectAudit, verifyAuditChain } from "./audit-log";
import { insertDeployment, saveDeploymentState, selectActiveDeployment } from "./deployments";
import { selectDeployment, selectDeployments } from "./deployments";
import { ackDeployCommandRows, insertApproval, insertDeployCommand } from "./deploy-commands";
import { selectApprovals, selectPendingDeployCommands } from "./deploy-commands";
import { selectEnvironment, selectEnvironments, upsertEnvironmentRow } from "./environments";
import { isForeignKeyViolation } from "./store-errors";
import type * as D from "./deployment-types";
import type {
  ConcurrencyContender,
  ConcurrencyMember,
  GateResultQuery,
  GateResultRecord,
  JobRecord,
  NewRun,
  RunFilter,
  RunRecord,
  StepRecord,
  Store,
} from "./types";

/** Injected so tests and replays control time and ids (DESIGN.md: clock and randomness are injected). */
export interface KyselyStoreOptions {
  /** The clock for `createdAt` and recovery timestamps. Default: `new Date()`. */
  now?: () => Date;
  /** Id generator for runs, jobs and steps. Default: `crypto.randomUUID()`. */
  newId?: () => string;
}

export { MIN_ID_PREFIX } from "./run-queries";

/**
 * A Store over an open, migrated Kysely database; dialect-specific subclasses open one. Hot-path
 * writes (jobs, steps, updates, log chunks) go through {@link QueryTemplates}: one prepared
 * statement each, with no query building after the first call of each shape.
 */
export class KyselyStore implements Store {
  private readonly now: () => Date;
  private readonly newId: () => string;
  private readonly templates: QueryTemplates;
  private closed = false;

  /**
   * `templateExecutor` runs the hot-path statements compiled by the templates (single statements,
   * never in a transaction); default: Kysely. The SQLite store runs them on its connection directly.
   */
  constructor(
    protected readonly db: Kysely<StoreDatabase>,
    options: KyselyStoreOptions = {},
    templateExecutor: QueryExecutor = db,
  ) {
    this.now = options.now ?? (() => new Date());
    this.newId = options.newId ?? (() => crypto.randomUUID());
    this.templates = new QueryTemplates(templateExecutor);
  }

  createRun(run: NewRun): Promise<RunRecord> {
    const record = newRunRecord(run, this.newId(), this.now().toISOString());
    return this.guard("create a run", async () => {
      // Two autocommit statements, deliberately not one transaction: a transaction would hold
      // SQLite's write lock across awaits, and another connection in the same process would then
      // busy-wait on it synchronously, blocking the very event loop that has to finish it. The
      // upsert alone makes numbers unique; dying between the two statements only leaves a gap.
      const counter = await this.db
        .insertInto("counters")
        .values({ name: RUN_NUMBER_COUNTER, value: 1 })
        .onConflict((oc) => oc.column("name").doUpdateSet((eb) => ({ value: eb("counters.value", "+", 1) })))
        .returning("value")
        .executeTakeFirstOrThrow();
      record.number = counter.value;
      await this.db.insertInto("runs").values(runToRow(record)).execute();
      return record;
    });
  }

  updateRun(id: string, patch: Partial<Omit<RunRecord, "id" | "number">>): Promise<void> {
    return this.guard("update a run", async () => {
      if (!(await this.updateById("runs", id, runPatchToRow(patch)))) {
        throw createError("SLUICE_E_RUN_NOT_FOUND", `No run with id ${id}.`);
      }
    });
  }

  getRun(idOrNumber: string): Promise<RunRecord | null> {
    return this.guard("read a run", () => selectRun(this.db, idOrNumber));
  }

  listRuns(filter: RunFilter = {}): Promise<RunRecord[]> {
    return this.guard("list runs", () => selectRuns(this.db, filter));
  }

  countWorkflowRuns(run: Pick<RunRecord, "workflowPath" | "number">): Promise<number> {
    return this.guard("count runs", () => countRunsOfWorkflow(this.db, run));
  }

  createJob(job: Omit<JobRecord, "id">): Promise<JobRecord> {
    const record: JobRecord = { id: this.newId(), ...job };
    const row = jobToRow(record);
    const columns = Object.keys(row) as (keyof typeof row)[];
    return this.guard("create a job", async () => {
      try {
        // One statement: the insert computes the position itself (an index seek on run_id).
        await this.templates.execute("createJob", [...Object.values(row), record.runId], (slots) =>
          this.db.insertInto("jobs").values((eb) => ({
            ...QueryTemplates.slotRow<Omit<JobsTable, "position">>(columns, slots),
            position: eb
              .selectFrom("jobs")
              .select((s) => s(s.fn.coalesce(s.fn.max("position"), s.lit(-1)), "+", 1).as("next"))
              .where("run_id", "=", slots[columns.length] as string),
          })),
        );
      } catch (err) {
        if (isForeignKeyViolation(err)) {
          throw createError("SLUICE_E_RUN_NOT_FOUND", `No run with id ${record.runId}.`, { cause: err });
        }
        throw err;
      }
      return record;
    });
  }

  updateJob(id: string, patch: Partial<Omit<JobRecord, "id" | "runId">>): Promise<void> {
    return this.guard("update a job", async () => {
      if (!(await this.updateById("jobs", id, jobPatchToRow(patch)))) {
        throw createError("SLUICE_E_STORE", `No job with id ${id}.`);
      }
    });
  }

  listJobs(runId: string): Promise<JobRecord[]> {
    return this.guard("list jobs", async () =>
      (
        await this.db.selectFrom("jobs").selectAll().where("run_id", "=", runId).orderBy("position").execute()
      ).map(jobFromRow),
    );
  }

  createStep(step: Omit<StepRecord, "id">): Promise<StepRecord> {
    const record: StepRecord = { id: this.newId(), ...step };
    const row = stepToRow(record);
    const columns = Object.keys(row) as (keyof StepsTable)[];
    return this.guard("create a step", async () => {
      try {
        await this.templates.execute("createStep", Object.values(row), (slots) =>
          this.db.insertInto("steps").values(QueryTemplates.slotRow<StepsTable>(columns, slots)),
        );
      } catch (err) {
        if (isForeignKeyViolation(err)) {
          throw createError("SLUICE_E_STORE", `No job with id ${record.jobId}.`, { cause: err });
        }
        throw err;
      }
      return record;
    });
  }

  updateStep(id: string, patch: Partial<Omit<StepRecord, "id" | "jobId">>): Promise<void> {
    return this.guard("update a step", async () => {
      if (!(await this.updateById("steps", id, stepPatchToRow(patch)))) {
        throw createError("SLUICE_E_STORE", `No step with id ${id}.`);
      }
    });
  }

  listSteps(jobId: string): Promise<StepRecord[]> {
    return this.guard("list steps", async () =>
      (
        await this.db
          .selectFrom("steps")
          .selectAll()
          .where("job_id", "=", jobId)
          .orderBy("step_index")
          .execute()
      ).map(stepFromRow),
    );
  }

  appendLog(stepId: string, text: string): Promise<void> {
    if (text === "") return Promise.resolve();
    return this.guard("append a log", async () => {
      try {
        // One statement: the next seq is an index seek on the (step_id, seq) primary key.
        await this.templates.execute("appendLog", [stepId, text], ([step, chunk]) =>
          this.db.insertInto("step_logs").values((eb) => ({
            step_id: step as string,
            text: chunk as string,
            seq: eb
              .selectFrom("step_logs")
              .select((s) => s(s.fn.coalesce(s.fn.max("seq"), s.lit(-1)), "+", 1).as("next"))
              .where("step_id", "=", step as string),
          })),
        );
      } catch (err) {
        if (isForeignKeyViolation(err)) {
          throw createError("SLUICE_E_STORE", `No step with id ${stepId}.`, { cause: err });
        }
        throw err;
      }
    });
  }

  readLog(stepId: string): Promise<string> {
    return this.guard("read a log", async () => {
      const chunks = await this.db
        .selectFrom("step_logs")
        .select("text")
        .where("step_id", "=", stepId)
        .orderBy("seq")
        .execute();
      return chunks.map((c) => c.text).join("");
    });
  }

  recoverOrphans(
    isAlive: (pid: number) => boolean,
    beforeRepair?: (orphans: Array<{ id: string; pid: number }>) => Promise<void>,
  ): Promise<string[]> {
    return this.guard("recover orphaned runs", () =>
      recoverOrphanedRuns(this.db, isAlive, () => this.now(), beforeRepair),
    );
  }

  joinConcurrencyGroup(member: ConcurrencyMember, group: string): Promise<void> {
    const now = this.now().toISOString();
    return this.guard("join a concurrency group", () => joinGroup(this.db, member, group, now));
  }

  listConcurrencyContenders(group: string): Promise<ConcurrencyContender[]> {
    return this.guard("list a concurrency group", () => selectContenders(this.db, group));
  }

  claimConcurrencyGroup(member: ConcurrencyMember, startedAt: string): Promise<boolean> {
    return this.guard("claim a concurrency group", () => claimGroup(this.db, member, startedAt));
  }

  recordGateResult(result: Omit<GateResultRecord, "id" | "createdAt">): Promise<GateResultRecord> {
    const record: GateResultRecord = { ...result, id: this.newId(), createdAt: this.now().toISOString() };
    return this.guard("record a gate result", async () => {
      await insertGateResult(this.db, record);
      return record;
    });
  }

  latestGateResult(query: GateResultQuery): Promise<GateResultRecord | null> {
    return this.guard("read gate results", () => selectLatestGateResult(this.db, query));
  }

  listGateResults(runId: string): Promise<GateResultRecord[]> {
    return this.guard("list gate results", () => selectGateResults(this.db, runId));
  }

  // Deployments (deployments.ts, deploy-commands.ts, environments.ts, audit-log.ts).

  createDeployment(deployment: D.NewDeployment): Promise<D.DeploymentRecord> {
    const [id, now] = [this.newId(), this.now().toISOString()];
    return this.guard("create a deployment", () => insertDeployment(this.db, deployment, id, now));
  }

  saveDeploymentState(id: string, patch: D.DeploymentStatePatch): Promise<number> {
    const now = this.now().toISOString();
    return this.guard("save a deployment", () => saveDeploymentState(this.db, id, patch, now));
  }

  getDeployment(idOrNumber: string): Promise<D.DeploymentRecord | null> {
    return this.guard("read a deployment", () => selectDeployment(this.db, idOrNumber));
  }

  activeDeployment(environment: string): Promise<D.DeploymentRecord | null> {
    return this.guard("read a deployment", () => selectActiveDeployment(this.db, environment));
  }

  listDeployments(filter?: D.DeploymentFilter): Promise<D.DeploymentRecord[]> {
    return this.guard("list deployments", () => selectDeployments(this.db, filter));
  }

  enqueueDeployCommand(
    command: Omit<D.DeployCommandRecord, "id" | "createdAt" | "ackedAt">,
  ): Promise<D.DeployCommandRecord> {
    const now = this.now().toISOString();
    return this.guard("queue a deploy command", () => insertDeployCommand(this.db, command, now));
  }

  pendingDeployCommands(environment: string): Promise<D.DeployCommandRecord[]> {
    return this.guard("read deploy commands", () => selectPendingDeployCommands(this.db, environment));
  }

  ackDeployCommands(ids: number[]): Promise<void> {
    const now = this.now().toISOString();
    return this.guard("acknowledge deploy commands", () => ackDeployCommandRows(this.db, ids, now));
  }

  recordApproval(approval: Omit<D.ApprovalRecord, "createdAt">): Promise<D.ApprovalRecord> {
    const now = this.now().toISOString();
    return this.guard("record an approval", () => insertApproval(this.db, approval, now));
  }

  listApprovals(deploymentId: string): Promise<D.ApprovalRecord[]> {
    return this.guard("list approvals", () => selectApprovals(this.db, deploymentId));
  }

  getEnvironment(name: string): Promise<D.EnvironmentRecord | null> {
    return this.guard("read an environment", () => selectEnvironment(this.db, name));
  }

  upsertEnvironment(name: string, patch: D.EnvironmentPatch): Promise<D.EnvironmentRecord> {
    const now = this.now().toISOString();
    return this.guard("save an environment", () => upsertEnvironmentRow(this.db, name, patch, now));
  }

  listEnvironments(): Promise<D.EnvironmentRecord[]> {
    return this.guard("list environments", () => selectEnvironments(this.db));
  }

  appendAudit(entry: D.NewAuditEntry): Promise<D.AuditRecord> {
    const now = this.now().toISOString();
    return this.guard("append to the audit log", () => appendAuditEntry(this.db, entry, now));
  }

  listAudit(filter?: D.AuditFilter): Promise<D.AuditRecord[]> {
    return this.guard("read the audit log", () => selectAudit(this.db, filter));
  }

  verifyAudit(): Promise<D.AuditVerification> {
    return this.guard("verify the audit log", () => verifyAuditChain(this.db));
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.db.destroy();
  }

  /**
   * Sets `row`'s columns on the row with this id in one statement; false when no row has the id. An
   * empty patch still checks that the row exists, so unknown ids fail the same way either way.
   */
  private async updateById<T extends "runs" | "jobs" | "steps">(
    table: T,
    id: string,
    row: Partial<StoreDatabase[T]>,
  ): Promise<boolean> {
    const columns = Object.keys(row) as (keyof StoreDatabase[T] & string)[];
    // The three tables share an `id` primary key, but Kysely cannot type a query over a table chosen
    // by a type parameter, so the builders below are typed as if it were `runs`.
    if (columns.length === 0) {
      const found = await this.templates.execute(`exists:${table}`, [id], ([slot]) =>
        this.db
          .selectFrom(table as "runs")
          .select("id")
          .where("id", "=", slot as string),
      );
      return found.rows.length > 0;
    }
    const result = await this.templates.execute(
      `update:${table}:${columns.join(",")}`,
      [...Object.values(row), id],
      (slots) =>
        this.db
          .updateTable(table as "runs")
          .set(QueryTemplates.slotRow<Partial<RunsTable>>(columns as (keyof RunsTable)[], slots))
          .where("id", "=", slots[columns.length] as string),
    );
    return (result.numAffectedRows ?? 0n) > 0n;
  }

  /** Runs `work`, turning driver failures into SLUICE_E_STORE; our own SluiceErrors pass through. */
  private async guard<T>(action: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (err) {
      if (isSluiceError(err)) throw err;
      const reason = err instanceof Error ? err.message : String(err);
      throw createError("SLUICE_E_STORE", `Cannot ${action}: ${reason}`, { cause: err });
    }
  }
}
