import { sql } from "kysely";
import type { Kysely, Migration } from "kysely";

/**
 * Deployments: rollouts with their strategy state, the commands sent to environment agents,
 * approvals, the environments themselves and the hash-chained audit trail. Portable as 001: text and
 * integer columns, b-tree indexes, and one partial unique index (SQLite and PostgreSQL both have them).
 */
export const deploymentsMigration: Migration = {
  async up(db: Kysely<unknown>): Promise<void> {
    await db.schema
      .createTable("deployments")
      .addColumn("id", "text", (c) => c.primaryKey())
      .addColumn("number", "integer", (c) => c.notNull().unique())
      .addColumn("environment", "text", (c) => c.notNull())
      .addColumn("version", "text", (c) => c.notNull())
      .addColumn("previous_version", "text")
      .addColumn("strategy", "text", (c) => c.notNull())
      .addColumn("status", "text", (c) => c.notNull())
      .addColumn("phase", "text", (c) => c.notNull())
      .addColumn("spec", "text", (c) => c.notNull())
      .addColumn("state", "text", (c) => c.notNull())
      .addColumn("revision", "integer", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("run_id", "text")
      .addColumn("ref", "text")
      .addColumn("sha", "text")
      .addColumn("artifact", "text")
      .addColumn("reason", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("updated_at", "text", (c) => c.notNull())
      .addColumn("finished_at", "text")
      .execute();
    // At most one rollout in progress per environment, enforced by the database so that two
    // processes starting one at the same moment cannot both succeed (SLUICE_E_DEPLOY_BUSY).
    await db.schema
      .createIndex("deployments_one_active")
      .on("deployments")
      .column("environment")
      .unique()
      .where(sql.ref("status"), "=", sql.lit("in_progress"))
      .execute();
    await db.schema
      .createIndex("deployments_environment_number")
      .on("deployments")
      .columns(["environment", "number"])
      .execute();
    await db.schema
      .createIndex("deployments_status_number")
      .on("deployments")
      .columns(["status", "number"])
      .execute();

    await db.schema
      .createTable("deploy_commands")
      // Allocated from `counters` in the inserting transaction rather than by AUTOINCREMENT/SERIAL,
      // which differ between SQLite and PostgreSQL; increasing and never reused either way.
      .addColumn("id", "integer", (c) => c.primaryKey())
      .addColumn("environment", "text", (c) => c.notNull())
      .addColumn("deployment_id", "text", (c) => c.references("deployments.id").onDelete("cascade"))
      .addColumn("command", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("created_at", "text", (c) => c.notNull())
      .addColumn("acked_at", "text")
      .execute();
    await db.schema
      .createIndex("deploy_commands_environment_id")
      .on("deploy_commands")
      .columns(["environment", "id"])
      .execute();

    await db.schema
      .createTable("approvals")
      .addColumn("deployment_id", "text", (c) => c.notNull().references("deployments.id").onDelete("cascade"))
      .addColumn("request_id", "text", (c) => c.notNull())
      .addColumn("name", "text", (c) => c.notNull())
      .addColumn("approved", "integer", (c) => c.notNull())
      .addColumn("approved_by", "text", (c) => c.notNull())
      .addColumn("comment", "text")
      .addColumn("created_at", "text", (c) => c.notNull())
      .addPrimaryKeyConstraint("approvals_pk", ["deployment_id", "request_id"])
      .execute();

    await db.schema
      .createTable("environments")
      .addColumn("name", "text", (c) => c.primaryKey())
      .addColumn("stable_version", "text")
      .addColumn("stable_deployment_id", "text")
      .addColumn("agent_pid", "integer")
      .addColumn("heartbeat_at", "text")
      .addColumn("router_url", "text")
      .addColumn("live", "text")
      .addColumn("updated_at", "text", (c) => c.notNull())
      .execute();

    await db.schema
      .createTable("audit_log")
      .addColumn("seq", "integer", (c) => c.primaryKey())
      .addColumn("at", "text", (c) => c.notNull())
      .addColumn("actor", "text", (c) => c.notNull())
      .addColumn("action", "text", (c) => c.notNull())
      .addColumn("subject", "text", (c) => c.notNull())
      .addColumn("data", "text", (c) => c.notNull())
      .addColumn("hash", "text", (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex("audit_log_subject_seq")
      .on("audit_log")
      .columns(["subject", "seq"])
      .execute();
  },

  async down(db: Kysely<unknown>): Promise<void> {
    for (const table of ["audit_log", "environments", "approvals", "deploy_commands", "deployments"]) {
      await db.schema.dropTable(table).execute();
    }
  },
};
