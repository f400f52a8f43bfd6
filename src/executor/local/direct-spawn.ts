/** Spawning a step process straight from this process (the fallback when the spawn helper cannot run). */
import { spawn } from "node:child_process";
import type { OutputSink, ProcessExit, ProcessHandle, ProcessSpec } from "../types";
import { createGroupHandle } from "./group-handle";

export function spawnDirect(spec: ProcessSpec, sink: OutputSink): ProcessHandle {
  const child = spawn(spec.command, spec.args, {
    cwd: spec.cwd,
    env: spec.env,
    detached: true,
    stdio: ["ignore", "pipe", "pipe"],
  });
  child.stdout?.on("data", (c: Buffer) => sink.stdout(c));
  child.stderr?.on("data", (c: Buffer) => sink.stderr(c));
  const exit = new Promise<ProcessExit>((resolve) => {
    child.once("error", (error) => resolve({ exitCode: null, signal: null, error }));
    // 'close' waits for stdio to end, so no output is lost after the exit.
    child.once("close", (exitCode, signal) => resolve({ exitCode, signal }));
  });
  const pid = child.pid;
  return createGroupHandle({ pid: () => pid, started: Promise.resolve(pid), exit });
}
