/**
 * Process plumbing for the process target: signalling a whole process group, telling whether a pid is
 * still the process we started (pids are reused), and waiting with a bound.
 */
import { readdirSync, readFileSync } from "node:fs";

/** Sends `signal` to the process group led by `pid`; false when the group is gone. */
export function signalGroup(pid: number, signal: NodeJS.Signals | 0): boolean {
  try {
    process.kill(-pid, signal);
    return true;
  } catch {
    return false;
  }
}

export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    // EPERM: it exists but is not ours to signal — still alive.
    return (e as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * True while any process of the group led by `pid` runs (a leader's children outlive it). Zombies do
 * not count: where PID 1 does not reap (some containers) they linger but run nothing.
 */
export function groupAlive(pid: number): boolean {
  if (!signalGroup(pid, 0)) return false;
  let entries: string[];
  try {
    entries = readdirSync("/proc");
  } catch {
    return true; // no /proc: the signal probe is all there is
  }
  for (const e of entries) {
    if (!/^\d+$/.test(e)) continue;
    const stat = readStat(Number(e));
    if (stat !== null && stat.pgrp === pid && stat.state !== "Z") return true;
  }
  return false;
}

/** True while `pid` exists and is not a zombie. */
export function isRunning(pid: number): boolean {
  if (!isAlive(pid)) return false;
  const stat = readStat(pid);
  return stat === null || stat.state !== "Z";
}

function readStat(pid: number): { state: string; pgrp: number; startTime: string } | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // The command name (field 2) may hold spaces and parentheses: count fields after its last ')'.
    const rest = stat.slice(stat.lastIndexOf(")") + 2).split(" ");
    return { state: rest[0] ?? "?", pgrp: Number(rest[2]), startTime: rest[19] ?? "" };
  } catch {
    return null;
  }
}

/**
 * The kernel's start time of `pid` (clock ticks since boot, /proc/<pid>/stat field 22), or null where
 * there is no /proc. With the pid it identifies a process: a reused pid has another start time.
 */
export function processStartTime(pid: number): string | null {
  return readStat(pid)?.startTime ?? null;
}

/** Resolves true when `p` settles within `ms`, false otherwise. */
export async function settlesWithin(p: Promise<unknown>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<boolean>((resolve) => (timer = setTimeout(() => resolve(false), ms)));
  const result = await Promise.race([p.then(() => true), timeout]);
  clearTimeout(timer);
  return result;
}

export const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));
