/**
 * Concurrency-group queries (kept apart from the run/job/step hot paths of kysely-store.ts). Runs and
 * jobs share one namespace of groups, as on GitHub; names compare without regard to case.
 */
import { sql } from "kysely";
import type { Kysely } from "kysely";
import { createError } from "../core/errors";
import type { StoreDatabase } from "./schema";
import type { ConcurrencyContender, ConcurrencyMember } from "./types";

const UNFINISHED = ["queued", "in_progress"] as const;

/**
 * The key a group name is compared by. GitHub: "The concurrency group name is case insensitive".
 * Folded here rather than with SQL's lower(), which only folds ASCII in SQLite.
 */
export function concurrencyKey(group: string | null): string | null {
  return group === null ? null : group.toLowerCase();
}

export async function joinGroup(
  db: Kysely<StoreDatabase>,
  member: ConcurrencyMember,
  group: string,
  now: string,
): Promise<void> {
  const key = concurrencyKey(group);
  const result =
    member.kind === "run"
      ? await db
          .updateTable("runs")
          .set({ concurrency_group: group, concurrency_key: key })
          .where("id", "=", member.id)
          .executeTakeFirst()
      : await db
          .updateTable("jobs")
          .set({ concurrency_group: group, concurrency_key: key, queued_at: now })
          .where("id", "=", member.id)
          .executeTakeFirst();
  if ((result.numUpdatedRows ?? 0n) === 0n) {
    throw member.kind === "run"
      ? createError("SLUICE_E_RUN_NOT_FOUND", `No run with id ${member.id}.`)
      : createError("SLUICE_E_STORE", `No job with id ${member.id}.`);
  }
}

export async function selectContenders(
  db: Kysely<StoreDatabase>,
  group: string,
): Promise<ConcurrencyContender[]> {
  const key = concurrencyKey(group)!;
  const runs = await db
    .selectFrom("runs")
    .select(["id", "number", "concurrency_group", "status", "pid", "created_at", "workflow_name"])
    .where("concurrency_key", "=", key)
    .where("status", "in", UNFINISHED)
    .execute();
  const jobs = await db
    .selectFrom("jobs")
    .innerJoin("runs", "runs.id", "jobs.run_id")
    .select([
      "jobs.id",
      "jobs.run_id",
      "runs.number",
      "jobs.position",
      "jobs.concurrency_group",
      "jobs.status",
      "runs.pid",
      "jobs.queued_at",
      "jobs.name",
    ])
    .where("jobs.concurrency_key", "=", key)
    .where("jobs.status", "in", UNFINISHED)
    .execute();
  return [
    ...runs.map((r): ConcurrencyContender => ({
      kind: "run",
      id: r.id,
      runId: r.id,
      runNumber: r.number,
      group: r.concurrency_group ?? group,
      status: r.status as ConcurrencyContender["status"],
      pid: r.pid,
      queuedAt: r.created_at,
      position: -1,
      name: r.workflow_name,
    })),
    ...jobs.map((j): ConcurrencyContender => ({
      kind: "job",
      id: j.id,
      runId: j.run_id,
      runNumber: j.number,
      group: j.concurrency_group ?? group,
      status: j.status as ConcurrencyContender["status"],
      pid: j.pid,
      queuedAt: j.queued_at ?? "",
      position: j.position,
      name: j.name,
    })),
  ];
}

/**
 * Atomic because it is one UPDATE whose condition reads the group: SQLite runs a write statement
 * under its database-wide write lock, so no other claim interleaves. (A PostgreSQL store would need
 * a lock around it, such as pg_advisory_xact_lock on the key: under READ COMMITTED two claims of
 * different rows could both pass.)
 */
export async function claimGroup(
  db: Kysely<StoreDatabase>,
  member: ConcurrencyMember,
  startedAt: string,
): Promise<boolean> {
  const table = sql.table(member.kind === "run" ? "runs" : "jobs");
  const result = await sql`
    update ${table} set status = 'in_progress', started_at = ${startedAt}
    where id = ${member.id} and status = 'queued' and concurrency_key is not null
      and not exists (
        select 1 from runs o
        where o.concurrency_key = ${table}.concurrency_key and o.status = 'in_progress' and o.id <> ${member.id})
      and not exists (
        select 1 from jobs o
        where o.concurrency_key = ${table}.concurrency_key and o.status = 'in_progress' and o.id <> ${member.id})
  `.execute(db);
  return (result.numAffectedRows ?? 0n) > 0n;
}
