/**
 * One client connection of the builtin proxy: reads a request head, routes it, streams the request to
 * a pooled backend connection and the response back, then waits for the next request. Requests on a
 * connection are handled one at a time (pipelining off): bytes of a next request that arrive early
 * wait in `pending` with the socket paused, so responses can never be reordered.
 */
import type net from "node:net";
import { performance } from "node:perf_hooks";
import type { BackendPool } from "./backend-pool";
import { BodyFramer } from "./body-framer";
import { findHeadEnd, parseHead, rewriteHead } from "./http-head";
import type { HttpHead } from "./http-head";
import { IDEMPOTENT, localResponse, requestBodyMode } from "./local-response";
import { UpstreamExchange } from "./upstream-exchange";
import type { VersionState } from "./version-state";

/** Largest request head accepted (nginx's default large_client_header_buffers is 4 × 8 KiB). */
const MAX_HEAD = 64 * 1024;
/** Request bytes kept for a retry; a longer body streams through and is never retried. */
const MAX_REPLAY = 64 * 1024;

/** What a connection needs from the router it belongs to. */
export interface ProxyHost {
  /** Header names (lowercase) whose values `route` reads. */
  readonly pick: readonly string[];
  /** The version for a request, or null when no version has a weight. Called once per request. */
  route(head: HttpHead): VersionState | null;
  /** The active fault for a version, if any. */
  fault(version: string): { errorRate: number; latencyMs: number; status: number } | null;
  random(): number;
  now(): number;
  /** Called when the connection closes, so `stop()` knows which are left. */
  closed(conn: ClientConnection): void;
}

type Phase = "head" | "body" | "wait" | "tunnel" | "closed";

export class ClientConnection {
  phase: Phase = "head";
  /** Client bytes not yet consumed (a partial head, or a next request read early). */
  private pending: Buffer | null = null;
  private scanFrom = 0;
  /** The request being served. */
  req: HttpHead | null = null;
  readonly reqBody = new BodyFramer();
  version: VersionState | null = null;
  startedAt = 0;
  /** Close the connection once this response is done (client asked, or framing demands). */
  closeAfter = false;
  /** Request bytes to (re)send to a backend, kept while a retry is possible; null once not. */
  replay: Buffer[] | null = null;
  private replayBytes = 0;
  /** Request bytes that arrived while no backend connection was attached (fault delay). */
  private queued: Buffer[] = [];
  attempt = 0;
  private gone = false;
  private readonly exchange: UpstreamExchange;
  private readonly forwardedFor: string;

  constructor(
    readonly socket: net.Socket,
    readonly host: ProxyHost,
  ) {
    this.forwardedFor = socket.remoteAddress ?? "unknown";
    this.exchange = new UpstreamExchange(this);
    socket.setNoDelay(true);
    socket.on("data", (chunk: Buffer) => {
      try {
        this.onData(chunk);
      } catch (err) {
        contain(err, this);
      }
    });
    socket.on("end", () => this.onEnd());
    socket.on("error", () => this.destroy());
    socket.on("close", () => this.destroy());
    socket.on("timeout", () => {
      // Idle between requests or dribbling a head (slowloris); a slow backend has its own timeout.
      if (this.phase === "head") this.destroy();
    });
  }

  /** True between requests: `stop()` closes such connections at once and lets busy ones finish. */
  get idle(): boolean {
    return this.phase === "head" && this.pending === null;
  }

  private onData(chunk: Buffer): void {
    switch (this.phase) {
      case "head":
        this.pending = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
        this.readHead();
        return;
      case "body":
        this.readBody(chunk);
        return;
      case "tunnel":
        this.exchange.tunnelWrite(chunk);
        return;
      case "wait":
        this.pending = this.pending === null ? chunk : Buffer.concat([this.pending, chunk]);
        this.socket.pause();
        return;
      case "closed":
        return;
    }
  }

  private onEnd(): void {
    // The client half-closed: finish what it asked for, then close (the server is allowHalfOpen).
    if (this.phase === "head" && this.pending === null) this.socket.end();
    else if (this.phase === "tunnel") this.exchange.tunnelEnd();
    else this.closeAfter = true;
  }

  private readHead(): void {
    const buf = this.pending!;
    const end = findHeadEnd(buf, this.scanFrom);
    if (end < 0) {
      if (buf.length > MAX_HEAD) return this.fail(431, "request header too large");
      this.scanFrom = buf.length;
      return;
    }
    this.scanFrom = 0;
    const req = parseHead(buf, end, true, this.host.pick);
    if (typeof req === "number") return this.fail(req, "malformed request");
    this.startedAt = performance.now();
    this.req = req;
    this.closeAfter = req.close || (req.minor === 0 && !req.keepAlive);
    this.reqBody.reset(requestBodyMode(req), req.contentLength);
    this.attempt = 0;
    const version = this.host.route(req);
    this.version = version;
    const head = rewriteHead(buf, end, req.drops, this.extraHeaders(req));
    this.replay = [head];
    this.replayBytes = head.length;
    this.queued.push(head);
    this.pending = null;
    this.phase = "body";
    if (end < buf.length) this.readBody(buf.subarray(end));
    if (this.req !== req) return; // The body was malformed and the connection answered 400.
    if (this.phase === "body" && this.reqBody.done) this.phase = "wait";
    if (version === null) return this.answer(503, "no version has traffic weight", false);
    const fault = this.host.fault(version.name);
    if (fault === null) return this.dispatch(null);
    const failed = this.host.random() < fault.errorRate;
    if (fault.latencyMs <= 0)
      return failed ? this.answer(fault.status, "injected fault", true) : this.dispatch(null);
    setTimeout(() => {
      if (this.phase === "closed") return;
      if (failed) this.answer(fault.status, "injected fault", true);
      else this.dispatch(null);
    }, fault.latencyMs);
  }

  private extraHeaders(req: HttpHead): string {
    const xff = req.forwardedFor === null ? this.forwardedFor : `${req.forwardedFor}, ${this.forwardedFor}`;
    const up = req.upgrade === null ? "" : `connection: upgrade\r\nupgrade: ${req.upgrade}\r\n`;
    return `${up}x-forwarded-for: ${xff}\r\n`;
  }

  /** Request body bytes: to the backend (or the queue), and whatever follows to `pending`. */
  private readBody(chunk: Buffer): void {
    const n = this.reqBody.feed(chunk, 0);
    if (n < 0) return this.fail(400, "malformed chunked body");
    if (n > 0) {
      const part = n === chunk.length ? chunk : chunk.subarray(0, n);
      if (this.replay !== null) {
        this.replayBytes += n;
        if (this.replayBytes <= MAX_REPLAY) this.replay.push(part);
        else this.replay = null;
      }
      if (!this.exchange.write(part)) this.queued.push(part);
    }
    if (this.reqBody.done) {
      if (this.phase === "body") this.phase = "wait";
      if (n < chunk.length) {
        this.pending = chunk.subarray(n);
        this.socket.pause();
      }
    } else if (this.queued.length > 0 && this.queuedBytes() > MAX_REPLAY) {
      // Nothing reads the body yet (a fault delay): stop reading rather than buffer without bound.
      this.socket.pause();
    }
  }

  private queuedBytes(): number {
    let n = 0;
    for (const b of this.queued) n += b.length;
    return n;
  }

  /** Sends the request to an instance of its version; `avoid` is the instance a retry steers from. */
  dispatch(avoid: BackendPool | null): void {
    const pool = this.version!.pickBackend(avoid);
    if (pool === null) return this.answer(503, `no instance of ${this.version!.name}`, false);
    const data = this.attempt === 0 ? this.queued : (this.replay ?? []);
    this.queued = [];
    this.exchange.start(pool, data);
    // Reading may have been paused while the body had nowhere to go.
    if (this.phase === "body") this.socket.resume();
  }

  /**
   * An attempt failed before any response byte reached the client. Retries once when the request can
   * be replayed, sending it twice is safe (idempotent, or the connection was refused so nothing was
   * sent), and there is somewhere new to send it: another instance, or — after a reused connection
   * failed, the backend having closed it just then — a fresh connection to the same one.
   */
  retryOrFail(pool: BackendPool, refused: boolean, reused: boolean): void {
    const req = this.req!;
    const safe = refused || IDEMPOTENT.has(req.method);
    const elsewhere = reused || this.version!.pools.length > 1;
    if (this.attempt === 0 && this.replay !== null && safe && elsewhere) {
      this.attempt = 1;
      return this.dispatch(pool);
    }
    this.answer(502, "backend unavailable", false);
  }

  /** Answers the current request locally (error, fault, no backend) and records it. */
  answer(status: number, message: string, injected: boolean): void {
    const unfinished = !this.reqBody.done;
    const close = this.closeAfter || unfinished;
    this.socket.write(localResponse(status, message, close, this.req?.method === "HEAD"));
    if (this.version !== null) {
      if (injected) this.version.metrics.faultsInjected++;
      this.record(status);
    }
    this.closeAfter = close;
    this.next();
  }

  record(status: number): void {
    this.version!.metrics.record(status, performance.now() - this.startedAt, this.host.now());
  }

  /** The exchange is over: close, or read the next request. */
  next(): void {
    this.req = null;
    this.version = null;
    this.replay = null;
    this.queued = [];
    if (this.closeAfter || this.phase === "closed") {
      this.phase = "closed";
      this.socket.end();
      return;
    }
    this.phase = "head";
    const early = this.pending;
    this.socket.resume();
    if (early !== null) this.readHead();
  }

  /** A malformed request: answer with `status` and close, since the byte stream can't be trusted. */
  private fail(status: number, message: string): void {
    this.closeAfter = true;
    this.socket.write(localResponse(status, message, true, false));
    this.exchange.abort();
    this.next();
  }

  /** Enters tunnel mode after a 101 (WebSocket and other upgrades). */
  tunnel(): void {
    this.phase = "tunnel";
    const early = this.pending;
    this.pending = null;
    this.socket.resume();
    if (early !== null) this.exchange.tunnelWrite(early);
  }

  destroy(): void {
    if (this.gone) return;
    this.gone = true;
    this.phase = "closed";
    this.exchange.abort();
    this.socket.destroy();
    this.host.closed(this);
  }
}

/**
 * A bug in the proxy must cost one connection, not the controller process it runs in (an uncaught
 * exception would end every rollout it watches). It still shows, as a process warning.
 */
export function contain(err: unknown, conn: { destroy(): void }): void {
  process.emitWarning(err instanceof Error ? err : new Error(String(err)), "SluiceRouterWarning");
  conn.destroy();
}
