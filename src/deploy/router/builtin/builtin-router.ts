/**
 * `builtin`: Sluice's own reverse proxy, the default router on a laptop. One process, one event loop:
 * weights, routes and metrics live in this object, so a switch is one assignment and metrics need no
 * aggregation. (Two cluster workers were measured no faster on 2 cores — the load generator and the
 * backends want the second core — and would need IPC for every weight change and metrics read.)
 */
import net from "node:net";
import { createError } from "../../../core/errors";
import type {
  Backend,
  FaultSpec,
  HeaderRoute,
  Router,
  RouterAddress,
  RouterDeps,
  VersionMetrics,
  Weights,
} from "../types";
import { WeightedSplit, hashToUnit, validateBackends, validateFault, validateHeaderRoute } from "../weights";
import type { BackendPool, PoolOptions } from "./backend-pool";
import { parseBuiltinOptions } from "./options";
import type { BuiltinRouterOptions } from "./options";
import { ClientConnection } from "./client-connection";
import type { ProxyHost } from "./client-connection";
import type { HttpHead } from "./http-head";
import { VersionState } from "./version-state";

export const BUILTIN_ROUTER_TYPE = "builtin";

interface ActiveFault {
  errorRate: number;
  latencyMs: number;
  status: number;
  until: number;
}

export class BuiltinRouter implements Router, ProxyHost {
  readonly type = BUILTIN_ROUTER_TYPE;
  pick: readonly string[] = [];
  readonly now: () => number;
  readonly random: () => number;
  private readonly options: BuiltinRouterOptions;
  private readonly poolOptions: PoolOptions;
  private readonly versions = new Map<string, VersionState>();
  private readonly connections = new Set<ClientConnection>();
  private readonly draining = new Set<Promise<void>>();
  private readonly faults = new Map<string, ActiveFault>();
  private split: WeightedSplit | null = null;
  private headerRoute: HeaderRoute | null = null;
  /** Where route/sticky values sit in a head's `picked` (see updatePick); -1 when not configured. */
  private routeAt = -1;
  private stickyAt = -1;
  private server: net.Server | null = null;
  private address: Promise<RouterAddress> | null = null;
  private sweep: NodeJS.Timeout | null = null;

  constructor(options: unknown, deps: RouterDeps = {}) {
    this.options = parseBuiltinOptions(options);
    this.now = deps.now ?? Date.now;
    this.random = deps.random ?? Math.random;
    this.poolOptions = {
      maxIdle: this.options.maxIdlePerBackend,
      idleTimeoutMs: this.options.upstreamIdleTimeoutMs,
      readTimeoutMs: this.options.upstreamTimeoutMs,
    };
    this.updatePick();
  }

  start(): Promise<RouterAddress> {
    this.address ??= new Promise<RouterAddress>((resolve, reject) => {
      // allowHalfOpen: a client that half-closes after its request still gets the response.
      const server = net.createServer({ allowHalfOpen: true, noDelay: true }, (socket) => {
        socket.setTimeout(this.options.clientTimeoutMs);
        this.connections.add(new ClientConnection(socket, this));
      });
      server.once("error", (err) => {
        this.address = null;
        reject(
          createError("SLUICE_E_ROUTER_START", `builtin router cannot listen: ${err.message}`, {
            cause: err,
          }),
        );
      });
      server.listen(this.options.listen.port, this.options.listen.host, () => {
        const at = server.address() as net.AddressInfo;
        // Later errors (accept failing with EMFILE) must not be unhandled: that would end the process.
        server.on("error", (err) => process.emitWarning(err, "SluiceRouterWarning"));
        this.server = server;
        this.sweep = setInterval(() => this.sweepPools(), 1000);
        this.sweep.unref();
        resolve({ host: at.address, port: at.port });
      });
    });
    return this.address;
  }

  async stop(): Promise<void> {
    const server = this.server;
    if (server === null) return;
    this.server = null;
    this.address = null;
    if (this.sweep !== null) clearInterval(this.sweep);
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const conn of this.connections) if (conn.idle) conn.destroy();
    const deadline = Date.now() + this.options.drainTimeoutMs;
    while (this.busyConnections() > 0 && Date.now() < deadline) await sleep(20);
    for (const conn of [...this.connections]) conn.destroy();
    const pools = [...this.versions.values()].flatMap((v) => v.pools);
    await Promise.all([...pools.map((p) => p.drain(0)), ...this.draining]);
    await closed;
  }

  private busyConnections(): number {
    let n = 0;
    for (const conn of this.connections) {
      if (conn.idle) conn.destroy();
      else n++;
    }
    return n;
  }

  async setWeights(weights: Weights): Promise<void> {
    const split = new WeightedSplit(weights);
    for (const v of split.versions) this.ensureVersion(v);
    this.split = split;
  }

  async getWeights(): Promise<Weights> {
    const out: Weights = {};
    const split = this.split;
    if (split === null) return out;
    for (const v of split.versions) out[v] = split.weightOf(v);
    return out;
  }

  async setHeaderRoute(route: HeaderRoute | null): Promise<void> {
    const valid = route === null ? null : validateHeaderRoute(route);
    if (valid !== null) this.ensureVersion(valid.version);
    this.headerRoute = valid;
    this.updatePick();
  }

  async setBackends(version: string, backends: Backend[]): Promise<void> {
    validateBackends(version, backends);
    const removed = this.ensureVersion(version).setBackends(backends, this.poolOptions);
    await Promise.all(removed.map((pool) => this.drainPool(pool)));
  }

  private drainPool(pool: BackendPool): Promise<void> {
    const done = pool.drain(this.options.drainTimeoutMs).finally(() => this.draining.delete(done));
    this.draining.add(done);
    return done;
  }

  async metrics(version: string): Promise<VersionMetrics | null> {
    return this.versions.get(version)?.metrics.snapshot() ?? null;
  }

  async injectFault(fault: FaultSpec): Promise<void> {
    const { errorRate, latencyMs, until } = fault;
    const status = validateFault(fault);
    const scope = fault.version ?? "*";
    if (fault.version !== undefined) this.ensureVersion(fault.version);
    if (until <= this.now()) this.faults.delete(scope);
    else this.faults.set(scope, { errorRate, latencyMs, status, until });
  }

  route(head: HttpHead): VersionState | null {
    const preview = this.headerRoute;
    if (preview !== null) {
      const seen =
        "header" in preview
          ? head.picked[this.routeAt]
          : cookieValue(head.picked[this.routeAt], preview.cookie);
      if (seen === preview.value) return this.versions.get(preview.version)!;
    }
    const split = this.split;
    if (split === null) return null;
    const sticky = this.options.sticky;
    let key: string | null | undefined = null;
    if (sticky !== undefined) {
      key =
        "header" in sticky
          ? head.picked[this.stickyAt]
          : cookieValue(head.picked[this.stickyAt], sticky.cookie);
    }
    const name = key ? split.atPoint(hashToUnit(key)) : split.next();
    return name === null ? null : this.versions.get(name)!;
  }

  fault(version: string): ActiveFault | null {
    if (this.faults.size === 0) return null;
    const scope = this.faults.has(version) ? version : "*";
    const f = this.faults.get(scope);
    if (f === undefined) return null;
    if (f.until > this.now()) return f;
    this.faults.delete(scope);
    return this.fault(version);
  }

  closed(conn: ClientConnection): void {
    this.connections.delete(conn);
  }

  private ensureVersion(name: string): VersionState {
    let state = this.versions.get(name);
    if (state === undefined) {
      state = new VersionState(name, this.options.sampleCapacity);
      this.versions.set(name, state);
    }
    return state;
  }

  /** Which header values the parser should hand to `route`: only what is configured is read. */
  private updatePick(): void {
    const pick: string[] = [];
    const slot = (name: string): number => {
      const i = pick.indexOf(name);
      return i >= 0 ? i : pick.push(name) - 1;
    };
    const r = this.headerRoute;
    this.routeAt = r === null ? -1 : slot("header" in r ? r.header : "cookie");
    const s = this.options.sticky;
    this.stickyAt = s === undefined ? -1 : slot("header" in s ? s.header : "cookie");
    this.pick = pick;
  }

  private sweepPools(): void {
    const now = this.now();
    for (const v of this.versions.values()) for (const p of v.pools) p.sweep(now);
  }
}

/** The value of cookie `name` in a Cookie header, or null. */
export function cookieValue(header: string | null | undefined, name: string): string | null {
  if (!header) return null;
  for (const part of header.split(";")) {
    const eq = part.indexOf("=");
    if (eq > 0 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return null;
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

export function createBuiltinRouter(config: { type: string }, deps: RouterDeps): Router {
  const { type: _type, ...options } = config as { type: string; [k: string]: unknown };
  return new BuiltinRouter(options, deps);
}
