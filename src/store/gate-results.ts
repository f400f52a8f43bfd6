/** Gate-result queries, kept apart from the run/job/step hot paths of kysely-store.ts. */
import type { Kysely, Selectable } from "kysely";
import type { GateResultsTable, StoreDatabase } from "./schema";
import type { GateResultQuery, GateResultRecord } from "./types";

export async function insertGateResult(db: Kysely<StoreDatabase>, record: GateResultRecord): Promise<void> {
  await db
    .insertInto("gate_results")
    .values({
      id: record.id,
      gate: record.gate,
      run_id: record.runId,
      ref: record.ref,
      sha: record.sha,
      environment: record.environment,
      passed: record.passed ? 1 : 0,
      metrics: JSON.stringify(record.metrics),
      rules: JSON.stringify(record.rules),
      created_at: record.createdAt,
    })
    .execute();
}

export async function selectLatestGateResult(
  db: Kysely<StoreDatabase>,
  q: GateResultQuery,
): Promise<GateResultRecord | null> {
  let query = db.selectFrom("gate_results").selectAll().where("gate", "=", q.gate).where("ref", "=", q.ref);
  if (q.passedOnly) query = query.where("passed", "=", 1);
  if (q.excludeRunId)
    query = query.where((eb) => eb.or([eb("run_id", "is", null), eb("run_id", "!=", q.excludeRunId!)]));
  const row = await query.orderBy("created_at", "desc").orderBy("id", "desc").limit(1).executeTakeFirst();
  return row ? gateResultFromRow(row) : null;
}

export async function selectGateResults(
  db: Kysely<StoreDatabase>,
  runId: string,
): Promise<GateResultRecord[]> {
  const rows = await db
    .selectFrom("gate_results")
    .selectAll()
    .where("run_id", "=", runId)
    .orderBy("created_at")
    .execute();
  return rows.map(gateResultFromRow);
}

function gateResultFromRow(row: Selectable<GateResultsTable>): GateResultRecord {
  return {
    id: row.id,
    gate: row.gate,
    runId: row.run_id,
    ref: row.ref,
    sha: row.sha,
    environment: row.environment,
    passed: row.passed === 1,
    metrics: JSON.parse(row.metrics) as Record<string, unknown>,
    rules: JSON.parse(row.rules) as unknown[],
    createdAt: row.created_at,
  };
}
