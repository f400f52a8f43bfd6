/**
 * Deployment records: creation (numbered, at most one in progress per environment), compare-and-set
 * state saves with their audit entries, and lookups. Kept apart from the run/job/step hot paths.
 */
import type { Kysely, Selectable } from "kysely";
import { createError } from "../core/errors";
import { inWriteTransaction, insertAuditEntries, toJsonText } from "./audit-log";
import { DEPLOYMENT_NUMBER_COUNTER } from "./schema";
import type { DeploymentsTable, StoreDatabase } from "./schema";
import { isUniqueViolation } from "./store-errors";
import type {
  DeploymentFilter,
  DeploymentRecord,
  DeploymentStatePatch,
  DeploymentStatus,
  NewDeployment,
} from "./deployment-types";

// getDeployment accepts id prefixes as getRun does, from the same length on.
import { MIN_ID_PREFIX } from "./run-queries";

/**
 * Allocates the next number from `counters` and inserts the rollout, in one transaction so a
 * rejected rollout uses no number. The partial unique index on in-progress environments decides
 * races between processes: the second insert fails, and becomes SLUICE_E_DEPLOY_BUSY.
 */
export async function insertDeployment(
  db: Kysely<StoreDatabase>,
  deployment: NewDeployment,
  id: string,
  now: string,
): Promise<DeploymentRecord> {
  const record: DeploymentRecord = {
    ...deployment,
    id,
    number: 0,
    status: "in_progress",
    revision: 0,
    reason: null,
    createdAt: now,
    updatedAt: now,
    finishedAt: null,
  };
  try {
    await inWriteTransaction(db, async (trx) => {
      const counter = await trx
        .insertInto("counters")
        .values({ name: DEPLOYMENT_NUMBER_COUNTER, value: 1 })
        .onConflict((oc) => oc.column("name").doUpdateSet((eb) => ({ value: eb("counters.value", "+", 1) })))
        .returning("value")
        .executeTakeFirstOrThrow();
      record.number = counter.value;
      await trx.insertInto("deployments").values(deploymentToRow(record)).execute();
    });
  } catch (err) {
    if (isUniqueViolation(err, "deployments")) {
      throw createError(
        "SLUICE_E_DEPLOY_BUSY",
        `Environment ${deployment.environment} already has a rollout in progress.`,
        { cause: err },
      );
    }
    throw err;
  }
  return record;
}

/**
 * Compare-and-set on `revision`: the update matches only the revision the caller loaded, and the
 * audit entries go into the same transaction, so a state never exists without its audit trail.
 */
export async function saveDeploymentState(
  db: Kysely<StoreDatabase>,
  id: string,
  patch: DeploymentStatePatch,
  now: string,
): Promise<number> {
  const finished = patch.status !== "in_progress";
  try {
    return await inWriteTransaction(db, async (trx) => {
      const result = await trx
        .updateTable("deployments")
        .set((eb) => ({
          state: toJsonText(patch.state),
          phase: patch.phase,
          status: patch.status,
          reason: patch.reason,
          revision: patch.revision + 1,
          updated_at: now,
          // The first time it finishes; a later save of a finished rollout keeps that time.
          finished_at: finished ? eb.fn.coalesce("finished_at", eb.val(now)) : null,
        }))
        .where("id", "=", id)
        .where("revision", "=", patch.revision)
        .executeTakeFirst();
      if ((result.numUpdatedRows ?? 0n) === 0n) {
        const found = await trx
          .selectFrom("deployments")
          .select("revision")
          .where("id", "=", id)
          .executeTakeFirst();
        if (!found) throw createError("SLUICE_E_DEPLOYMENT_NOT_FOUND", `No deployment with id ${id}.`);
        throw createError(
          "SLUICE_E_STORE_CONFLICT",
          `Deployment ${id} is at revision ${found.revision}, not ${patch.revision}: another controller saved it.`,
        );
      }
      await insertAuditEntries(trx, patch.audit ?? [], now);
      return patch.revision + 1;
    });
  } catch (err) {
    if (isUniqueViolation(err, "deployments")) {
      throw createError("SLUICE_E_DEPLOY_BUSY", `Another rollout of this environment is in progress.`, {
        cause: err,
      });
    }
    throw err;
  }
}

/**
 * By number (a decimal string, tried first), full id, or unique id prefix of at least 4 characters,
 * case-insensitive; null when nothing or more than one deployment matches.
 */
export async function selectDeployment(
  db: Kysely<StoreDatabase>,
  idOrNumber: string,
): Promise<DeploymentRecord | null> {
  const key = idOrNumber.trim().toLowerCase();
  const base = db.selectFrom("deployments").selectAll();
  if (/^[0-9]+$/.test(key) && Number.isSafeInteger(Number(key))) {
    const row = await base.where("number", "=", Number(key)).executeTakeFirst();
    if (row) return deploymentFromRow(row);
  }
  const exact = await base.where("id", "=", key).executeTakeFirst();
  if (exact) return deploymentFromRow(exact);
  // Ids are lowercase UUIDs: a valid prefix is hex and dashes, which also keeps LIKE wildcards out.
  if (key.length < MIN_ID_PREFIX || !/^[0-9a-f-]+$/.test(key)) return null;
  const rows = await base.where("id", "like", `${key}%`).limit(2).execute();
  return rows.length === 1 && rows[0] ? deploymentFromRow(rows[0]) : null;
}

export async function selectActiveDeployment(
  db: Kysely<StoreDatabase>,
  environment: string,
): Promise<DeploymentRecord | null> {
  const row = await db
    .selectFrom("deployments")
    .selectAll()
    .where("environment", "=", environment)
    .where("status", "=", "in_progress")
    .executeTakeFirst();
  return row ? deploymentFromRow(row) : null;
}

export async function selectDeployments(
  db: Kysely<StoreDatabase>,
  filter: DeploymentFilter = {},
): Promise<DeploymentRecord[]> {
  let query = db.selectFrom("deployments").selectAll().orderBy("number", "desc");
  if (filter.environment !== undefined) query = query.where("environment", "=", filter.environment);
  if (filter.status !== undefined) query = query.where("status", "=", filter.status);
  if (filter.limit !== undefined) query = query.limit(Math.max(0, Math.floor(filter.limit)));
  return (await query.execute()).map(deploymentFromRow);
}

function deploymentToRow(d: DeploymentRecord): DeploymentsTable {
  return {
    id: d.id,
    number: d.number,
    environment: d.environment,
    version: d.version,
    previous_version: d.previousVersion,
    strategy: d.strategy,
    status: d.status,
    phase: d.phase,
    spec: toJsonText(d.spec),
    state: toJsonText(d.state),
    revision: d.revision,
    actor: d.actor,
    run_id: d.runId,
    ref: d.ref,
    sha: d.sha,
    artifact: d.artifact,
    reason: d.reason,
    created_at: d.createdAt,
    updated_at: d.updatedAt,
    finished_at: d.finishedAt,
  };
}

function deploymentFromRow(row: Selectable<DeploymentsTable>): DeploymentRecord {
  return {
    id: row.id,
    number: row.number,
    environment: row.environment,
    version: row.version,
    previousVersion: row.previous_version,
    strategy: row.strategy,
    status: row.status as DeploymentStatus,
    phase: row.phase,
    spec: JSON.parse(row.spec) as unknown,
    state: JSON.parse(row.state) as unknown,
    revision: row.revision,
    actor: row.actor,
    runId: row.run_id,
    ref: row.ref,
    sha: row.sha,
    artifact: row.artifact,
    reason: row.reason,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    finishedAt: row.finished_at,
  };
}
