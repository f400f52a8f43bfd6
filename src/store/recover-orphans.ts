import type { Kysely } from "kysely";
import type { StoreDatabase } from "./schema";

const UNFINISHED = ["queued", "in_progress"] as const;

/**
 * The portable body of {@link Store.recoverOrphans}: completes as failed every unfinished run whose
 * owning process is gone, with its unfinished jobs and steps, stamping `completedAt` with `now`.
 * Returns the ids of the runs this call repaired (none twice, even against a concurrent call).
 * `beforeRepair` sees the dead runs first (it stops what they left running); `now` is read after it.
 */
export async function recoverOrphanedRuns(
  db: Kysely<StoreDatabase>,
  isAlive: (pid: number) => boolean,
  now: () => Date,
  beforeRepair?: (orphans: Array<{ id: string; pid: number }>) => Promise<void>,
): Promise<string[]> {
  // Runs without a pid are waiting in a queue that owns them, not held by a process that can die.
  const candidates = await db
    .selectFrom("runs")
    .select(["id", "pid"])
    .where("status", "in", UNFINISHED)
    .where("pid", "is not", null)
    .execute();
  const orphans = candidates.flatMap((r) =>
    r.pid !== null && !isAlive(r.pid) ? [{ id: r.id, pid: r.pid }] : [],
  );
  if (orphans.length === 0) return [];
  // Completing the runs releases their concurrency groups: whatever they left running goes first.
  await beforeRepair?.(orphans);
  const dead = orphans.map((r) => r.id);
  const at = now().toISOString();
  // Separate autocommit statements rather than a transaction, for the reason given in createRun.
  // Runs are marked last, so recovery cut short leaves them unfinished and the next call completes
  // it; the status guards make repeated or concurrent recovery harmless, and RETURNING reports only
  // the runs this call actually changed.
  await db
    .updateTable("steps")
    .set((eb) => ({
      status: "completed",
      // A step cut off mid-way has no outcome of its own; one that finished keeps what it had.
      outcome: eb.fn.coalesce("outcome", eb.val("failure")),
      conclusion: "failure",
      completed_at: at,
    }))
    .where("job_id", "in", db.selectFrom("jobs").select("id").where("run_id", "in", dead))
    .where("status", "in", UNFINISHED)
    .execute();
  await db
    .updateTable("jobs")
    .set({ status: "completed", conclusion: "failure", completed_at: at })
    .where("run_id", "in", dead)
    .where("status", "in", UNFINISHED)
    .execute();
  const repaired = await db
    .updateTable("runs")
    .set({ status: "completed", conclusion: "failure", completed_at: at })
    .where("id", "in", dead)
    .where("status", "in", UNFINISHED)
    .returning("id")
    .execute();
  return repaired.map((r) => r.id);
}
