/**
 * Kysely's SqliteDialect with two changes that make transactions safe for a file shared by several
 * connections. better-sqlite3 waits for another connection's lock synchronously (the busy timeout),
 * so a transaction held across awaits by one connection would stall every other connection of the
 * same process, and with it the event loop that has to finish the transaction. So:
 *  - all connections to one file within a process take turns through one async lock (Kysely's own
 *    lock only covers one connection); other processes are still met by the busy timeout;
 *  - transactions begin IMMEDIATE: they take the write lock before their first read, so a
 *    read-then-write transaction (next audit seq, compare-and-set) never finds its snapshot stale.
 */
import { CompiledQuery, SqliteDialect } from "kysely";
import type { DatabaseConnection, Driver, SqliteDialectConfig } from "kysely";

/** A FIFO async lock. */
class AsyncLock {
  private tail: Promise<void> = Promise.resolve();
  /** Holders and waiters: 0 when nobody holds the lock or waits for it. */
  private users = 0;

  /** Nobody holds the lock or waits for it: synchronous work may use the connection right now. */
  get idle(): boolean {
    return this.users === 0;
  }

  /** Resolves, in call order, with the function that releases the lock. */
  acquire(): Promise<() => void> {
    this.users++;
    let released = false;
    let resolveHeld!: () => void;
    const held = new Promise<void>((resolve) => (resolveHeld = resolve));
    const release = () => {
      if (released) return;
      released = true;
      this.users--;
      resolveHeld();
    };
    const previous = this.tail;
    this.tail = previous.then(() => held);
    return previous.then(() => release);
  }
}

/** Locks by file, shared by every store of this process; counted so closed files drop theirs. */
const fileLocks = new Map<string, { lock: AsyncLock; users: number }>();

function takeFileLock(key: string): AsyncLock {
  const entry = fileLocks.get(key) ?? { lock: new AsyncLock(), users: 0 };
  entry.users++;
  fileLocks.set(key, entry);
  return entry.lock;
}

function dropFileLock(key: string): void {
  const entry = fileLocks.get(key);
  if (entry && --entry.users === 0) fileLocks.delete(key);
}

/**
 * `lockKey`: the resolved database path, or null for a database no other connection can open
 * (`:memory:`), which only needs Kysely's own lock.
 */
export class SharedFileSqliteDialect extends SqliteDialect {
  private driver: SharedFileSqliteDriver | undefined;

  constructor(
    config: SqliteDialectConfig,
    private readonly lockKey: string | null,
  ) {
    super(config);
  }

  override createDriver(): Driver {
    this.driver = new SharedFileSqliteDriver(super.createDriver(), this.lockKey);
    return this.driver;
  }

  /**
   * Runs synchronous `work` on the connection while no query of Kysely (or of another store of the
   * same file in this process) holds it: at once when the lock is idle, else after taking it. For
   * single statements outside Kysely (the store's hot-path writes): a transaction in progress is
   * never interleaved with, and an idle lock costs no await.
   */
  exclusive<T>(work: () => T): Promise<T> {
    const driver = this.driver;
    if (driver === undefined) {
      return Promise.reject(new Error("the SQLite driver has not been created"));
    }
    return driver.exclusive(work);
  }
}

class SharedFileSqliteDriver implements Driver {
  private readonly lock: AsyncLock;
  private release: (() => void) | undefined;
  private destroyed = false;
  readonly savepoint: Driver["savepoint"];
  readonly rollbackToSavepoint: Driver["rollbackToSavepoint"];
  readonly releaseSavepoint: Driver["releaseSavepoint"];

  constructor(
    private readonly inner: Driver,
    private readonly lockKey: string | null,
  ) {
    this.lock = lockKey === null ? new AsyncLock() : takeFileLock(lockKey);
    this.savepoint = inner.savepoint?.bind(inner);
    this.rollbackToSavepoint = inner.rollbackToSavepoint?.bind(inner);
    this.releaseSavepoint = inner.releaseSavepoint?.bind(inner);
  }

  init(): Promise<void> {
    return this.inner.init();
  }

  exclusive<T>(work: () => T): Promise<T> {
    if (this.lock.idle) {
      try {
        return Promise.resolve(work());
      } catch (err) {
        return Promise.reject(err as Error);
      }
    }
    return this.lock.acquire().then((release) => {
      try {
        return work();
      } finally {
        release();
      }
    });
  }

  async acquireConnection(): Promise<DatabaseConnection> {
    const release = await this.lock.acquire();
    try {
      const connection = await this.inner.acquireConnection();
      this.release = release;
      return connection;
    } catch (err) {
      release();
      throw err;
    }
  }

  async releaseConnection(connection: DatabaseConnection): Promise<void> {
    const release = this.release;
    this.release = undefined;
    try {
      await this.inner.releaseConnection(connection);
    } finally {
      release?.();
    }
  }

  async beginTransaction(connection: DatabaseConnection): Promise<void> {
    await connection.executeQuery(CompiledQuery.raw("begin immediate"));
  }

  commitTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.commitTransaction(connection);
  }

  rollbackTransaction(connection: DatabaseConnection): Promise<void> {
    return this.inner.rollbackTransaction(connection);
  }

  async destroy(): Promise<void> {
    if (!this.destroyed && this.lockKey !== null) dropFileLock(this.lockKey);
    this.destroyed = true;
    await this.inner.destroy();
  }
}
