import type { Kysely, Migration } from "kysely";

/**
 * Gate results: every evaluation of a quality gate, with its metrics, so later evaluations can compare
 * against a baseline (the last passing result on a branch) and the server can show history.
 */
export const gateResultsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("gate_results")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("gate", "text", (c) => c.notNull())
      // Not a foreign key: a gate evaluated outside a run (`sluice gate` in a shell) has no run.
      .addColumn("run_id", "text")
      .addColumn("ref", "text", (c) => c.notNull())
      .addColumn("sha", "text", (c) => c.notNull())
      .addColumn("environment", "text")
      .addColumn("passed", "integer", (c) => c.notNull())
      .addColumn("metrics", "text", (c) => c.notNull())
      .addColumn("rules", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("gate_results_gate_ref_created")
      .on("gate_results")
      .columns(["gate", "ref", "created_at"])
      .execute();
    await db.schema.createIndex("gate_results_run").on("gate_results").column("run_id").execute();
  },
  async down(db: Kysely<unknown>): Promise<void> {
    await db.schema.dropTable("gate_results").execute();
  },
};
