/**
 * Runs step processes on the host. Each process leads its own process group (detached), so
 * cancellation signals reach everything a step started and nothing is left behind.
 */
import { spawn } from "node:child_process";
import type { Executor, OutputSink, ProcessExit, ProcessHandle, ProcessSpec } from "../types";

export const LOCAL_EXECUTOR = "local";

export class LocalExecutor implements Executor {
  readonly type = LOCAL_EXECUTOR;

  start(spec: ProcessSpec, sink: OutputSink): ProcessHandle {
    const child = spawn(spec.command, spec.args, {
      cwd: spec.cwd,
      env: spec.env,
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    child.stdout?.on("data", (c: Buffer) => sink.stdout(c));
    child.stderr?.on("data", (c: Buffer) => sink.stderr(c));
    let exited = false;
    const exit = new Promise<ProcessExit>((resolve) => {
      child.once("error", (error) => {
        exited = true;
        resolve({ exitCode: null, signal: null, error });
      });
      // 'close' waits for stdio to end, so no output is lost after the exit.
      child.once("close", (exitCode, signal) => {
        exited = true;
        resolve({ exitCode, signal });
      });
    });
    const pid = child.pid;
    const signalGroup = (sig: NodeJS.Signals): void => {
      if (pid === undefined) return;
      try {
        process.kill(-pid, sig);
      } catch {
        // ESRCH: the group is already gone.
      }
    };
    let stopping: Promise<void> | undefined;
    return {
      pid,
      exit,
      stop(graceMs: number): Promise<void> {
        stopping ??= (async () => {
          if (exited) return;
          // As the GitHub runner does: SIGINT first, SIGTERM at half the grace period, SIGKILL at the end.
          signalGroup("SIGINT");
          if (await settlesWithin(exit, graceMs / 2)) return;
          signalGroup("SIGTERM");
          if (await settlesWithin(exit, graceMs / 2)) return;
          signalGroup("SIGKILL");
          await exit;
        })();
        return stopping;
      },
      killGroup: () => signalGroup("SIGKILL"),
    };
  }
}

async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = p.then(() => true);
  const result = await Promise.race([done, timeout]);
  clearTimeout(timer);
  return result;
}
