/** The live side of environments, upserted by their agents. */
import type { Kysely, Selectable } from "kysely";
import type { EnvironmentsTable, StoreDatabase } from "./schema";
import type { EnvironmentPatch, EnvironmentRecord } from "./deployment-types";

/**
 * One statement: an insert with the given fields (null for the others) that, when the environment
 * exists, updates only the given fields instead. `undefined` leaves a field alone, null clears it.
 */
export async function upsertEnvironmentRow(
  db: Kysely<StoreDatabase>,
  name: string,
  patch: EnvironmentPatch,
  now: string,
): Promise<EnvironmentRecord> {
  const given = environmentPatchToRow(patch);
  const row = await db
    .insertInto("environments")
    .values({
      name,
      stable_version: null,
      stable_deployment_id: null,
      agent_pid: null,
      heartbeat_at: null,
      router_url: null,
      live: null,
      ...given,
      updated_at: now,
    })
    .onConflict((oc) => oc.column("name").doUpdateSet({ ...given, updated_at: now }))
    .returningAll()
    .executeTakeFirstOrThrow();
  return environmentFromRow(row);
}

export async function selectEnvironment(
  db: Kysely<StoreDatabase>,
  name: string,
): Promise<EnvironmentRecord | null> {
  const row = await db.selectFrom("environments").selectAll().where("name", "=", name).executeTakeFirst();
  return row ? environmentFromRow(row) : null;
}

export async function selectEnvironments(db: Kysely<StoreDatabase>): Promise<EnvironmentRecord[]> {
  return (await db.selectFrom("environments").selectAll().orderBy("name").execute()).map(environmentFromRow);
}

/** Only record fields, and only those not `undefined`, so a stray key never addresses a column. */
function environmentPatchToRow(patch: EnvironmentPatch): Partial<EnvironmentsTable> {
  const row: Partial<EnvironmentsTable> = {};
  if (patch.stableVersion !== undefined) row.stable_version = patch.stableVersion;
  if (patch.stableDeploymentId !== undefined) row.stable_deployment_id = patch.stableDeploymentId;
  if (patch.agentPid !== undefined) row.agent_pid = patch.agentPid;
  if (patch.heartbeatAt !== undefined) row.heartbeat_at = patch.heartbeatAt;
  if (patch.routerUrl !== undefined) row.router_url = patch.routerUrl;
  if (patch.live !== undefined) row.live = patch.live === null ? null : (JSON.stringify(patch.live) ?? null);
  return row;
}

function environmentFromRow(row: Selectable<EnvironmentsTable>): EnvironmentRecord {
  return {
    name: row.name,
    stableVersion: row.stable_version,
    stableDeploymentId: row.stable_deployment_id,
    agentPid: row.agent_pid,
    heartbeatAt: row.heartbeat_at,
    routerUrl: row.router_url,
    live: row.live === null ? null : (JSON.parse(row.live) as unknown),
    updatedAt: row.updated_at,
  };
}
