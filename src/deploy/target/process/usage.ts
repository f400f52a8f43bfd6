/**
 * Resource use of local processes from Linux's /proc: resident memory from /proc/<pid>/status (VmRSS,
 * exact in kB) and CPU from /proc/<pid>/stat (utime + stime in clock ticks), turned into cores by the
 * difference between two readings. Elsewhere (no /proc) nothing is measured and the resource trigger
 * stays quiet. Reading a few small files costs microseconds, far less than spawning `ps`.
 */
import { readFileSync } from "node:fs";
import type { ResourceUsage } from "../../strategy/types";

/** Clock ticks per second of /proc/<pid>/stat: USER_HZ, 100 on every Linux architecture Node runs on. */
const TICKS_PER_SECOND = 100;

interface Reading {
  ticks: number;
  at: number;
}

export class UsageMeter {
  readonly #last = new Map<number, Reading>();

  /** Current use of `pid`, or null when it cannot be read (gone, or no /proc). */
  measure(pid: number, now = Date.now()): ResourceUsage | null {
    const rssBytes = readRss(pid);
    const ticks = readTicks(pid);
    if (rssBytes === null || ticks === null) {
      this.#last.delete(pid);
      return null;
    }
    const prev = this.#last.get(pid);
    this.#last.set(pid, { ticks, at: now });
    const seconds = prev ? (now - prev.at) / 1000 : 0;
    // The first reading has nothing to compare with: report no CPU rather than a guess.
    const cpuCores = prev && seconds > 0 ? Math.max(0, ticks - prev.ticks) / TICKS_PER_SECOND / seconds : 0;
    return { rssBytes, cpuCores };
  }

  /** Forgets pids no longer measured, so the map does not grow with every restart. */
  keepOnly(pids: ReadonlySet<number>): void {
    for (const pid of this.#last.keys()) if (!pids.has(pid)) this.#last.delete(pid);
  }
}

function readRss(pid: number): number | null {
  try {
    const match = /^VmRSS:\s+(\d+)\s+kB/m.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
    return match ? Number(match[1]) * 1024 : null;
  } catch {
    return null;
  }
}

function readTicks(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ")".
    const fields = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    const utime = Number(fields[11]);
    const stime = Number(fields[12]);
    return Number.isFinite(utime) && Number.isFinite(stime) ? utime + stime : null;
  } catch {
    return null;
  }
}

/** The busier of two usages, field by field (a version reports its busiest instance). */
export function maxUsage(a: ResourceUsage | undefined, b: ResourceUsage): ResourceUsage {
  return a === undefined
    ? b
    : { rssBytes: Math.max(a.rssBytes, b.rssBytes), cpuCores: Math.max(a.cpuCores, b.cpuCores) };
}
