/**
 * The HAProxy process: master-worker mode (`-W`) with a master CLI (`-S`), so a reload re-executes
 * the master, which passes the listening sockets to the new worker (`expose-fd listeners`): no
 * connection is refused while the config changes, and the old worker finishes what it serves.
 */
import { spawn, spawnSync } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { accessSync, constants } from "node:fs";
import net from "node:net";
import path from "node:path";
import { createError } from "../../../core/errors";
import { runtimeCommand, workerStatus } from "./runtime";

/** Absolute path of the haproxy program: `binary` itself, or found on PATH and in /usr/sbin. */
export function findHaproxy(binary: string): string | null {
  const dirs = binary.includes("/")
    ? [""]
    : [...(process.env.PATH ?? "").split(":"), "/usr/sbin", "/usr/local/sbin", "/sbin"];
  for (const dir of dirs) {
    const file = dir === "" ? binary : path.join(dir, binary);
    try {
      accessSync(file, constants.X_OK);
      return path.resolve(file);
    } catch {
      // Not here.
    }
  }
  return null;
}

/** `haproxy -c`: a config HAProxy would refuse fails here, before a reload can leave it half-applied. */
export function checkConfig(binary: string, file: string): void {
  const r = spawnSync(binary, ["-c", "-q", "-f", file], { encoding: "utf8", timeout: 10_000 });
  if (r.status !== 0) {
    throw createError(
      "SLUICE_E_INTERNAL",
      `HAProxy rejects the generated config: ${(r.stderr || r.stdout).trim()}`,
    );
  }
}

export class HaproxyProcess {
  private stderr = "";
  private readonly exited: Promise<void>;

  private constructor(
    private readonly child: ChildProcess,
    readonly masterSocket: string,
    readonly adminSocket: string,
  ) {
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (s: string) => (this.stderr = (this.stderr + s).slice(-8192)));
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /**
   * Starts the master and resolves once host:port accepts connections. Fails with
   * SLUICE_E_ROUTER_START when HAProxy exits first (the address is taken, or not permitted).
   */
  static async start(opts: {
    binary: string;
    config: string;
    dir: string;
    host: string;
    port: number;
    adminSocket: string;
  }): Promise<HaproxyProcess> {
    const master = path.join(opts.dir, "master.sock");
    // detached: its own process group, so a last-resort SIGKILL reaches the workers too.
    const child = spawn(opts.binary, ["-W", "-S", `${master},mode,600`, "-f", opts.config, "-db"], {
      cwd: opts.dir,
      stdio: ["ignore", "ignore", "pipe"],
      detached: true,
    });
    const proc = new HaproxyProcess(child, master, opts.adminSocket);
    const failed = proc.exited.then(() => {
      throw createError(
        "SLUICE_E_ROUTER_START",
        `haproxy cannot listen on ${opts.host}:${opts.port}: ${proc.stderr.trim() || "it exited"}`,
      );
    });
    try {
      await Promise.race([waitForPort(opts.host, opts.port, 10_000), failed]);
      await Promise.race([runtimeCommand(opts.adminSocket, "show info", 5000), failed]);
    } catch (err) {
      // On a taken port `waitForPort` reaches whoever holds it, and the admin socket is not there
      // (yet): when HAProxy exits in the next moments, its reason is the one to report.
      const exit = await Promise.race([
        failed.then(
          () => null,
          (e: unknown) => e,
        ),
        sleep(5000).then(() => null),
      ]);
      await proc.stop(0);
      throw exit ?? err;
    }
    failed.catch(() => {});
    return proc;
  }

  /**
   * Graceful reload through the master CLI; resolves once a new worker answers the admin socket.
   * Old workers serve their connections' in-flight and next requests, then exit (or at hard-stop-after).
   */
  async reload(timeoutMs = 15_000): Promise<void> {
    const before = (await workerStatus(this.adminSocket)).pid;
    const failedBefore = await this.failedReloads();
    await runtimeCommand(this.masterSocket, "reload", timeoutMs);
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await sleep(15);
      const now = await workerStatus(this.adminSocket).catch(() => null);
      if (now !== null && now.pid !== before && Number.isFinite(now.pid)) return;
      if ((await this.failedReloads().catch(() => failedBefore)) > failedBefore || Date.now() > deadline) {
        throw createError("SLUICE_E_INTERNAL", `haproxy did not reload: ${this.stderr.trim().slice(-2000)}`);
      }
    }
  }

  private async failedReloads(): Promise<number> {
    const proc = await runtimeCommand(this.masterSocket, "show proc");
    return Number(/\[failed: (\d+)\]/.exec(proc)?.[1] ?? 0);
  }

  /** Worker pids the master knows (current and old), from `show proc`. */
  async workerPids(): Promise<number[]> {
    const proc = await runtimeCommand(this.masterSocket, "show proc", 2000).catch(() => "");
    return [...proc.matchAll(/^(\d+)\s+worker\b/gm)].map((m) => Number(m[1]));
  }

  /**
   * Soft stop (SIGUSR1): listeners close and workers finish in-flight requests. Once no worker has a
   * request in flight (or `graceMs` passed) the master gets SIGTERM (hard stop), then the group
   * SIGKILL; resolves when the master has exited and no worker of it is left.
   */
  async stop(graceMs: number): Promise<void> {
    const workers = this.running ? await this.workerPids() : [];
    if (this.running) {
      this.child.kill(graceMs > 0 ? "SIGUSR1" : "SIGTERM");
      const deadline = Date.now() + graceMs;
      while (this.running && Date.now() < deadline && (await this.streamsInFlight(workers)) > 0)
        await sleep(20);
      if (this.running) this.child.kill("SIGTERM");
      const timer = setTimeout(() => this.killGroup(), 2000);
      await this.exited;
      clearTimeout(timer);
    }
    this.killGroup();
    for (const pid of workers) {
      for (let i = 0; i < 100 && alive(pid); i++) await sleep(10);
      if (alive(pid)) process.kill(pid, "SIGKILL");
    }
  }

  /** Requests being served by these workers: `show sess` lists streams, idle keep-alive has none. */
  private async streamsInFlight(workers: number[]): Promise<number> {
    let n = 0;
    for (const pid of workers) {
      if (!alive(pid)) continue;
      const sess = await runtimeCommand(this.masterSocket, `@!${pid} show sess`, 1000).catch(() => "");
      // The CLI's own stream is listed too.
      n += sess.split("\n").filter((l) => /^0x[0-9a-f]+:/.test(l) && !l.includes("proto=unix")).length;
    }
    return n;
  }

  private killGroup(): void {
    try {
      if (this.child.pid !== undefined) process.kill(-this.child.pid, "SIGKILL");
    } catch {
      // ESRCH: the group is gone.
    }
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function waitForPort(host: string, port: number, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect({ host, port });
      socket.once("connect", () => {
        socket.destroy();
        resolve(true);
      });
      socket.once("error", () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > deadline)
      throw createError("SLUICE_E_ROUTER_START", `haproxy is not listening on ${host}:${port}`);
    await sleep(20);
  }
}

/** A free port on `host` right now; HAProxy cannot report one the kernel picked for it. */
export function freePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", (err) =>
      reject(createError("SLUICE_E_ROUTER_START", `cannot bind ${host}: ${err.message}`, { cause: err })),
    );
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
