/**
 * `nginx`: drives a real nginx. Every change renders a whole nginx.conf (nginx-config.ts), has
 * `nginx -t` check it, and reloads the master gracefully (SIGHUP: old workers finish their requests
 * while new ones take new connections); it resolves once a new connection is served by the new
 * config generation. Metrics come from the router's own access log format (access-log.ts).
 */
import { forgetRouterProcess, recordRouterProcess, stopOrphanRouter } from "../orphan";
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { createError } from "../../../core/errors";
import { MetricsCollector } from "../metrics";
import type {
  Backend,
  FaultSpec,
  HeaderRoute,
  Router,
  RouterAddress,
  RouterConfig,
  RouterDeps,
  VersionMetrics,
  Weights,
} from "../types";
import { validateFault, validateWeights } from "../weights";
import { AccessLogTail } from "./access-log";
import type { AccessEntry } from "./access-log";
import { ACCESS_LOG, renderNginxConfig } from "./nginx-config";
import {
  findNginx,
  isAlive,
  isRetired,
  NginxProcess,
  pickFreePort,
  sleep,
  testNginxConfig,
} from "./nginx-process";
import { parseNginxOptions } from "./options";
import type { NginxRouterOptions } from "./options";
import {
  configFromState,
  EMPTY_STATE,
  probeHost,
  removesInstances,
  validateNginxBackends,
  validateNginxRoute,
  VersionTokens,
} from "./router-state";
import type { RouterState } from "./router-state";

export const NGINX_ROUTER_TYPE = "nginx";

/** The file under the environment's state directory that records the running nginx master. */
export const NGINX_PID_FILE = "router-nginx.json";

export class NginxRouter implements Router {
  readonly type = NGINX_ROUTER_TYPE;
  private readonly options: NginxRouterOptions;
  private readonly now: () => number;
  private readonly tokens = new VersionTokens();
  private readonly collectors = new Map<string, MetricsCollector>();
  private state: RouterState = EMPTY_STATE;
  /** The config nginx runs, without its generation line: an unchanged config needs no reload. */
  private applied = "";
  private generation = 0;
  private dir: string | null = null;
  private nginx: NginxProcess | null = null;
  private address: Promise<RouterAddress> | null = null;
  private listen: RouterAddress | null = null;
  private tail: AccessLogTail | null = null;
  private poll: NodeJS.Timeout | null = null;
  private faultTimer: NodeJS.Timeout | null = null;
  /** Changes apply one at a time, in call order. */
  private queue: Promise<unknown> = Promise.resolve();

  /** Where the running nginx master is recorded (null: nowhere), see ../orphan. */
  private readonly pidFile: string | null;

  constructor(options: unknown, deps: RouterDeps = {}) {
    this.options = parseNginxOptions(options);
    this.now = deps.now ?? Date.now;
    this.pidFile = deps.stateDir === undefined ? null : path.join(deps.stateDir, NGINX_PID_FILE);
  }

  start(): Promise<RouterAddress> {
    this.address ??= this.serial(() => this.startNow());
    this.address.catch(() => (this.address = null));
    return this.address;
  }

  async stop(): Promise<void> {
    await this.serial(async () => {
      const nginx = this.nginx;
      if (nginx === null) return;
      this.nginx = null;
      this.address = null;
      this.listen = null;
      for (const t of [this.poll, this.faultTimer]) if (t !== null) clearTimeout(t);
      this.poll = this.faultTimer = null;
      await nginx.stop(this.options.drainTimeoutMs + 2000);
      if (this.pidFile !== null) forgetRouterProcess(this.pidFile);
      await this.tail?.read().catch(() => 0);
      await this.tail?.close();
      this.tail = null;
      this.applied = "";
      if (this.options.dir === undefined && this.dir !== null)
        rmSync(this.dir, { recursive: true, force: true });
      this.dir = null;
    });
  }

  async setWeights(weights: Weights): Promise<void> {
    const normalised = validateWeights(weights);
    await this.change((s) => ({ ...s, weights: normalised }));
  }

  async getWeights(): Promise<Weights> {
    return { ...(this.state.weights ?? {}) };
  }

  async setHeaderRoute(route: HeaderRoute | null): Promise<void> {
    const valid = route === null ? null : validateNginxRoute(route);
    await this.change((s) => ({ ...s, route: valid }));
  }

  async setBackends(version: string, backends: Backend[]): Promise<void> {
    if (typeof version !== "string" || version === "") {
      throw createError("SLUICE_E_ROUTER_CONFIG", "A version name is empty.");
    }
    const valid = validateNginxBackends(version, backends);
    await this.change((s) => {
      const next = new Map(s.backends);
      next.set(version, valid);
      return { ...s, backends: next };
    });
  }

  async metrics(version: string): Promise<VersionMetrics | null> {
    await this.tail?.settle();
    return this.collectors.get(version)?.snapshot() ?? null;
  }

  async injectFault(fault: FaultSpec): Promise<void> {
    const { errorRate, latencyMs, until } = fault;
    const status = validateFault(fault);
    if (latencyMs > 0) {
      throw createError(
        "SLUICE_E_ROUTER_CONFIG",
        "The nginx router cannot inject latency: open-source nginx has no delay directive. Inject errors " +
          "only (latencyMs: 0), or rehearse latency with the builtin router.",
      );
    }
    const scope = fault.version ?? "*";
    await this.change((s) => {
      const faults = new Map(s.faults);
      if (until <= this.now()) faults.delete(scope);
      else faults.set(scope, { errorRate, status, until });
      return { ...s, faults };
    });
  }

  /**
   * Applies `next(state)`: before start only recorded; once nginx runs, checked by `nginx -t` and
   * reloaded. Rejects with SLUICE_E_ROUTER_CONFIG, keeping the old state, when nginx refuses it.
   */
  private change(next: (s: RouterState) => RouterState): Promise<void> {
    return this.serial(async () => {
      const state = next(this.state);
      if (this.nginx !== null) await this.apply(state);
      this.state = state;
      this.noteVersions(state);
    });
  }

  private serial<T>(task: () => Promise<T>): Promise<T> {
    const run = this.queue.then(task, task);
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async startNow(): Promise<RouterAddress> {
    const binary = this.options.nginxPath ?? findNginx();
    if (binary === null) {
      throw createError("SLUICE_E_ROUTER_START", "nginx is not installed (not on PATH nor in /usr/sbin).");
    }
    const dir = this.options.dir ?? mkdtempSync(path.join(os.tmpdir(), "sluice-nginx-router-"));
    mkdirSync(dir, { recursive: true });
    this.dir = path.resolve(dir);
    const host = this.options.host;
    const port = this.options.port === 0 ? await pickFreePort(host) : this.options.port;
    this.listen = { host, port };
    const conf = (await this.writeChecked(this.state, binary))!;
    // A killed agent's nginx still holds the address: SIGQUIT lets it finish what it serves.
    if (this.pidFile !== null)
      await stopOrphanRouter(this.pidFile, this.options.drainTimeoutMs + 2000, "SIGQUIT");
    const nginx = NginxProcess.spawn(binary, conf, this.dir);
    try {
      await nginx.waitForGeneration(
        probeHost(host),
        port,
        this.generation,
        this.options.reloadTimeoutMs,
        "SLUICE_E_ROUTER_START",
      );
    } catch (err) {
      await nginx.stop(0);
      this.listen = null;
      throw err;
    }
    this.nginx = nginx;
    if (this.pidFile !== null) recordRouterProcess(this.pidFile, nginx.pid);
    this.tail = new AccessLogTail(path.join(this.dir, ACCESS_LOG), (e) => this.record(e));
    this.schedulePoll();
    this.scheduleFaultExpiry(this.state);
    this.noteVersions(this.state);
    return { host, port };
  }

  /** Renders, checks and (when nginx runs) reloads; waits for removed instances to drain. */
  private async apply(state: RouterState): Promise<void> {
    const nginx = this.nginx!;
    const before = nginx.workerPids();
    if ((await this.writeChecked(state, null)) === null) return;
    nginx.reload();
    await nginx.waitForGeneration(
      probeHost(this.listen!.host),
      this.listen!.port,
      this.generation,
      this.options.reloadTimeoutMs,
      "SLUICE_E_INTERNAL",
    );
    // A new worker can answer the probe while an old one still accepts: wait until every old worker
    // has stopped accepting, so a new connection can only meet the new config.
    const deadline = Date.now() + this.options.reloadTimeoutMs;
    while (!before.every(isRetired) && Date.now() < deadline) await sleep(5);
    this.scheduleFaultExpiry(state);
    if (removesInstances(this.state, state)) {
      // Old workers exit once their in-flight requests are done (worker_shutdown_timeout bounds it).
      const drained = Date.now() + this.options.drainTimeoutMs + 2000;
      while (before.some(isAlive) && Date.now() < drained) await sleep(20);
    }
  }

  /**
   * Writes nginx.conf for `state` after `nginx -t` accepted it (a refused one never replaces the
   * running file). Returns the path, or null when the config is unchanged and no reload is needed.
   */
  private async writeChecked(state: RouterState, binaryAtStart: string | null): Promise<string | null> {
    const dir = this.dir!;
    const body = (generation: number) =>
      renderNginxConfig({
        ...configFromState(state, this.tokens, this.now()),
        generation,
        dir,
        host: this.listen!.host,
        port: this.listen!.port,
        workers: this.options.workers,
        keepalive: this.options.keepalive,
        drainTimeoutMs: this.options.drainTimeoutMs,
        upstreamTimeoutMs: this.options.upstreamTimeoutMs,
      });
    const stable = body(0).split("\n").slice(1).join("\n");
    const conf = path.join(dir, "nginx.conf");
    if (binaryAtStart === null && stable === this.applied) return null;
    const generation = this.generation + 1;
    const candidate = path.join(dir, "nginx.conf.next");
    writeFileSync(candidate, body(generation));
    const binary = binaryAtStart ?? this.options.nginxPath ?? findNginx() ?? "nginx";
    const problem = await testNginxConfig(binary, candidate, dir);
    if (problem !== null) {
      throw createError("SLUICE_E_ROUTER_CONFIG", `nginx refused the generated config: ${problem}`);
    }
    renameSync(candidate, conf);
    this.generation = generation;
    this.applied = stable;
    return conf;
  }

  private record(e: AccessEntry): void {
    const version = this.tokens.versionOf(e.token);
    if (version === undefined) return;
    const m = this.collector(version);
    m.record(e.status, e.ms, e.at);
    m.connectionErrors += e.connectionErrors;
    if (e.faulted) m.faultsInjected++;
  }

  private collector(version: string): MetricsCollector {
    let m = this.collectors.get(version);
    if (m === undefined) {
      m = new MetricsCollector(version, this.options.sampleCapacity);
      this.collectors.set(version, m);
    }
    return m;
  }

  /** Every version the router has been told about has counters (zero until traffic). */
  private noteVersions(s: RouterState): void {
    for (const v of s.backends.keys()) this.collector(v);
    for (const v of Object.keys(s.weights ?? {})) this.collector(v);
    if (s.route !== null) this.collector(s.route.version);
    for (const v of s.faults.keys()) if (v !== "*") this.collector(v);
  }

  private schedulePoll(): void {
    this.poll = setTimeout(() => {
      void this.tail
        ?.read()
        .catch(() => 0)
        .then(() => {
          if (this.nginx !== null) this.schedulePoll();
        });
    }, this.options.logPollMs);
    this.poll.unref();
  }

  /** Clears a fault from the config when its `until` passes (nginx has no clock-bound directive). */
  private scheduleFaultExpiry(s: RouterState): void {
    if (this.faultTimer !== null) clearTimeout(this.faultTimer);
    this.faultTimer = null;
    const now = this.now();
    const next = Math.min(...[...s.faults.values()].map((f) => f.until).filter((u) => u > now));
    if (!Number.isFinite(next)) return;
    const expire = (x: RouterState): RouterState => ({
      ...x,
      faults: new Map([...x.faults].filter(([, f]) => f.until > this.now())),
    });
    this.faultTimer = setTimeout(
      () => void this.change(expire).catch(() => {}),
      Math.min(next - now, 2 ** 31 - 1),
    );
    this.faultTimer.unref();
  }
}

export function createNginxRouter(config: RouterConfig, deps: RouterDeps): Router {
  const { type: _type, ...options } = config;
  return new NginxRouter(options, deps);
}
