/**
 * Stops the step process groups that a dead Sluice left running (recorded by group-records.ts): on
 * GitHub a cancelled or lost job leaves nothing behind, and a new run of the same concurrency group
 * must not overlap the old one's steps. Only files whose owner is gone are touched, and only groups
 * whose leader's start time still matches the record are signalled (pids are reused).
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { groupIsAlive, signalGroup, startTimeOf } from "./proc-stat";

const POLL_MS = 50;
/** After SIGKILL, how long to wait for the kernel to finish the processes off. */
const KILL_WAIT_MS = 2000;

export interface OrphanGroupsResult {
  /** Groups that were still running and were signalled. */
  stopped: number;
}

/**
 * For every record file in `dir` whose owning process is gone: SIGTERM to each recorded group that
 * still runs, SIGKILL after `graceMs` to those that remain, then the file is removed. Resolves once
 * the groups are gone (or, after SIGKILL, {@link KILL_WAIT_MS} passed). Safe to run from several
 * processes at once.
 */
export async function stopOrphanedGroups(dir: string, graceMs: number): Promise<OrphanGroupsResult> {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return { stopped: 0 };
  }
  const targets: Array<{ pgid: number; startTime: string }> = [];
  const files: string[] = [];
  for (const name of names) {
    const m = /^(\d+)-(\d+)-\d+$/.exec(name);
    if (!m || ownerAlive(Number(m[1]), m[2]!)) continue;
    const file = path.join(dir, name);
    files.push(file);
    let text = "";
    try {
      text = readFileSync(file, "utf8");
    } catch {
      continue; // removed by a concurrent recovery
    }
    for (const line of text.split("\n")) {
      const entry = /^(\d+) (\d+)$/.exec(line);
      if (!entry) continue;
      const pgid = Number(entry[1]);
      if (targets.some((t) => t.pgid === pgid) || !groupIsAlive(pgid, entry[2]!)) continue;
      targets.push({ pgid, startTime: entry[2]! });
    }
  }
  const running = () => targets.filter((t) => groupIsAlive(t.pgid, t.startTime));
  if (targets.length > 0) {
    // As when a run is cancelled: a chance to clean up, then SIGKILL for whatever is left.
    for (const t of targets) signalGroup(t.pgid, "SIGTERM");
    const left = await waitUntilGone(running, graceMs);
    for (const t of left) signalGroup(t.pgid, "SIGKILL");
    await waitUntilGone(running, KILL_WAIT_MS);
  }
  for (const file of files) rmSync(file, { force: true });
  return { stopped: targets.length };
}

/** The owner of a record file is alive if its pid names a process that started when it did. */
function ownerAlive(pid: number, startTime: string): boolean {
  return startTimeOf(pid) === startTime;
}

async function waitUntilGone<T>(running: () => T[], ms: number): Promise<T[]> {
  const deadline = Date.now() + ms;
  for (;;) {
    const left = running();
    if (left.length === 0 || Date.now() >= deadline) return left;
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
}
