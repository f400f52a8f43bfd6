/**
 * A router process outlives an agent killed with SIGKILL (HAProxy and nginx are their own process
 * groups, so they keep serving). Each records its process here, under the environment's state
 * directory, so the next agent — or `sluice stop` — can find and end it instead of failing on the
 * address it still holds. The start time guards against a recycled pid.
 */
import { readFileSync, rmSync, writeFileSync } from "node:fs";

interface Recorded {
  pid: number;
  startTime: string | null;
}

/** The process's start time (clock ticks since boot, Linux), null when unknown or gone. */
export function processStartTime(pid: number): string | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2).split(" ")[19] ?? null;
  } catch {
    return null;
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

export function recordRouterProcess(file: string, pid: number): void {
  const record: Recorded = { pid, startTime: processStartTime(pid) };
  writeFileSync(file, JSON.stringify(record) + "\n");
}

export function forgetRouterProcess(file: string): void {
  rmSync(file, { force: true });
}

/** The recorded process, when it still runs (and is the same process). */
export function recordedRouterProcess(file: string): number | null {
  let record: Recorded;
  try {
    record = JSON.parse(readFileSync(file, "utf8")) as Recorded;
  } catch {
    return null;
  }
  if (!Number.isInteger(record.pid) || record.pid <= 1 || !alive(record.pid)) return null;
  const start = processStartTime(record.pid);
  if (record.startTime !== null && start !== null && start !== record.startTime) return null;
  return record.pid;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

function signal(pid: number, sig: NodeJS.Signals): void {
  try {
    process.kill(-pid, sig); // its process group: the master and its workers
  } catch {
    try {
      process.kill(pid, sig);
    } catch {
      // Gone.
    }
  }
}

/**
 * Stops a router process a killed agent left: `softSignal` first (it stops listening and finishes
 * what it serves), SIGTERM after `graceMs`, SIGKILL a second later. Resolves with its pid once it
 * is gone (null: there was none); the record is removed either way.
 */
export async function stopOrphanRouter(
  file: string,
  graceMs: number,
  softSignal: NodeJS.Signals = "SIGTERM",
): Promise<number | null> {
  const pid = recordedRouterProcess(file);
  if (pid !== null) {
    const gone = async (ms: number): Promise<boolean> => {
      const deadline = Date.now() + ms;
      while (Date.now() < deadline) {
        if (!alive(pid)) return true;
        await sleep(20);
      }
      return !alive(pid);
    };
    signal(pid, softSignal);
    if (!(await gone(graceMs))) {
      signal(pid, "SIGTERM");
      if (!(await gone(1000))) {
        signal(pid, "SIGKILL");
        await gone(1000);
      }
    }
  }
  forgetRouterProcess(file);
  return pid;
}
