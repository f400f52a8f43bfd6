/**
 * One instance of a version: keeps a process running on a free port, restarts it with backoff when
 * it exits on its own, tells when it is ready, and stops it — and everything it started — on request.
 */
import { runHealthCheck } from "../../health/index";
import type { HealthCheckSpec } from "../../health/types";
import type { InstanceInfo } from "../types";
import { restartDelay, STABLE_AFTER_MS } from "./backoff";
import { allocatePort, claimPort, releasePort } from "./ports";
import { groupAlive, settlesWithin, signalGroup, sleep } from "./proc";
import { spawnProcess, type RunningProcess } from "./spawn-instance";

/** Everything an instance needs to (re)start its process. */
export interface InstanceConfig {
  /** `<version>#<n>`, stable across restarts. */
  id: string;
  /** The version it runs (given to the process as VERSION). */
  version: string;
  /** The loopback address it listens on. */
  host: string;
  /** Executable and arguments. */
  argv: string[];
  /** Working directory. */
  cwd: string;
  /** Environment without the per-instance variables (added at each start). */
  env: Record<string, string>;
  /** The check that makes it ready. */
  readiness: HealthCheckSpec;
  /** Output goes here when set (the process then outlives the controller), else to `onOutput`. */
  logFile: string | null;
  /** First restart delay. */
  backoffBaseMs: number;
  /** Longest restart delay. */
  backoffMaxMs: number;
  /** Output lines, when output is piped. */
  onOutput: (id: string, stream: "stdout" | "stderr", line: string) => void;
  /** Called after every change worth persisting (start, exit, ready). */
  onChange: () => void;
}

const READINESS_INTERVAL_MS = 100;
const OUTPUT_TAIL_LINES = 50;

export class ProcessInstance {
  private proc: RunningProcess | null = null;
  private port = 0;
  private ready = false;
  private restarts = 0;
  private consecutiveCrashes = 0;
  private startedAt = 0;
  private stopping = false;
  private restartTimer: NodeJS.Timeout | null = null;
  private readinessAbort: AbortController | null = null;
  private lastError: string | null = null;
  private readonly tail: string[] = [];
  private readyWaiters: (() => void)[] = [];

  constructor(readonly config: InstanceConfig) {}

  /** Starts the first process (or takes over `adopted`); a failure to start counts as a crash. */
  async start(adopted?: { proc: RunningProcess; port: number; restarts: number }): Promise<void> {
    if (adopted !== undefined) {
      claimPort(adopted.port);
      this.port = adopted.port;
      this.restarts = adopted.restarts;
      this.attach(adopted.proc);
      return;
    }
    await this.launch();
  }

  private async launch(): Promise<void> {
    this.restartTimer = null;
    if (this.stopping) return;
    const c = this.config;
    this.port = await allocatePort(c.host);
    const env = {
      ...c.env,
      PORT: String(this.port),
      HOST: c.host,
      VERSION: c.version,
      SLUICE_INSTANCE: c.id,
    };
    const onLine = (stream: "stdout" | "stderr", line: string): void => {
      this.tail.push(line);
      if (this.tail.length > OUTPUT_TAIL_LINES) this.tail.shift();
      c.onOutput(c.id, stream, line);
    };
    const result = await spawnProcess({ argv: c.argv, cwd: c.cwd, env, logFile: c.logFile, onLine });
    if ("error" in result) return this.exited(result.error);
    if (this.stopping) {
      // stop() ran while the process was being spawned: it must not survive.
      signalGroup(result.pid, "SIGKILL");
      releasePort(this.port);
      return;
    }
    this.attach(result);
  }

  private attach(proc: RunningProcess): void {
    this.proc = proc;
    this.startedAt = Date.now();
    this.config.onChange();
    void proc.exited.then((how) => {
      if (this.proc === proc) this.exited(how);
    });
    void this.watchReadiness(proc);
  }

  /** The process ended. Unless stopping, schedule a restart, backing off while it keeps crashing. */
  private exited(how: string): void {
    const ranMs = this.proc === null ? 0 : Date.now() - this.startedAt;
    if (this.proc !== null) signalGroup(this.proc.pid, "SIGKILL"); // its leftovers go with it
    this.proc = null;
    this.setReady(false);
    this.readinessAbort?.abort();
    releasePort(this.port);
    const lastLine = [...this.tail].reverse().find((l) => l.trim() !== "");
    this.lastError = lastLine === undefined ? how : `${how}: ${lastLine.trim().slice(0, 300)}`;
    if (!this.stopping) {
      this.restarts += 1;
      this.consecutiveCrashes = ranMs >= STABLE_AFTER_MS ? 1 : this.consecutiveCrashes + 1;
      const delay = restartDelay(
        this.consecutiveCrashes,
        this.config.backoffBaseMs,
        this.config.backoffMaxMs,
      );
      this.restartTimer = setTimeout(() => void this.launch(), delay);
    }
    this.config.onChange();
  }

  private async watchReadiness(proc: RunningProcess): Promise<void> {
    const abort = new AbortController();
    this.readinessAbort = abort;
    while (!abort.signal.aborted && this.proc === proc) {
      const r = await runHealthCheck(
        this.config.readiness,
        { host: this.config.host, port: this.port },
        {
          signal: abort.signal,
        },
      );
      if (r.ok && this.proc === proc) return this.setReady(true);
      await sleep(READINESS_INTERVAL_MS);
    }
  }

  private setReady(ready: boolean): void {
    if (this.ready === ready) return;
    this.ready = ready;
    if (ready) {
      // A restart that got ready clears the crash streak's effect only after it stays up (STABLE_AFTER_MS).
      for (const w of this.readyWaiters.splice(0)) w();
      this.config.onChange();
    }
  }

  /** Resolves true once ready, false at `deadline` (epoch ms) or when the instance is stopped. */
  async waitReady(deadline: number): Promise<boolean> {
    if (this.ready) return true;
    const remaining = deadline - Date.now();
    if (remaining <= 0 || this.stopping) return this.ready;
    let done!: () => void;
    const readyNow = new Promise<void>((r) => (done = r));
    this.readyWaiters.push(done);
    await settlesWithin(readyNow, remaining);
    this.readyWaiters = this.readyWaiters.filter((w) => w !== done);
    return this.ready;
  }

  /**
   * SIGTERM to the group, up to `drainMs` for the process to exit, then SIGKILL to whatever is left of
   * the group. Resolves when nothing of it runs. Idempotent.
   */
  async stop(drainMs: number): Promise<void> {
    this.stopping = true;
    if (this.restartTimer !== null) clearTimeout(this.restartTimer);
    this.restartTimer = null;
    this.readinessAbort?.abort();
    for (const w of this.readyWaiters.splice(0)) w();
    const proc = this.proc;
    if (proc === null) return;
    signalGroup(proc.pid, "SIGTERM");
    if (!(await settlesWithin(proc.exited, drainMs))) signalGroup(proc.pid, "SIGKILL");
    await proc.exited;
    // Children that ignored SIGTERM (or were started in the background) share the group: end them too.
    signalGroup(proc.pid, "SIGKILL");
    for (let i = 0; i < 100 && groupAlive(proc.pid); i++) await sleep(10);
    this.proc = null;
    this.ready = false;
    releasePort(this.port);
    this.config.onChange();
  }

  info(): InstanceInfo & { lastError: string | null } {
    return {
      version: this.config.version,
      id: this.config.id,
      host: this.config.host,
      port: this.port,
      pid: this.proc?.pid ?? null,
      ready: this.ready,
      restarts: this.restarts,
      lastError: this.lastError,
    };
  }

  /** What a restarted controller needs to find this process again. */
  record(): { pid: number; startTime: string | null; port: number; restarts: number } | null {
    if (this.proc === null) return null;
    return { pid: this.proc.pid, startTime: this.proc.startTime, port: this.port, restarts: this.restarts };
  }

  isReady(): boolean {
    return this.ready;
  }

  restartCount(): number {
    return this.restarts;
  }
}
