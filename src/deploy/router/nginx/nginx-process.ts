/**
 * Running one nginx master for the router: spawned in the foreground (`daemon off`) in its own
 * process group so nothing outlives stop(), reloaded with SIGHUP (old workers finish their requests,
 * new ones take the new config), stopped with SIGQUIT (graceful) and SIGKILL to the group after the
 * drain timeout.
 */
import { execFile, spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { accessSync, constants, readdirSync, readFileSync } from "node:fs";
import http from "node:http";
import net from "node:net";
import path from "node:path";
import { createError } from "../../../core/errors";
import { GENERATION_PATH } from "./nginx-config";

/** The nginx binary on PATH or where distributions put it (Debian: /usr/sbin), or null. */
export function findNginx(): string | null {
  const dirs = [
    ...(process.env.PATH ?? "").split(":"),
    "/usr/sbin",
    "/usr/local/sbin",
    "/usr/local/nginx/sbin",
  ];
  for (const dir of dirs) {
    if (dir === "") continue;
    const file = path.join(dir, "nginx");
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch {
      // not here
    }
  }
  return null;
}

/** Arguments every nginx call gets: -e so nginx never touches the system's error log path. */
function baseArgs(conf: string, dir: string): string[] {
  return ["-c", conf, "-p", `${dir}/`, "-e", path.join(dir, "error.log")];
}

/** `nginx -t` on a config file: null when nginx accepts it, else what nginx said. */
export function testNginxConfig(binary: string, conf: string, dir: string): Promise<string | null> {
  return new Promise((resolve) => {
    execFile(binary, ["-t", "-q", ...baseArgs(conf, dir)], { timeout: 30_000 }, (err, _out, stderr) => {
      resolve(err === null ? null : stderr.trim() || err.message);
    });
  });
}

/** A port free on `host` right now (nginx cannot report an ephemeral port it bound). */
export function pickFreePort(host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once("error", reject);
    server.listen(0, host, () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The config generation nginx serves to a new connection, or null when it does not answer. */
export function fetchGeneration(host: string, port: number): Promise<number | null> {
  return new Promise((resolve) => {
    const req = http.get({ host, port, path: GENERATION_PATH, agent: false, timeout: 1000 }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (s: string) => (body += s));
      res.on("end", () => resolve(res.statusCode === 200 ? Number(body.trim()) : null));
      res.on("error", () => resolve(null));
    });
    req.on("timeout", () => req.destroy());
    req.on("error", () => resolve(null));
  });
}

export class NginxProcess {
  private readonly exited: Promise<void>;
  private stderr = "";
  private stopping: Promise<void> | null = null;

  private constructor(
    private readonly child: ChildProcess,
    private readonly dir: string,
  ) {
    child.stderr!.setEncoding("utf8");
    child.stderr!.on("data", (s: string) => (this.stderr = (this.stderr + s).slice(-8192)));
    this.exited = new Promise((resolve) => child.once("exit", () => resolve()));
  }

  static spawn(binary: string, conf: string, dir: string): NginxProcess {
    const child = spawn(binary, baseArgs(conf, dir), {
      cwd: dir,
      stdio: ["ignore", "ignore", "pipe"],
      // Its own process group: a SIGKILL fallback must reach the workers too.
      detached: true,
    });
    child.on("error", () => {}); // reported through `exited` and waitForGeneration
    return new NginxProcess(child, dir);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** What nginx wrote to stderr and its error log lately, for failure messages. */
  diagnostics(): string {
    let log = "";
    try {
      log = readFileSync(path.join(this.dir, "error.log"), "utf8").slice(-2048);
    } catch {
      // no log yet
    }
    return `${this.stderr}${log}`.trim();
  }

  /**
   * Resolves once a new connection is served by config `generation`; rejects with `code` when nginx
   * exits first or `timeoutMs` passes.
   */
  async waitForGeneration(
    host: string,
    port: number,
    generation: number,
    timeoutMs: number,
    code: "SLUICE_E_ROUTER_START" | "SLUICE_E_INTERNAL",
  ): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) {
        throw createError(code, `nginx exited: ${this.diagnostics() || "no output"}`);
      }
      if ((await fetchGeneration(host, port)) === generation) return;
      if (Date.now() > deadline) {
        throw createError(
          code,
          `nginx did not serve config generation ${generation} within ${timeoutMs} ms: ${this.diagnostics()}`,
        );
      }
      await sleep(10);
    }
  }

  /** Graceful reload: the master re-reads the config and retires old workers as they finish. */
  reload(): void {
    if (this.running) this.child.kill("SIGHUP");
  }

  /** The master's worker processes right now (Linux /proc; empty elsewhere). */
  workerPids(): number[] {
    const master = this.pid;
    const out: number[] = [];
    let entries: string[] = [];
    try {
      entries = readdirSync("/proc");
    } catch {
      return out;
    }
    for (const entry of entries) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, "utf8");
        // Fields after the parenthesised command name: state ppid …
        const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
        if (ppid === master) out.push(Number(entry));
      } catch {
        // exited meanwhile
      }
    }
    return out;
  }

  /** SIGQUIT (workers finish in-flight requests), then SIGKILL to the group after `graceMs`. */
  stop(graceMs: number): Promise<void> {
    this.stopping ??= (async () => {
      if (this.running) {
        this.child.kill("SIGQUIT");
        const timer = setTimeout(() => killGroup(this.child.pid), graceMs);
        await this.exited;
        clearTimeout(timer);
      }
      // Workers outlive a master killed hard; the group is ours alone (detached above).
      killGroup(this.child.pid);
    })();
    return this.stopping;
  }
}

/**
 * True once an old worker no longer accepts connections: it has exited, or it retitled itself
 * "worker process is shutting down", which nginx does right before closing its listening sockets.
 */
export function isRetired(pid: number): boolean {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, "utf8").includes("shutting down");
  } catch {
    return true;
  }
}

/** True while `pid` exists (signal 0 probes without sending anything). */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: the group is gone.
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
