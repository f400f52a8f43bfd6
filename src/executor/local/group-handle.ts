/**
 * The part of a ProcessHandle that is the same however the process was spawned: every process leads
 * its own process group, so stopping and killing go to the group by pid, from this process.
 */
import type { ProcessExit, ProcessHandle } from "../types";

export interface GroupHandleParts {
  /** The pid once known (undefined before the process started, or when it never did). */
  pid(): number | undefined;
  /** Resolves with the pid as soon as it is known; with undefined when the process never started. */
  started: Promise<number | undefined>;
  exit: Promise<ProcessExit>;
}

export function createGroupHandle(parts: GroupHandleParts): ProcessHandle {
  let exited = false;
  const exit = parts.exit.then((e) => {
    exited = true;
    return e;
  });
  const signalGroup = (sig: NodeJS.Signals): void => {
    const pid = parts.pid();
    if (pid === undefined) return;
    // The group is usually gone already (killGroup runs at the end of every job), and the ESRCH
    // error's stack trace would cost more than the signal: skip capturing it.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    try {
      process.kill(-pid, sig);
    } catch {
      // ESRCH: the group is already gone.
    } finally {
      Error.stackTraceLimit = limit;
    }
  };
  let stopping: Promise<void> | undefined;
  return {
    get pid() {
      return parts.pid();
    },
    exit,
    stop(graceMs: number): Promise<void> {
      stopping ??= (async () => {
        // A stop can arrive before a helper-spawned process has reported its pid: wait for it.
        if ((await Promise.race([parts.started, exit.then(() => undefined)])) === undefined) return;
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

async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const done = p.then(() => true);
  const result = await Promise.race([done, timeout]);
  clearTimeout(timer);
  return result;
}
