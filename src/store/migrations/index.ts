import { Migrator } from "kysely";
import type { Kysely, Migration, MigrationProvider } from "kysely";
import { createError } from "../../core/errors";
import { initialMigration } from "./001-initial";

/**
 * Every migration, keyed by name; Kysely applies them in name order, so names start with a
 * zero-padded sequence number. Listed in code rather than scanned from disk because the CLI ships as
 * one esbuild bundle with no migration files beside it. Never edit or rename a released migration:
 * add the next one.
 */
export const migrations: Readonly<Record<string, Migration>> = {
  "001-initial": initialMigration,
};

/** A MigrationProvider over an in-memory record (Kysely only ships a filesystem provider). */
export class StaticMigrationProvider implements MigrationProvider {
  constructor(private readonly all: Readonly<Record<string, Migration>>) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    return { ...this.all };
  }
}

/** How often to retry when another process migrates the same database at the same moment. */
const MIGRATE_ATTEMPTS = 5;

/**
 * Brings the schema to the latest version. Idempotent and safe to call from several processes at
 * once: the losers of a race see the winner's result on retry. Throws SLUICE_E_STORE when a migration
 * fails or the database was migrated by a newer Sluice (it holds migrations this build does not know).
 */
export async function migrateToLatest(db: Kysely<unknown>): Promise<void> {
  const migrator = new Migrator({ db, provider: new StaticMigrationProvider(migrations) });
  let lastError: unknown;
  for (let attempt = 1; attempt <= MIGRATE_ATTEMPTS; attempt++) {
    const { error, results } = await migrator.migrateToLatest();
    if (error === undefined) return;
    lastError = error;
    // A concurrent migrator makes our deferred transaction fail to upgrade to a write lock; the busy
    // handler cannot wait that out, so start over and find the work already done.
    if (!isBusyError(error)) {
      const failed = results?.find((r) => r.status === "Error")?.migrationName;
      throw createError(
        "SLUICE_E_STORE",
        `Cannot migrate the store${failed ? ` (migration ${failed})` : ""}: ${errorMessage(error)}`,
        { cause: error },
      );
    }
    await new Promise((resolve) => setTimeout(resolve, 20 * attempt));
  }
  throw createError("SLUICE_E_STORE", `Cannot migrate the store: ${errorMessage(lastError)}`, {
    cause: lastError,
  });
}

function isBusyError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === "string" && (code.startsWith("SQLITE_BUSY") || code.startsWith("SQLITE_LOCKED"));
}

function errorMessage(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
