/**
 * The backend side of one request: writes the request to a lent connection, reads the response head,
 * forwards head and body to the client as they arrive, and hands the connection back when the body
 * ends. Failures before any response byte go back to the client connection, which retries or answers
 * 502; after that the client connection is reset, since a half-sent response cannot be repaired.
 */
import type { BackendPool, UpstreamConnection, UpstreamOwner } from "./backend-pool";
import { BodyFramer } from "./body-framer";
import type { ClientConnection } from "./client-connection";
import { findHeadEnd, parseHead, rewriteHead } from "./http-head";
import type { HttpHead } from "./http-head";
import { responseBodyMode } from "./local-response";

const MAX_HEAD = 64 * 1024;
const NO_PICK: readonly string[] = [];
/** Below this, head and first body bytes are copied into one write: one syscall, one packet. */
const COALESCE = 16 * 1024;

export class UpstreamExchange implements UpstreamOwner {
  private pool: BackendPool | null = null;
  private conn: UpstreamConnection | null = null;
  private res: HttpHead | null = null;
  private headBuf: Buffer | null = null;
  private scanFrom = 0;
  private readonly resBody = new BodyFramer();
  private reusable = false;
  /** A response byte has been sent to the client: no retry, no local answer any more. */
  private responded = false;
  private tunneling = false;
  /** The connection came from the idle pool (a failure may be the stale keep-alive race). */
  private reused = false;
  private status = 0;
  /** The client cannot take more; the backend connection is paused until it drains. */
  private clientBlocked = false;
  private readonly onClientDrain = (): void => {
    this.clientBlocked = false;
    this.conn?.socket.resume();
  };

  constructor(private readonly client: ClientConnection) {}

  start(pool: BackendPool, data: readonly Buffer[]): void {
    this.pool = pool;
    this.conn = pool.acquire(this);
    this.reused = this.conn.connected;
    this.res = null;
    this.headBuf = null;
    this.scanFrom = 0;
    this.responded = false;
    this.tunneling = false;
    this.status = 0;
    const socket = this.conn.socket;
    if (data.length === 1) socket.write(data[0]!);
    else if (data.length > 1) {
      socket.cork();
      for (const b of data) socket.write(b);
      socket.uncork();
    }
  }

  /** Request body bytes; false when no connection is attached (the caller queues them). */
  write(part: Buffer): boolean {
    if (this.conn === null) return false;
    // Backpressure: stop reading the client until the backend has taken what it was sent.
    if (!this.conn.socket.write(part)) this.client.socket.pause();
    return true;
  }

  onUpstreamDrain(): void {
    if (this.client.phase === "body" || this.client.phase === "tunnel") this.client.socket.resume();
  }

  onUpstreamData(chunk: Buffer): void {
    if (this.tunneling) return this.toClient(chunk);
    if (this.res === null) return this.readHead(chunk);
    const n = this.resBody.feed(chunk, 0);
    if (n < 0) return this.onUpstreamFailure(false);
    // Bytes past the end of the response: the backend broke framing, don't reuse the connection.
    if (n < chunk.length) this.reusable = false;
    if (n > 0) this.toClient(n === chunk.length ? chunk : chunk.subarray(0, n));
    if (this.resBody.done) this.complete();
  }

  private readHead(chunk: Buffer): void {
    const buf = this.headBuf === null ? chunk : Buffer.concat([this.headBuf, chunk]);
    const end = findHeadEnd(buf, this.scanFrom);
    if (end < 0) {
      if (buf.length > MAX_HEAD) return this.onUpstreamFailure(false);
      this.headBuf = buf;
      this.scanFrom = buf.length;
      return;
    }
    this.headBuf = null;
    this.scanFrom = 0;
    const res = parseHead(buf, end, false, NO_PICK);
    if (typeof res === "number") return this.onUpstreamFailure(false);
    const req = this.client.req!;
    const rest = end < buf.length ? buf.subarray(end) : null;
    if (res.status === 101 && req.upgrade !== null) return this.startTunnel(buf.subarray(0, end), rest);
    if (res.status < 200) {
      // 100 Continue and other interim responses go through; the final head follows.
      if (res.status === 101) return this.onUpstreamFailure(false);
      this.responded = true;
      this.client.replay = null;
      this.toClient(rewriteHead(buf, end, res.drops, ""));
      if (rest !== null) this.readHead(rest);
      return;
    }
    this.res = res;
    this.status = res.status;
    const mode = responseBodyMode(req.method, res);
    this.resBody.reset(mode, res.contentLength);
    this.reusable = !res.close && res.minor === 1 && mode !== "close";
    // A close-delimited body can only end for the client by closing its connection too.
    if (mode === "close") this.client.closeAfter = true;
    const head = rewriteHead(buf, end, res.drops, this.client.closeAfter ? "connection: close\r\n" : "");
    this.responded = true;
    this.client.replay = null;
    if (rest === null) this.toClient(head);
    else {
      const n = this.resBody.feed(rest, 0);
      if (n < 0) return this.onUpstreamFailure(false);
      if (n < rest.length) this.reusable = false;
      if (n === 0) this.toClient(head);
      else if (n <= COALESCE) this.toClient(Buffer.concat([head, rest.subarray(0, n)], head.length + n));
      else {
        this.toClient(head);
        this.toClient(rest.subarray(0, n));
      }
    }
    if (this.resBody.done) this.complete();
  }

  private toClient(data: Buffer): void {
    const socket = this.client.socket;
    if (!socket.write(data) && !this.clientBlocked && this.conn !== null) {
      this.clientBlocked = true;
      this.conn.socket.pause();
      socket.once("drain", this.onClientDrain);
    }
  }

  /** The response ended: the connection goes back to the pool, the client to its next request. */
  private complete(): void {
    const reqDone = this.client.reqBody.done;
    // The backend answered before the request body was all sent: neither side's framing is in sync.
    if (!reqDone) this.client.closeAfter = true;
    this.detach(this.reusable && reqDone);
    this.client.record(this.status);
    this.client.next();
  }

  onUpstreamEnd(): void {
    if (this.tunneling) {
      this.client.socket.end();
      return;
    }
    if (this.res !== null && this.resBody.endOfStream()) {
      this.reusable = false;
      return this.complete();
    }
    this.onUpstreamFailure(false);
  }

  onUpstreamFailure(refused: boolean): void {
    const pool = this.pool;
    if (pool === null) return;
    this.detach(false);
    // A tunnel's end is not an error: let the client read what was written, then close.
    if (this.tunneling) return void this.client.socket.end();
    const version = this.client.version!;
    version.metrics.connectionErrors++;
    if (this.responded) {
      this.client.record(0);
      return this.client.destroy();
    }
    this.client.retryOrFail(pool, refused, this.reused);
  }

  onUpstreamTimeout(): void {
    if (this.tunneling || this.pool === null) return;
    if (this.responded) return this.onUpstreamFailure(false);
    this.detach(false);
    this.client.version!.metrics.connectionErrors++;
    this.client.answer(504, "backend timed out", false);
  }

  /** A 101: from now on bytes flow both ways untouched until either side closes. */
  private startTunnel(head: Buffer, rest: Buffer | null): void {
    this.tunneling = true;
    this.responded = true;
    this.client.replay = null;
    this.conn!.socket.setTimeout(0);
    this.toClient(head);
    if (rest !== null) this.toClient(rest);
    this.client.record(101);
    this.client.tunnel();
  }

  tunnelWrite(chunk: Buffer): void {
    this.conn?.socket.write(chunk);
  }

  tunnelEnd(): void {
    this.conn?.socket.end();
  }

  /** The client went away or sent garbage: give up on the backend connection. */
  abort(): void {
    if (this.pool !== null) this.detach(false);
  }

  private detach(reusable: boolean): void {
    const pool = this.pool!;
    const conn = this.conn!;
    this.pool = null;
    this.conn = null;
    if (this.clientBlocked) {
      this.clientBlocked = false;
      this.client.socket.removeListener("drain", this.onClientDrain);
    }
    conn.socket.resume();
    pool.release(conn, reusable, this.client.host.now());
  }
}
