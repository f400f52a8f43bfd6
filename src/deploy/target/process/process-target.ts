/**
 * The `process` target: each version's instances are local processes on free loopback ports, each in
 * its own process group. Crashed instances restart with backoff; stops drain then kill the whole
 * group; with a `stateFile`, a restarted controller takes the instances over (`recover`).
 */
import path from "node:path";
import { createError } from "../../../core/errors";
import type { HealthCheckSpec } from "../../health/types";
import type { InstanceStatus, ResourceUsage } from "../../strategy/types";
import type { DeployResult, DeploySpec, InstanceInfo, Target, TargetOptions } from "../types";
import { ProcessInstance } from "./instance";
import { signalGroup } from "./proc";
import { adoptProcess, isSameProcess, toArgv } from "./spawn-instance";
import { maxUsage, UsageMeter } from "./usage";
import { readStateFile, writeStateFile, type TargetStateFile } from "./state-file";

export const PROCESS_TARGET_TYPE = "process";
const DEFAULT_READY_TIMEOUT_MS = 60_000;
const DEFAULT_DRAIN_MS = 10_000;
const HOST = "127.0.0.1";

interface VersionEntry {
  spec: DeploySpec;
  instances: ProcessInstance[];
  nextIndex: number;
}

export class ProcessTarget implements Target {
  readonly type = PROCESS_TARGET_TYPE;
  private readonly versions = new Map<string, VersionEntry>();
  private closed = false;
  /** Memory and CPU of instances, for the strategies' resource trigger. */
  private readonly usage = new UsageMeter();

  constructor(private readonly options: TargetOptions = {}) {}

  async deploy(version: string, spec: DeploySpec): Promise<DeployResult> {
    checkSpec(version, spec);
    const existing = this.versions.get(version);
    if (existing !== undefined) return this.scale(version, spec.instances);
    const entry: VersionEntry = { spec: { ...spec }, instances: [], nextIndex: 0 };
    this.versions.set(version, entry);
    await Promise.all(this.addInstances(version, entry, spec.instances).map((i) => i.start()));
    this.persist();
    return this.waitReady(version, entry);
  }

  async scale(version: string, instances: number): Promise<DeployResult> {
    const entry = this.versions.get(version);
    if (entry === undefined) throw createError("SLUICE_E_TARGET", `version ${version} is not deployed`);
    if (!Number.isInteger(instances) || instances < 0) {
      throw createError("SLUICE_E_TARGET", `cannot scale ${version} to ${instances} instances`);
    }
    entry.spec.instances = instances;
    const extra = entry.instances.length - instances;
    if (extra < 0) {
      await Promise.all(this.addInstances(version, entry, -extra).map((i) => i.start()));
    } else if (extra > 0) {
      // Remove instances that are not serving first, then the newest: the proven ones stay.
      const order = [...entry.instances].sort((a, b) => rank(a) - rank(b));
      const removed = order.slice(0, extra);
      entry.instances = entry.instances.filter((i) => !removed.includes(i));
      await Promise.all(removed.map((i) => i.stop(entry.spec.drainMs ?? DEFAULT_DRAIN_MS)));
    }
    this.persist();
    return this.waitReady(version, entry);
  }

  async stop(version: string, options: { drainMs?: number } = {}): Promise<void> {
    const entry = this.versions.get(version);
    if (entry === undefined) return;
    this.versions.delete(version);
    const drainMs = options.drainMs ?? entry.spec.drainMs ?? DEFAULT_DRAIN_MS;
    await Promise.all(entry.instances.map((i) => i.stop(drainMs)));
    this.persist();
  }

  listInstances(): (InstanceInfo & { lastError: string | null })[] {
    const out: (InstanceInfo & { lastError: string | null })[] = [];
    for (const entry of this.versions.values()) for (const i of entry.instances) out.push(i.info());
    return out;
  }

  status(): Record<string, InstanceStatus> {
    const out: Record<string, InstanceStatus> = {};
    const measured = new Set<number>();
    const now = Date.now();
    for (const [version, entry] of this.versions) {
      let usage: ResourceUsage | undefined;
      for (const i of entry.instances) {
        const pid = i.info().pid;
        if (pid === null || !i.isReady()) continue;
        measured.add(pid);
        const u = this.usage.measure(pid, now);
        if (u !== null) usage = maxUsage(usage, u);
      }
      out[version] = {
        ready: entry.instances.filter((i) => i.isReady()).length,
        restarts: entry.instances.reduce((n, i) => n + i.restartCount(), 0),
        ...(usage ? { usage } : {}),
      };
    }
    this.usage.keepOnly(measured);
    return out;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await Promise.all([...this.versions.keys()].map((v) => this.stop(v)));
  }

  /**
   * After a controller restart: takes over the instances the state file lists that still run (and
   * starts replacements for the ones that died), or, with `adopt: false`, kills them all. Returns the
   * versions now managed. Without a state file there is nothing to find.
   */
  async recover(options: { adopt?: boolean } = {}): Promise<string[]> {
    const file = this.options.stateFile;
    const saved = file === undefined ? null : readStateFile(file);
    if (saved === null) return [];
    for (const [version, rec] of Object.entries(saved.versions)) {
      if (options.adopt === false) {
        for (const r of rec.instances) if (isSameProcess(r.pid, r.startTime)) signalGroup(r.pid, "SIGKILL");
        continue;
      }
      const entry: VersionEntry = {
        spec: { ...rec.spec, instances: rec.desired },
        instances: [],
        nextIndex: rec.nextIndex,
      };
      this.versions.set(version, entry);
      const starts: Promise<void>[] = [];
      for (const r of rec.instances) {
        const proc = adoptProcess(r.pid, r.startTime);
        if (proc === null) continue;
        const inst = this.makeInstance(version, entry, r.index);
        entry.instances.push(inst);
        starts.push(inst.start({ proc, port: r.port, restarts: r.restarts }));
      }
      const missing = rec.desired - entry.instances.length;
      if (missing > 0) for (const i of this.addInstances(version, entry, missing)) starts.push(i.start());
      await Promise.all(starts);
    }
    this.persist();
    return [...this.versions.keys()];
  }

  private addInstances(version: string, entry: VersionEntry, count: number): ProcessInstance[] {
    const added: ProcessInstance[] = [];
    for (let n = 0; n < count; n++) {
      const inst = this.makeInstance(version, entry, entry.nextIndex++);
      entry.instances.push(inst);
      added.push(inst);
    }
    return added;
  }

  private makeInstance(version: string, entry: VersionEntry, index: number): ProcessInstance {
    const id = `${version}#${index}`;
    const stateDir = this.options.stateFile === undefined ? null : path.dirname(this.options.stateFile);
    const base = this.options.cwd ?? process.cwd();
    return new ProcessInstance({
      id,
      version,
      host: HOST,
      argv: toArgv(entry.spec.command),
      cwd: entry.spec.cwd === undefined ? base : path.resolve(base, entry.spec.cwd),
      env: { ...stringEnv(process.env), ...entry.spec.env },
      readiness: entry.spec.readiness ?? defaultReadiness,
      logFile: stateDir === null ? null : path.join(stateDir, `${id.replace(/[^\w.-]/g, "_")}.log`),
      backoffBaseMs: this.options.backoffBaseMs ?? 200,
      backoffMaxMs: this.options.backoffMaxMs ?? 10_000,
      onOutput: this.options.onOutput ?? (() => {}),
      onChange: () => this.persist(),
    });
  }

  private async waitReady(version: string, entry: VersionEntry): Promise<DeployResult> {
    const deadline = Date.now() + (entry.spec.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS);
    const results = await Promise.all(entry.instances.map((i) => i.waitReady(deadline)));
    return { version, wanted: entry.spec.instances, ready: results.filter(Boolean).length };
  }

  private persist(): void {
    const file = this.options.stateFile;
    if (file === undefined) return;
    const state: TargetStateFile = { schema: 1, versions: {} };
    for (const [version, entry] of this.versions) {
      const instances = entry.instances.flatMap((inst) => {
        const r = inst.record();
        const index = Number(inst.config.id.slice(inst.config.id.lastIndexOf("#") + 1));
        return r === null ? [] : [{ index, ...r }];
      });
      state.versions[version] = {
        spec: entry.spec,
        desired: entry.spec.instances,
        nextIndex: entry.nextIndex,
        instances,
      };
    }
    writeStateFile(file, state);
  }
}

const defaultReadiness: HealthCheckSpec = { type: "tcp", timeoutMs: 500 };

/** Not-ready instances sort first, then the newest: the order instances are removed in. */
function rank(i: ProcessInstance): number {
  const index = Number(i.config.id.slice(i.config.id.lastIndexOf("#") + 1));
  return (i.isReady() ? 1e9 : 0) - index;
}

function stringEnv(env: NodeJS.ProcessEnv): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}

function checkSpec(version: string, spec: DeploySpec): void {
  const empty = Array.isArray(spec.command) ? spec.command.length === 0 : spec.command.trim() === "";
  if (version === "" || empty)
    throw createError("SLUICE_E_TARGET", `version ${JSON.stringify(version)} has no command`);
  if (!Number.isInteger(spec.instances) || spec.instances < 0) {
    throw createError("SLUICE_E_TARGET", `cannot run ${spec.instances} instances of ${version}`);
  }
}

export function createProcessTarget(options: TargetOptions): ProcessTarget {
  return new ProcessTarget(options);
}
