/** Reading runs: by number, id or id prefix, filtered lists, per-workflow counts (kysely-store.ts). */
import type { Kysely } from "kysely";
import { runFromRow } from "./rows";
import type { StoreDatabase } from "./schema";
import type { RunFilter, RunRecord } from "./types";

/** Shortest id prefix `getRun` accepts; shorter ones would match too often to be meant. */
export const MIN_ID_PREFIX = 4;

export async function selectRun(db: Kysely<StoreDatabase>, idOrNumber: string): Promise<RunRecord | null> {
  const key = idOrNumber.trim().toLowerCase();
  if (/^[0-9]+$/.test(key) && Number.isSafeInteger(Number(key))) {
    const row = await db.selectFrom("runs").selectAll().where("number", "=", Number(key)).executeTakeFirst();
    if (row) return runFromRow(row);
  }
  const exact = await db.selectFrom("runs").selectAll().where("id", "=", key).executeTakeFirst();
  if (exact) return runFromRow(exact);
  // Ids are lowercase UUIDs, so a valid prefix is hex and dashes; that also keeps LIKE wildcards out.
  if (key.length < MIN_ID_PREFIX || !/^[0-9a-f-]+$/.test(key)) return null;
  const rows = await db.selectFrom("runs").selectAll().where("id", "like", `${key}%`).limit(2).execute();
  return rows.length === 1 && rows[0] ? runFromRow(rows[0]) : null;
}

export async function selectRuns(db: Kysely<StoreDatabase>, filter: RunFilter): Promise<RunRecord[]> {
  let query = db.selectFrom("runs").selectAll().orderBy("number", "desc");
  if (filter.workflowPath !== undefined) query = query.where("workflow_path", "=", filter.workflowPath);
  if (filter.ref !== undefined) query = query.where("ref", "=", filter.ref);
  if (filter.status !== undefined) query = query.where("status", "=", filter.status);
  if (filter.limit !== undefined) query = query.limit(Math.max(0, Math.floor(filter.limit)));
  return (await query.execute()).map(runFromRow);
}

/** How many runs of the run's workflow have numbers up to its own: GitHub's per-workflow run_number. */
export async function countRunsOfWorkflow(
  db: Kysely<StoreDatabase>,
  run: Pick<RunRecord, "workflowPath" | "number">,
): Promise<number> {
  // A range of the (workflow_path, number) index.
  const row = await db
    .selectFrom("runs")
    .select((eb) => eb.fn.countAll().as("count"))
    .where("workflow_path", "=", run.workflowPath)
    .where("number", "<=", run.number)
    .executeTakeFirstOrThrow();
  return Number(row.count);
}
