/**
 * The part of a ProcessHandle that is the same however the process was spawned: every process leads
 * its own process group, so stopping and killing go to the group by pid, from this process.
 */
import type { ProcessExit, ProcessHandle } from "../types";

/** A process group: its id (the leader's pid) and its leader's start time (null: unknown). */
export interface GroupIdentity {
  pgid: number;
  startTime: string | null;
}

/** Told when a group starts and when it was killed for good (killGroup), for the executor's books. */
export interface GroupTracker {
  started(group: GroupIdentity): void;
  ended(pgid: number): void;
}

export interface GroupHandleParts {
  /** The pid once known (undefined before the process started, or when it never did). */
  pid(): number | undefined;
  /** Resolves with the pid as soon as it is known; with undefined when the process never started. */
  started: Promise<number | undefined>;
  /** The leader's start time, read as it started (before it could be reaped); null when unknown. */
  startTime(): string | null;
  exit: Promise<ProcessExit>;
  tracker?: GroupTracker;
}

export function createGroupHandle(parts: GroupHandleParts): ProcessHandle {
  const { tracker } = parts;
  let killed = false;
  if (tracker) {
    void parts.started.then((pid) => {
      if (pid !== undefined && !killed) tracker.started({ pgid: pid, startTime: parts.startTime() });
    });
  }
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
        // As the GitHub runner does (ProcessInvoker: SIGINT, 7.5 s, SIGTERM, 2.5 s, SIGKILL): SIGINT
        // first, SIGTERM after three quarters of the grace period, SIGKILL at its end.
        signalGroup("SIGINT");
        if (await settlesWithin(exit, graceMs * 0.75)) return;
        signalGroup("SIGTERM");
        if (await settlesWithin(exit, graceMs * 0.25)) return;
        signalGroup("SIGKILL");
        await exit;
      })();
      return stopping;
    },
    killGroup: () => {
      signalGroup("SIGKILL");
      // Background children included, the group is gone now: nothing left to recover after a crash.
      const pid = parts.pid();
      if (!killed && pid !== undefined) tracker?.ended(pid);
      killed = true;
    },
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
