/**
 * Opens the better-sqlite3 connection under a SqliteStore: pragmas once at open, and a statement
 * cache so Kysely's per-query `prepare` does not re-parse the same SQL on every call.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import Database from "better-sqlite3";
import type { SqliteDatabase, SqliteStatement } from "kysely";

/** Milliseconds a statement waits for another process's write lock before failing with SQLITE_BUSY. */
export const BUSY_TIMEOUT_MS = 5000;

/**
 * Opens (creating it and its parent directories if needed) the database file at `path`, or an
 * in-memory database for `":memory:"`. busy_timeout is set through the constructor option. The pragmas are per connection, so they are set here and never
 * again: WAL lets readers in other processes (`sluice runs` while a run executes) proceed during
 * writes; synchronous=NORMAL is durable against process crashes, which is what a CI engine meets
 * (only power loss can drop the last commits); foreign keys are off by default in SQLite.
 */
export function openSqliteDatabase(path: string): Database.Database {
  if (path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
  const db = new Database(path, { timeout: BUSY_TIMEOUT_MS });
  try {
    db.pragma("journal_mode = WAL");
    db.pragma("synchronous = NORMAL");
    db.pragma("foreign_keys = ON");
  } catch (err) {
    db.close();
    throw err;
  }
  return db;
}

/** Distinct SQL texts to keep prepared; partial updates vary by patch shape, but only a little. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * The `database` given to Kysely's SqliteDialect. Kysely calls `prepare(sql)` for every query, and
 * preparing costs as much as running a small write; caching by SQL text makes repeated queries (the
 * engine's create/update pattern) bind-and-step only. Safe because all use of the single connection
 * is serialised (Kysely's queries, and the store's direct statements, which run only while Kysely
 * holds no connection: sqlite-store.ts) and we never stream (`iterate`) a statement that another
 * query could reuse.
 */
export class CachedStatementDatabase implements SqliteDatabase {
  private readonly statements = new Map<string, SqliteStatement>();

  constructor(readonly connection: Database.Database) {}

  prepare(sql: string): SqliteStatement {
    let statement = this.statements.get(sql);
    if (statement === undefined) {
      statement = this.connection.prepare(sql);
      // Evict the oldest entry: a simple bound against unbounded distinct SQL, not a true LRU.
      if (this.statements.size >= STATEMENT_CACHE_SIZE) {
        const oldest = this.statements.keys().next().value;
        if (oldest !== undefined) this.statements.delete(oldest);
      }
      this.statements.set(sql, statement);
    }
    return statement;
  }

  close(): void {
    this.statements.clear();
    this.connection.close();
  }
}
