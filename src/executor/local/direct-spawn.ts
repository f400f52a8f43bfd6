/** Spawning a step process straight from this process (the fallback when the spawn helper cannot run). */
import { spawn } from "node:child_process";
import type { OutputSink, ProcessExit, ProcessHandle, ProcessSpec } from "../types";
import { createGroupHandle } from "./group-handle";
import type { GroupTracker } from "./group-handle";
import { startTimeOf } from "./proc-stat";

export function spawnDirect(spec: ProcessSpec, sink: OutputSink, tracker?: GroupTracker): ProcessHandle {
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
  // Read now, synchronously: the child cannot have been reaped yet, so the pid is still its own.
  const startTime = pid === undefined ? null : startTimeOf(pid);
  return createGroupHandle({
    pid: () => pid,
    started: Promise.resolve(pid),
    startTime: () => startTime,
    exit,
    tracker,
  });
}
