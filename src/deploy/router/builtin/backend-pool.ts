/**
 * Keep-alive connections to one backend instance. Reusing a connection saves a TCP handshake and a
 * socket per request (DESIGN.md: `http-proxy` fell from 10k to 3.4k req/s without keep-alive).
 */
import net from "node:net";

export interface PoolOptions {
  /** Idle connections kept per backend; more are closed when released. */
  maxIdle: number;
  /**
   * An idle connection older than this is closed by the sweep. Kept below Node's default server
   * keepAliveTimeout (5 s) so the proxy, not the backend, closes it: a backend closing a connection
   * just as a request is written to it is the one race that can fail a request.
   */
  idleTimeoutMs: number;
  /** A connection with no bytes either way for this long while in use is a timed-out request. */
  readTimeoutMs: number;
}

/** Whoever holds a lent connection gets its events. */
export interface UpstreamOwner {
  onUpstreamData(chunk: Buffer): void;
  /** The backend half-closed (FIN). */
  onUpstreamEnd(): void;
  /** Error or close; `refused` when the connection was never established (safe to retry). */
  onUpstreamFailure(refused: boolean): void;
  onUpstreamTimeout(): void;
  onUpstreamDrain(): void;
}

/**
 * One connection to a backend. Its event handlers are attached once, when it is created, and call
 * whoever holds it: per-request on()/off() of five listeners measurably cost throughput.
 */
export class UpstreamConnection {
  owner: UpstreamOwner | null = null;
  connected = false;
  idleSince = 0;
  readonly socket: net.Socket;

  constructor(pool: BackendPool, host: string, port: number, readTimeoutMs: number) {
    const socket = net.connect({ host, port, noDelay: true });
    this.socket = socket;
    socket.setTimeout(readTimeoutMs);
    socket.on("connect", () => (this.connected = true));
    socket.on("data", (chunk: Buffer) => {
      if (this.owner === null) return void socket.destroy(); // Bytes nobody asked for: framing is lost.
      try {
        this.owner.onUpstreamData(chunk);
      } catch (err) {
        // See contain() in client-connection.ts: a bug costs one request, not the process.
        process.emitWarning(err instanceof Error ? err : new Error(String(err)), "SluiceRouterWarning");
        socket.destroy();
      }
    });
    socket.on("end", () => {
      if (this.owner !== null) this.owner.onUpstreamEnd();
      else socket.destroy();
    });
    socket.on("error", () => {
      // An error on an idle connection (backend reset it) only needs the close that follows.
      this.owner?.onUpstreamFailure(!this.connected);
    });
    socket.on("close", () => {
      if (this.owner !== null) this.owner.onUpstreamFailure(!this.connected);
      pool.forget(this);
    });
    socket.on("timeout", () => {
      if (this.owner !== null) this.owner.onUpstreamTimeout();
      else socket.destroy();
    });
    socket.on("drain", () => this.owner?.onUpstreamDrain());
  }
}

export class BackendPool {
  /** Set when the instance was removed: it takes no new requests and closes connections as they free. */
  draining = false;
  readonly key: string;
  /** Connections lent out for a request right now: a drain that times out closes them. */
  private readonly lent = new Set<UpstreamConnection>();
  private readonly idle: UpstreamConnection[] = [];
  private drained: (() => void) | null = null;

  constructor(
    readonly host: string,
    readonly port: number,
    private readonly options: PoolOptions,
  ) {
    this.key = `${host}:${port}`;
  }

  /** Requests in flight on this instance. */
  get active(): number {
    return this.lent.size;
  }

  /**
   * Lends a connection to `owner`: the most recently used idle one (warmest, least likely closed by
   * the backend), else a new one whose writes net buffers until it connects.
   */
  acquire(owner: UpstreamOwner): UpstreamConnection {
    let conn = this.idle.pop();
    while (conn !== undefined && conn.socket.destroyed) conn = this.idle.pop();
    conn ??= new UpstreamConnection(this, this.host, this.port, this.options.readTimeoutMs);
    conn.owner = owner;
    this.lent.add(conn);
    return conn;
  }

  /** Takes a connection back; `reusable` false (or draining, or too many idle) closes it. */
  release(conn: UpstreamConnection, reusable: boolean, now: number): void {
    conn.owner = null;
    this.lent.delete(conn);
    if (reusable && !this.draining && !conn.socket.destroyed && this.idle.length < this.options.maxIdle) {
      conn.idleSince = now;
      this.idle.push(conn);
    } else {
      conn.socket.destroy();
    }
    if (this.draining && this.lent.size === 0) this.drained?.();
  }

  /** Closes idle connections older than the idle timeout; called from the router's sweep timer. */
  sweep(now: number): void {
    // The stack's bottom holds the oldest.
    let n = 0;
    while (n < this.idle.length && now - this.idle[n]!.idleSince >= this.options.idleTimeoutMs) n++;
    for (const conn of this.idle.splice(0, n)) conn.socket.destroy();
  }

  /**
   * Stops new requests, closes idle connections, and resolves once the in-flight requests finished or
   * after `timeoutMs`, when whatever is left is closed. Idempotent.
   */
  drain(timeoutMs: number): Promise<void> {
    this.draining = true;
    for (const conn of this.idle.splice(0)) conn.socket.destroy();
    if (this.lent.size === 0) return Promise.resolve();
    return new Promise((resolve) => {
      const previous = this.drained;
      const timer = setTimeout(() => {
        // Requests still running are cut: their clients see a 502, or a reset once bytes were sent.
        for (const conn of [...this.lent]) conn.socket.destroy();
        finish();
      }, timeoutMs);
      timer.unref();
      const finish = (): void => {
        clearTimeout(timer);
        this.drained = null;
        previous?.();
        resolve();
      };
      this.drained = finish;
    });
  }

  /** A connection closed: drop it from the idle stack if it was there. */
  forget(conn: UpstreamConnection): void {
    const i = this.idle.indexOf(conn);
    if (i >= 0) this.idle.splice(i, 1);
  }
}
