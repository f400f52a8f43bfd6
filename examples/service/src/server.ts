/**
 * The service factory: an http.Server wired to the route table, metrics, fault injection and graceful
 * shutdown. It neither reads the environment nor installs signal handlers (main.ts does), so tests can
 * create as many instances as they like in one process.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { performance } from "node:perf_hooks";
import { defaultConfig, type ServiceConfig } from "./config.js";
import { sendError, sleep } from "./http-util.js";
import { ItemStore } from "./items.js";
import { matchRoute, type RouteContext } from "./routes.js";
import { createServiceMetrics, type ServiceMetrics } from "./service-metrics.js";

/** A structured log line; main.ts prints these as JSON. */
export type LogEvent = { event: string } & Record<string, unknown>;

/** Injected sources of nondeterminism and output, so tests can pin them. */
export interface ServiceDeps {
  /** Uniform random numbers in [0, 1), used for error injection and latency jitter. */
  random?: () => number;
  /** Clock for item timestamps. */
  now?: () => Date;
  /** Receives log events; silent by default. */
  log?: (event: LogEvent) => void;
}

/** A running (or ready to run) instance of the service. */
export interface Service {
  readonly server: Server;
  readonly config: ServiceConfig;
  readonly store: ItemStore;
  readonly metrics: ServiceMetrics;
  /** True once shutdown() was called. */
  readonly draining: boolean;
  /** Binds to config.host:config.port and resolves with the address actually bound (useful with port 0). */
  listen(): Promise<AddressInfo>;
  /**
   * Stops accepting connections, lets in-flight requests finish (up to config.shutdownTimeoutMs, after
   * which their sockets are closed) and resolves when the server is closed. Idempotent.
   */
  shutdown(): Promise<void>;
}

/** Creates the service; `config` fields left out take the defaults of config.ts. */
export function createService(config: Partial<ServiceConfig> = {}, deps: ServiceDeps = {}): Service {
  const cfg: ServiceConfig = { ...defaultConfig, ...config };
  const random = deps.random ?? Math.random;
  const log = deps.log ?? (() => {});
  const store = new ItemStore(deps.now);
  const metrics = createServiceMetrics(cfg.version);
  const active = new Set<ServerResponse>();
  let draining = false;
  let closing: Promise<void> | undefined;

  const ctx: RouteContext = {
    config: cfg,
    store,
    draining: () => draining,
    renderMetrics: () => metrics.registry.render(),
  };

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    const method = req.method ?? "GET";
    const pathname = (req.url ?? "/").split("?")[0] ?? "/";
    const match = matchRoute(method, pathname);
    const route = match.kind === "not_found" ? "unmatched" : match.template;

    active.add(res);
    metrics.inFlight.value += 1;
    res.setHeader("x-service-version", cfg.version);
    // While draining, tell keep-alive clients to reconnect elsewhere instead of reusing this socket.
    if (draining) res.setHeader("connection", "close");
    // Aborted when the response closes: sent, or its socket destroyed (client gone, forced shutdown).
    const closed = new AbortController();
    res.on("close", () => {
      closed.abort();
      active.delete(res);
      metrics.inFlight.value -= 1;
      // 499 (nginx's "client closed request") marks answers the client never received in full.
      const status = res.writableFinished ? String(res.statusCode) : "499";
      metrics.requests.inc({ method, route, status });
      metrics.duration.observe({ method, route }, (performance.now() - started) / 1000);
      // A keep-alive socket whose response began before shutdown is now idle; close it on the next turn
      // (once Node has marked it idle) so server.close() does not wait for the keep-alive timeout.
      if (draining) setImmediate(() => server.closeIdleConnections());
    });

    if (match.kind === "not_found") return sendError(res, 404, "not_found", `no route for ${pathname}`);
    if (match.kind === "method_not_allowed") {
      const allow = match.allow.join(", ");
      return sendError(res, 405, "method_not_allowed", `use ${allow}`, { headers: { allow } });
    }
    if (match.api) {
      // Draw for jitter only when it is configured, so the error decision is the only draw otherwise.
      const jitter = cfg.latencyJitterMs > 0 ? random() * cfg.latencyJitterMs : 0;
      await sleep(cfg.latencyMs + jitter, closed.signal);
      // Nobody is waiting for the answer any more (its 499 is already counted).
      if (closed.signal.aborted) return;
      if (random() < cfg.errorRate)
        return sendError(res, 500, "injected_failure", "failure injected by ERROR_RATE");
    }
    await match.handle(req, res, match.params, ctx);
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((err: unknown) => {
      log({ event: "request_failed", error: err instanceof Error ? err.message : String(err) });
      if (!res.headersSent) sendError(res, 500, "internal", "internal error");
      else res.destroy();
    });
  });

  function shutdown(): Promise<void> {
    if (closing) return closing;
    draining = true;
    log({ event: "shutdown_started", inFlight: metrics.inFlight.value });
    // Responses not yet started will close their connection once sent, so keep-alive clients move on.
    for (const res of active) if (!res.headersSent) res.setHeader("connection", "close");
    closing = new Promise<void>((resolve) => {
      if (!server.listening) return resolve();
      const force = setTimeout(() => {
        log({ event: "shutdown_forced", inFlight: metrics.inFlight.value });
        server.closeAllConnections();
      }, cfg.shutdownTimeoutMs);
      server.close(() => {
        clearTimeout(force);
        log({ event: "shutdown_complete" });
        resolve();
      });
      // Keep-alive sockets with no request in progress would otherwise hold close() open until they time out.
      server.closeIdleConnections();
    });
    return closing;
  }

  function listen(): Promise<AddressInfo> {
    return new Promise((resolve, reject) => {
      server.once("error", reject);
      server.listen(cfg.port, cfg.host, () => {
        server.off("error", reject);
        const address = server.address() as AddressInfo;
        log({ event: "listening", host: address.address, port: address.port, version: cfg.version });
        resolve(address);
      });
    });
  }

  return {
    server,
    config: cfg,
    store,
    metrics,
    get draining() {
      return draining;
    },
    listen,
    shutdown,
  };
}
