import { DEFAULT_MIGRATION_TABLE, Migrator, sql } from "kysely";
import type { Kysely, Migration, MigrationProvider } from "kysely";
import { createError } from "../../core/errors";
import { initialMigration } from "./001-initial";
import { gateResultsMigration } from "./002-gate-results";
import { deploymentsMigration } from "./003-deployments";
import { concurrencyKeysMigration } from "./004-concurrency-keys";

/**
 * Every migration, keyed by name; Kysely applies them in name order, so names start with a
 * zero-padded sequence number. Listed in code rather than scanned from disk because the CLI ships as
 * one esbuild bundle with no migration files beside it. Never edit or rename a released migration:
 * add the next one.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  "001-initial": initialMigration,
  "002-gate-results": gateResultsMigration,
  "003-deployments": deploymentsMigration,
  "004-concurrency-keys": concurrencyKeysMigration,
};

/** A MigrationProvider over an in-memory record (Kysely only ships a filesystem provider). */
export class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly all: Readonly<Record<string, Migration>>) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return { ...this.all };
  }
}

/** How often to try when other processes migrate the same database at the same moment. */
const MIGRATE_ATTEMPTS = 5;

/**
 * Brings the schema to the latest version. Idempotent and safe to call from several processes at
 * once: the losers of a race see the winner's result on retry. Throws SLUICE_E_STORE when a migration
 * fails or the database was migrated by a newer Sluice (it holds migrations this build does not know).
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  if (await isCurrent(db)) return;
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider(migrations) });
  for (let attempt = 1; ; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (error === undefined) return;
    // Kysely's migrator reads which migrations ran, then writes, in one deferred transaction. When
    // another process migrates in between, the write fails (SQLITE_BUSY_SNAPSHOT, or "table already
    // exists" when the statement is prepared against the newer schema) and the transaction rolls
    // back. Any database error is retried: the next attempt finds the work done, while a migration
    // that is really broken fails every time. Kysely's own errors (unknown migrations) are final.
    if (!isDatabaseError(error) || attempt === MIGRATE_ATTEMPTS) {
      const failed = results?.find((r) => r.status === "Error")?.migrationName;
      const reason = error instanceof Error ? error.message : String(error);
      throw createError(
        "SLUICE_E_STORE",
        `Cannot migrate the store${failed ? ` (migration ${failed})` : ""}: ${reason}`,
        { cause: error },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 10 * attempt + Math.random() * 20));
  }
}

/**
 * Whether the database records exactly the migrations this build knows: one read, where the
 * migrator takes a lock and runs about ten statements (every `sluice run` opens the store). A
 * migration in progress elsewhere is not visible until it commits, together with its record, so a
 * database read as current is; anything else (no table yet, a migration missing, an unknown one from
 * a newer Sluice) goes through the migrator, which handles races and reports newer databases.
 */
async function isCurrent(db: Kysely<unknown>): Promise<boolean> {
  try {
    const { rows } = await sql<{
      name: string;
    }>`select name from ${sql.table(DEFAULT_MIGRATION_TABLE)}`.execute(db);
    const known = Object.keys(migrations);
    const applied = new Set(rows.map((r) => r.name));
    return applied.size === known.length && known.every((name) => applied.has(name));
  } catch {
    return false;
  }
}

/** better-sqlite3 errors carry an SQLITE_* code; PostgreSQL errors a five-character SQLSTATE. */
function isDatabaseError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_") || /^[0-9A-Z]{5}$/.test(code));
}
