/** A long-running program started for a test in its own temp dir, and stopped with it. */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { rmSync } from "node:fs";
import { waitForPort } from "./programs";

export interface RunningService {
  host: string;
  port: number;
  /** The temp dir holding config, logs and pid files; removed by stop(). */
  dir: string;
  pid: number;
  /** What the program wrote to stderr so far (for failure messages). */
  stderr(): string;
  /** Graceful stop (the program's own signal), SIGKILL after `graceMs`; removes `dir`. Idempotent. */
  stop(graceMs?: number): Promise<void>;
}

export interface ServiceSpec {
  command: string;
  args: string[];
  dir: string;
  host: string;
  port: number;
  /** The signal that stops the program gracefully (nginx: SIGQUIT, haproxy: SIGUSR1). */
  stopSignal: NodeJS.Signals;
  readyTimeoutMs?: number;
}

/** Spawns the program and resolves once its port accepts connections; stops it if it never does. */
export async function startService(spec: ServiceSpec): Promise<RunningService> {
  // Its own process group: nginx and haproxy fork workers, and a SIGKILL fallback must reach them too.
  const child = spawn(spec.command, spec.args, {
    cwd: spec.dir,
    stdio: ["ignore", "ignore", "pipe"],
    detached: true,
  });
  let stderr = "";
  child.stderr!.setEncoding("utf8");
  child.stderr!.on("data", (s: string) => (stderr = (stderr + s).slice(-8192)));
  const exited = new Promise<void>((resolve) => child.once("exit", () => resolve()));
  const service: RunningService = {
    host: spec.host,
    port: spec.port,
    dir: spec.dir,
    pid: child.pid ?? -1,
    stderr: () => stderr,
    stop: (graceMs = 3000) => stopChild(child, exited, spec, graceMs),
  };
  const failed = exited.then(() => {
    throw new Error(`${spec.command} exited before listening on ${spec.port}: ${stderr.trim()}`);
  });
  try {
    await Promise.race([waitForPort(spec.host, spec.port, spec.readyTimeoutMs ?? 10_000), failed]);
  } catch (err) {
    await service.stop(0);
    throw err;
  }
  failed.catch(() => {});
  return service;
}

const stopping = new WeakMap<ChildProcess, Promise<void>>();

function stopChild(
  child: ChildProcess,
  exited: Promise<void>,
  spec: ServiceSpec,
  graceMs: number,
): Promise<void> {
  const existing = stopping.get(child);
  if (existing !== undefined) return existing;
  const done = (async () => {
    if (child.exitCode === null && child.signalCode === null) {
      if (graceMs > 0) child.kill(spec.stopSignal);
      const timer = setTimeout(() => killGroup(child.pid), graceMs);
      await exited;
      clearTimeout(timer);
    }
    // Workers outlive a master killed hard; the group is ours alone (detached above).
    killGroup(child.pid);
    rmSync(spec.dir, { recursive: true, force: true });
  })();
  stopping.set(child, done);
  return done;
}

function killGroup(pid: number | undefined): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, "SIGKILL");
  } catch {
    // ESRCH: the group is gone.
  }
}
