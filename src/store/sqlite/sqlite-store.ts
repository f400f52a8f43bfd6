import { resolve } from "node:path";
import { Kysely } from "kysely";
import type { CompiledQuery, QueryResult } from "kysely";
import type Database from "better-sqlite3";
import { createError } from "../../core/errors";
import { migrateToLatest } from "../migrations";
import { KyselyStore } from "../kysely-store";
import type { KyselyStoreOptions } from "../kysely-store";
import type { QueryExecutor } from "../query-templates";
import type { StoreDatabase } from "../schema";
import { CachedStatementDatabase, openSqliteDatabase } from "./sqlite-database";
import { SharedFileSqliteDialect } from "./sqlite-dialect";

/**
 * Opens in progress in this process, by resolved path. Migrating holds SQLite's write lock across
 * awaits; a second connection of the same process would busy-wait on it synchronously and stall the
 * event loop that has to release it, so opens of one file within a process take turns.
 */
const opening = new Map<string, Promise<unknown>>();

/** The `type` of the SQLite store in configuration. */
export const SQLITE_STORE_TYPE = "sqlite";

/**
 * The default Store: one SQLite file (better-sqlite3 through Kysely), shared safely by several
 * processes thanks to WAL and a busy timeout. Run methods are one prepared statement each (createRun
 * and recoverOrphans a few); deployment writes that must be atomic use short IMMEDIATE transactions,
 * which SharedFileSqliteDialect keeps from stalling other stores of the same file in this process.
 * Each method commits before it resolves, so the engine can persist each state change before acting.
 */
export class SqliteStore extends KyselyStore {
  /** The path the store was opened on (`":memory:"` for an in-memory store). */
  readonly path: string;

  private constructor(
    db: Kysely<StoreDatabase>,
    path: string,
    options: KyselyStoreOptions,
    executor: QueryExecutor,
  ) {
    super(db, options, executor);
    this.path = path;
  }

  /**
   * Opens the database at `path` (creating the file and its directories) and migrates it to the
   * latest schema before returning, so no later call pays for a migration check. Throws
   * SLUICE_E_STORE when the file cannot be opened or migrated.
   */
  static async open(path: string, options: KyselyStoreOptions = {}): Promise<SqliteStore> {
    if (path === ":memory:") return SqliteStore.openNow(path, options);
    const key = resolve(path);
    const previous = opening.get(key) ?? Promise.resolve();
    const current = previous.catch(() => undefined).then(() => SqliteStore.openNow(path, options));
    opening.set(key, current);
    try {
      return await current;
    } finally {
      if (opening.get(key) === current) opening.delete(key);
    }
  }

  private static async openNow(path: string, options: KyselyStoreOptions): Promise<SqliteStore> {
    let connection: Database.Database;
    try {
      connection = openSqliteDatabase(path);
    } catch (err) {
      throw createError("SLUICE_E_STORE", `Cannot open the store at ${path}: ${(err as Error).message}`, {
        cause: err,
      });
    }
    const database = new CachedStatementDatabase(connection);
    const dialect = new SharedFileSqliteDialect({ database }, path === ":memory:" ? null : resolve(path));
    const db = new Kysely<StoreDatabase>({ dialect });
    try {
      await migrateToLatest(db as Kysely<unknown>);
    } catch (err) {
      await db.destroy();
      throw err;
    }
    return new SqliteStore(db, path, options, new DirectExecutor(database, dialect));
  }
}

/**
 * Runs the store's hot-path statements (create and update a job or step, append a log chunk) on the
 * connection itself, under the dialect's lock, instead of through Kysely: Kysely's driver costs
 * several awaits and allocations per query, about twice what better-sqlite3 takes to bind, step and
 * commit the prepared statement (bench/engine: ≈ 0.15 ms per job of four statements). Each is one
 * autocommit statement, as through Kysely.
 */
class DirectExecutor implements QueryExecutor {
  constructor(
    private readonly database: CachedStatementDatabase,
    private readonly dialect: SharedFileSqliteDialect,
  ) {}

  executeQuery<R>(query: CompiledQuery<R>): Promise<QueryResult<R>> {
    return this.dialect.exclusive(() => {
      const statement = this.database.prepare(query.sql);
      if (statement.reader) return { rows: statement.all(query.parameters) as R[] };
      const { changes, lastInsertRowid } = statement.run(query.parameters);
      return { numAffectedRows: BigInt(changes), insertId: BigInt(lastInsertRowid), rows: [] };
    });
  }
}
