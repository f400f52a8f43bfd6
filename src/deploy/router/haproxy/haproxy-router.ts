/**
 * `haproxy`: drives a real HAProxy (Debian `haproxy`, 2.6+) through the Router interface. The router
 * keeps a model of versions, slots, route and faults (config.ts renders it) and changes HAProxy live
 * wherever the runtime API can: weights are an atomic map swap, instances move in and out of
 * pre-allocated server slots (`set server … addr`, `state ready|maint`). A new version, more
 * instances than slots, a preview route or a fault rewrite haproxy.cfg and reload gracefully.
 */
import dns from "node:dns/promises";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import net from "node:net";
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
import { validateBackends, validateFault, validateHeaderRoute, validateWeights } from "../weights";
import { LUA_DELAY, renderConfig, renderMap, splitEntries } from "./config";
import type { ActiveFault, ConfigModel, VersionBackend } from "./config";
import { LogCollector } from "./log-collector";
import { parseHaproxyOptions } from "./options";
import type { HaproxyRouterOptions } from "./options";
import { checkConfig, findHaproxy, freePort, HaproxyProcess } from "./process";
import { forgetRouterProcess, recordRouterProcess, stopOrphanRouter } from "../orphan";
import { replaceMap, workerStatus } from "./runtime";
import { applySlotPlan, drainSlots, planSlots } from "./slots";

export const HAPROXY_ROUTER_TYPE = "haproxy";

interface VersionState extends VersionBackend {
  metrics: MetricsCollector;
}

/** The file under the environment's state directory that records the running HAProxy master. */
export const HAPROXY_PID_FILE = "router-haproxy.json";

export class HaproxyRouter implements Router {
  readonly type = HAPROXY_ROUTER_TYPE;
  private readonly options: HaproxyRouterOptions;
  private readonly now: () => number;
  /** Where the running HAProxy is recorded (null: nowhere), see ../orphan. */
  private readonly pidFile: string | null;
  private readonly versions = new Map<string, VersionState>();
  private readonly byBackend = new Map<string, VersionState>();
  private readonly faults = new Map<string | null, ActiveFault & { until: number }>();
  private readonly log: LogCollector;
  private weights: Weights = {};
  private route: HeaderRoute | null = null;
  private dir: string | null = null;
  private ownsDir = false;
  private proc: HaproxyProcess | null = null;
  private address: Promise<RouterAddress> | null = null;
  private faultTimer: NodeJS.Timeout | null = null;
  private binary = "";
  private listen: { host: string; port: number; logPort: number } | null = null;
  /** Changes run one at a time: a reload must not interleave with a map swap or slot change. */
  private queue: Promise<unknown> = Promise.resolve();

  constructor(options: unknown, deps: RouterDeps = {}) {
    this.options = parseHaproxyOptions(options);
    this.now = deps.now ?? Date.now;
    this.pidFile = deps.stateDir === undefined ? null : path.join(deps.stateDir, HAPROXY_PID_FILE);
    // deps.random is not used: HAProxy draws the split and fault dice itself (rand()).
    this.log = new LogCollector((backend) => this.byBackend.get(backend)?.metrics, this.now);
  }

  start(): Promise<RouterAddress> {
    this.address ??= this.serial(() => this.launch()).catch((err: unknown) => {
      this.address = null;
      throw err;
    });
    return this.address;
  }

  private async launch(): Promise<RouterAddress> {
    const binary = findHaproxy(this.options.binary);
    if (binary === null) {
      throw createError(
        "SLUICE_E_ROUTER_START",
        `haproxy is not installed (looked for "${this.options.binary}").`,
      );
    }
    const { host } = this.options;
    // HAProxy cannot report a port the kernel picked, so pick one here (a race with others is possible).
    const port = this.options.port === 0 ? await freePort(host) : this.options.port;
    if (this.options.dir !== undefined) mkdirSync(this.options.dir, { recursive: true });
    this.ownsDir = this.options.dir === undefined;
    this.dir = this.options.dir ?? mkdtempSync(path.join(os.tmpdir(), "sluice-haproxy-router-"));
    // A killed agent's HAProxy still holds the address: soft-stop it (it finishes what it serves).
    if (this.pidFile !== null) await stopOrphanRouter(this.pidFile, this.options.drainTimeoutMs, "SIGUSR1");
    const logPort = await this.log.start();
    const model = this.model(port, logPort);
    try {
      this.writeFiles(model, binary);
      this.proc = await HaproxyProcess.start({
        binary,
        config: path.join(this.dir, "haproxy.cfg"),
        dir: this.dir,
        host,
        port,
        adminSocket: model.adminSocket,
      });
    } catch (err) {
      this.cleanup();
      throw err;
    }
    if (this.pidFile !== null) recordRouterProcess(this.pidFile, this.proc.pid);
    this.binary = binary;
    this.listen = { host, port, logPort };
    return { host, port };
  }

  async stop(): Promise<void> {
    await this.queue.catch(() => {});
    const proc = this.proc;
    this.proc = null;
    this.address = null;
    this.listen = null;
    if (this.faultTimer !== null) clearTimeout(this.faultTimer);
    if (proc !== null) await proc.stop(this.options.drainTimeoutMs);
    if (proc !== null && this.pidFile !== null) forgetRouterProcess(this.pidFile);
    this.cleanup();
  }

  private cleanup(): void {
    this.log.close();
    if (this.ownsDir && this.dir !== null) rmSync(this.dir, { recursive: true, force: true });
    this.dir = null;
  }

  async setWeights(weights: Weights): Promise<void> {
    const valid = validateWeights(weights);
    return this.serial(async () => {
      const added = Object.keys(valid).filter((v) => !this.versions.has(v));
      for (const v of added) this.ensureVersion(v);
      this.weights = valid;
      if (added.length > 0) return this.reload();
      // The file too: a later reload loads the map from it.
      this.writeMap();
      if (this.proc === null) return;
      const entries = splitEntries(valid, (v) => this.versions.get(v)!.name);
      await replaceMap(this.proc.adminSocket, this.model(0, 0).splitMap, entries);
    });
  }

  async getWeights(): Promise<Weights> {
    return { ...this.weights };
  }

  async setHeaderRoute(route: HeaderRoute | null): Promise<void> {
    const valid = route === null ? null : validateHeaderRoute(route);
    return this.serial(async () => {
      if (valid !== null) this.ensureVersion(valid.version);
      this.route = valid;
      await this.reload();
    });
  }

  async setBackends(version: string, backends: Backend[]): Promise<void> {
    validateBackends(version, backends);
    // The runtime API takes addresses only; resolve names once, here.
    const wanted = await Promise.all(
      backends.map(async (b) => ({
        host: net.isIP(b.host) ? b.host : (await dns.lookup(b.host)).address,
        port: b.port,
      })),
    );
    await this.serial(() => this.applyBackends(version, wanted));
  }

  private async applyBackends(version: string, wanted: Backend[]): Promise<void> {
    const isNew = !this.versions.has(version);
    const state = this.ensureVersion(version);
    const proc = this.proc;
    const plan = planSlots(state.name, state.slots, wanted, this.options.minSlots, !isNew && proc !== null);
    state.slots = plan.slots;
    if (plan.reload || proc === null) return this.reload();
    await applySlotPlan(proc.adminSocket, plan);
    await drainSlots(proc.adminSocket, state.name, plan.removed, this.options.drainTimeoutMs);
  }

  async metrics(version: string): Promise<VersionMetrics | null> {
    const state = this.versions.get(version);
    if (state === undefined) return null;
    if (this.proc !== null) await this.catchUpLog();
    return state.metrics.snapshot();
  }

  /**
   * Log lines arrive just after their responses: wait (briefly) until the current worker has logged
   * as many requests as its frontend counted, so a snapshot taken after a request includes it.
   */
  private async catchUpLog(): Promise<void> {
    const deadline = Date.now() + 500;
    while (this.proc !== null && Date.now() < deadline) {
      const { pid, requests } = await workerStatus(this.proc.adminSocket);
      if ((this.log.linesByPid.get(pid) ?? 0) >= requests) return;
      await new Promise((r) => setTimeout(r, 5));
    }
  }

  async injectFault(fault: FaultSpec): Promise<void> {
    const { errorRate, latencyMs, until } = fault;
    const status = validateFault(fault);
    return this.serial(async () => {
      const scope = fault.version === undefined ? null : this.ensureVersion(fault.version).name;
      if (until > this.now()) this.faults.set(scope, { backend: scope, errorRate, latencyMs, status, until });
      else this.faults.delete(scope);
      await this.reload();
    });
  }

  /** Drops expired faults (with a reload) at the earliest `until`; HAProxy has no clock-bound rules. */
  private scheduleFaultExpiry(): void {
    if (this.faultTimer !== null) clearTimeout(this.faultTimer);
    this.faultTimer = null;
    if (this.faults.size === 0 || this.proc === null) return;
    const next = Math.min(...[...this.faults.values()].map((f) => f.until));
    this.faultTimer = setTimeout(
      () => {
        void this.serial(async () => {
          for (const [k, f] of this.faults) if (f.until <= this.now()) this.faults.delete(k);
          await this.reload();
        }).catch((err: unknown) => process.emitWarning(err as Error, "SluiceRouterWarning"));
      },
      Math.max(0, next - this.now()),
    );
    this.faultTimer.unref();
  }

  private ensureVersion(version: string): VersionState {
    let state = this.versions.get(version);
    if (state === undefined) {
      const name = `be_${this.versions.size}`;
      state = {
        version,
        name,
        slots: [],
        metrics: new MetricsCollector(version, this.options.sampleCapacity),
      };
      this.versions.set(version, state);
      this.byBackend.set(name, state);
    }
    return state;
  }

  /** Rewrites haproxy.cfg and the map, then reloads (when running). */
  private async reload(): Promise<void> {
    if (this.proc === null || this.listen === null) return;
    const model = this.model(this.listen.port, this.listen.logPort);
    this.writeFiles(model, this.binary);
    await this.proc.reload();
    this.scheduleFaultExpiry();
  }

  private model(port: number, logPort: number): ConfigModel {
    const dir = this.dir ?? "";
    const routeVersion = this.route === null ? undefined : this.versions.get(this.route.version);
    return {
      host: this.options.host,
      port,
      adminSocket: path.join(dir, "admin.sock"),
      splitMap: path.join(dir, "split.map"),
      luaFile: path.join(dir, "sluice.lua"),
      logPort,
      threads: this.options.threads,
      connectTimeoutMs: this.options.connectTimeoutMs,
      upstreamTimeoutMs: this.options.upstreamTimeoutMs,
      clientTimeoutMs: this.options.clientTimeoutMs,
      drainTimeoutMs: this.options.drainTimeoutMs,
      backends: [...this.versions.values()],
      route:
        this.route === null || routeVersion === undefined
          ? null
          : { ...this.route, backend: routeVersion.name },
      faults: [...this.faults.values()],
    };
  }

  private writeMap(): void {
    if (this.dir === null) return;
    const entries = splitEntries(this.weights, (v) => this.versions.get(v)!.name);
    writeFileSync(path.join(this.dir, "split.map"), renderMap(entries));
  }

  private writeFiles(model: ConfigModel, binary: string): void {
    const file = path.join(this.dir!, "haproxy.cfg");
    this.writeMap();
    writeFileSync(model.luaFile, LUA_DELAY);
    writeFileSync(file, renderConfig(model));
    checkConfig(binary, file);
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => {});
    return run;
  }
}

export function createHaproxyRouter(config: RouterConfig, deps: RouterDeps): Router {
  const { type: _type, ...options } = config;
  return new HaproxyRouter(options, deps);
}
