/**
 * Starting one instance process, or taking over one a previous controller started. Either way the
 * result is a `RunningProcess`: a pid that leads its own process group, and a promise of its exit.
 */
import { spawn } from "node:child_process";
import { closeSync, mkdirSync, openSync } from "node:fs";
import path from "node:path";
import { isRunning, processStartTime, sleep } from "./proc";

export interface RunningProcess {
  /** The process id, which is also its process group id. */
  pid: number;
  /** /proc start time, to recognise the process after a controller restart (null without /proc). */
  startTime: string | null;
  /** Resolves once the process has exited, with a description of how. Never rejects. */
  exited: Promise<string>;
}

export interface SpawnSpec {
  /** Executable and arguments. */
  argv: string[];
  /** Working directory. */
  cwd: string;
  /** The complete environment. */
  env: Record<string, string>;
  /** Append output here (instances then survive the controller: no pipe to break). */
  logFile: string | null;
  /** Output lines, when output is piped (no `logFile`). */
  onLine: (stream: "stdout" | "stderr", line: string) => void;
}

/** Turns a DeploySpec command into argv: arrays as they are, strings through `sh -c exec …`. */
export function toArgv(command: string | string[]): string[] {
  if (Array.isArray(command)) return command;
  return ["/bin/sh", "-c", `exec ${command}`];
}

/** Spawns a process leading its own group. Resolves once it started; an exec failure is an exit. */
export function spawnProcess(spec: SpawnSpec): Promise<RunningProcess | { error: string }> {
  const [file, ...args] = spec.argv;
  if (file === undefined) return Promise.resolve({ error: "empty command" });
  let fd: number | null = null;
  try {
    if (spec.logFile !== null) {
      mkdirSync(path.dirname(spec.logFile), { recursive: true });
      fd = openSync(spec.logFile, "a");
    }
  } catch (e) {
    return Promise.resolve({
      error: `cannot open ${spec.logFile}: ${(e as NodeJS.ErrnoException).code ?? String(e)}`,
    });
  }
  const child = spawn(file, args, {
    cwd: spec.cwd,
    env: spec.env,
    // Its own process group: stop and kill reach whatever it starts, and no terminal signal reaches it.
    detached: true,
    stdio: fd === null ? ["ignore", "pipe", "pipe"] : ["ignore", fd, fd],
  });
  if (fd !== null) closeSync(fd);
  pipeLines(child.stdout, (l) => spec.onLine("stdout", l));
  pipeLines(child.stderr, (l) => spec.onLine("stderr", l));
  return new Promise((resolve) => {
    child.once("error", (e: NodeJS.ErrnoException) => resolve({ error: `${e.code ?? e.message}: ${file}` }));
    child.once("spawn", () => {
      const pid = child.pid as number;
      const exited = new Promise<string>((done) => {
        child.once("exit", (code, signal) =>
          done(code === null ? `killed by ${signal}` : `exit status ${code}`),
        );
      });
      // Without a log file the parent must not wait for it on exit; the pipes hold it anyway.
      child.unref();
      resolve({ pid, startTime: processStartTime(pid), exited });
    });
  });
}

function pipeLines(stream: NodeJS.ReadableStream | null, onLine: (line: string) => void): void {
  if (stream === null) return;
  let rest = "";
  stream.on("data", (chunk: Buffer) => {
    const lines = (rest + chunk.toString("utf8")).split("\n");
    rest = lines.pop() ?? "";
    for (const l of lines) onLine(l);
  });
  stream.on("end", () => {
    if (rest !== "") onLine(rest);
  });
}

/** True when `pid` runs and is the process recorded with `startTime` (not a reuse of its pid). */
export function isSameProcess(pid: number, startTime: string | null): boolean {
  if (!isRunning(pid)) return false;
  const now = processStartTime(pid);
  return startTime === null || now === null || now === startTime;
}

/**
 * Takes over a process started by an earlier controller. It is not our child, so its exit is seen by
 * polling; null when the pid is gone or now belongs to another process.
 */
export function adoptProcess(pid: number, startTime: string | null, pollMs = 200): RunningProcess | null {
  if (!isSameProcess(pid, startTime)) return null;
  const now = processStartTime(pid);
  const exited = (async () => {
    while (isRunning(pid) && processStartTime(pid) === now) await sleep(pollMs);
    return "exited (adopted: status unknown)";
  })();
  return { pid, startTime: now, exited };
}
