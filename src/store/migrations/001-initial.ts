import type { Kysely, Migration } from "kysely";

/**
 * The first schema: runs, jobs, steps, step logs and counters. Only portable column types (text,
 * integer) and plain b-tree indexes, so the PostgreSQL store applies this very migration.
 */
export const initialMigration: Migration = {
  // Migrations receive an untyped Kysely: the typed schema describes the latest version, not this one.
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("counters")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("value", "integer", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("runs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("number", "integer", (c) => c.notNull().unique())
      .addColumn("workflow_path", "text", (c) => c.notNull())
      .addColumn("workflow_name", "text", (c) => c.notNull())
      .addColumn("event", "text", (c) => c.notNull())
      .addColumn("ref", "text", (c) => c.notNull())
      .addColumn("sha", "text", (c) => c.notNull())
      .addColumn("trigger", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("conclusion", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("started_at", "text")
      .addColumn("completed_at", "text")
      .addColumn("pid", "integer")
      .addColumn("concurrency_group", "text")
      .addColumn("inputs", "text", (c) => c.notNull())
      .execute();
    // Listings are newest first (number descending) with optional filters; the unique constraint on
    // `number` serves the unfiltered listing and number lookups, these serve the filtered ones.
    await db.schema
      .createIndex("runs_workflow_number")
      .on("runs")
      .columns(["workflow_path", "number"])
      .execute();
    await db.schema.createIndex("runs_ref_number").on("runs").columns(["ref", "number"]).execute();
    await db.schema.createIndex("runs_status_number").on("runs").columns(["status", "number"]).execute();

    await db.schema
      .createTable("jobs")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("run_id", "text", (c) => c.notNull().references("runs.id").onDelete("cascade"))
      .addColumn("position", "integer", (c) => c.notNull())
      .addColumn("job_key", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("matrix", "text")
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("conclusion", "text")
      .addColumn("started_at", "text")
      .addColumn("completed_at", "text")
      .addColumn("outputs", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("jobs_run_position")
      .on("jobs")
      .columns(["run_id", "position"])
      .unique()
      .execute();

    await db.schema
      .createTable("steps")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("job_id", "text", (c) => c.notNull().references("jobs.id").onDelete("cascade"))
      .addColumn("step_index", "integer", (c) => c.notNull())
      .addColumn("step_key", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("outcome", "text")
      .addColumn("conclusion", "text")
      .addColumn("exit_code", "integer")
      .addColumn("started_at", "text")
      .addColumn("completed_at", "text")
      .addColumn("outputs", "text", (c) => c.notNull())
      .execute();
    // Not unique: the engine owns step numbering (e.g. post steps), the store only orders by it.
    await db.schema.createIndex("steps_job_index").on("steps").columns(["job_id", "step_index"]).execute();

    // The primary key makes "next seq" (max + 1) an index seek and reading a log one range scan.
    await db.schema
      .createTable("step_logs")
      .addColumn("step_id", "text", (c) => c.notNull().references("steps.id").onDelete("cascade"))
      .addColumn("seq", "integer", (c) => c.notNull())
      .addColumn("text", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("step_logs_pk", ["step_id", "seq"])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ["step_logs", "steps", "jobs", "runs", "counters"]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
