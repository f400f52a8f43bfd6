import { sql } from "kysely";
import type { Kysely, Migration } from "kysely";
import { concurrencyKey } from "../concurrency-groups";

/**
 * Concurrency groups shared by runs and jobs across processes. GitHub compares group names without
 * regard to case, so each row also keeps the case-folded key the comparison uses (folded in
 * JavaScript: SQL's lower() is ASCII-only in SQLite). Jobs get the group they wait for or hold and
 * when they joined it, which orders pending jobs (the newest pending one replaces the others).
 */
export const concurrencyKeysMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema.alterTable("runs").addColumn("concurrency_key", "text").execute();
    await db.schema.alterTable("jobs").addColumn("concurrency_group", "text").execute();
    await db.schema.alterTable("jobs").addColumn("concurrency_key", "text").execute();
    await db.schema.alterTable("jobs").addColumn("queued_at", "text").execute();
    // Unfinished runs recorded before this migration still compete for their groups.
    const { rows } = await sql<{ id: string; concurrency_group: string }>`
      select id, concurrency_group from runs
      where concurrency_group is not null and status <> 'completed'`.execute(db);
    for (const r of rows) {
      await sql`update runs set concurrency_key = ${concurrencyKey(r.concurrency_group)} where id = ${r.id}`.execute(
        db,
      );
    }
    await db.schema
      .createIndex("runs_concurrency_key_status")
      .on("runs")
      .columns(["concurrency_key", "status"])
      .execute();
    await db.schema
      .createIndex("jobs_concurrency_key_status")
      .on("jobs")
      .columns(["concurrency_key", "status"])
      .execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropIndex("jobs_concurrency_key_status").execute();
    await db.schema.dropIndex("runs_concurrency_key_status").execute();
    await db.schema.alterTable("jobs").dropColumn("queued_at").execute();
    await db.schema.alterTable("jobs").dropColumn("concurrency_key").execute();
    await db.schema.alterTable("jobs").dropColumn("concurrency_group").execute();
    await db.schema.alterTable("runs").dropColumn("concurrency_key").execute();
  },
};
