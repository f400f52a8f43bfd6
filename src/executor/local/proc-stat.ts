/**
 * What Linux's /proc says about a process, to tell a step's process group from an unrelated one that
 * reuses its id: a pid names another process once the first is gone, but a (pid, start time) pair
 * never does. Elsewhere (no /proc) nothing can be checked, and callers then signal nothing.
 */
import { readdirSync, readFileSync } from "node:fs";

export interface ProcStat {
  /** One letter: R, S, D, Z (zombie: exited, not yet reaped)… */
  state: string;
  pgrp: number;
  /** Clock ticks after boot at which the process started (field 22 of /proc/<pid>/stat). */
  startTime: string;
}

export function readProcStat(pid: number): ProcStat | null {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, "latin1");
  } catch {
    return null;
  }
  // The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
  const fields = text.slice(text.lastIndexOf(")") + 2).split(" ");
  const [state, , pgrp] = fields;
  const startTime = fields[19];
  if (state === undefined || pgrp === undefined || startTime === undefined) return null;
  return { state, pgrp: Number(pgrp), startTime };
}

/** The start time of a live process, or null (gone, or no /proc). */
export function startTimeOf(pid: number): string | null {
  return readProcStat(pid)?.startTime ?? null;
}

/**
 * Whether the process group `pgid` is still the one whose leader started at `startTime`, with a
 * member that has not exited. Its leader alive with that start time: yes. Its leader gone: the group
 * lives on in the leader's descendants (a pid stays reserved while it names a live group), started
 * no earlier than the leader; a group whose leader started at another time is someone else's.
 */
export function groupIsAlive(pgid: number, startTime: string): boolean {
  const leader = readProcStat(pgid);
  if (leader)
    return leader.startTime === startTime && (leader.state !== "Z" || hasLiveMember(pgid, startTime));
  return hasLiveMember(pgid, startTime);
}

function hasLiveMember(pgid: number, startTime: string): boolean {
  let pids: string[];
  try {
    pids = readdirSync("/proc");
  } catch {
    return false;
  }
  const since = BigInt(startTime);
  for (const name of pids) {
    if (!/^\d+$/.test(name)) continue;
    const stat = readProcStat(Number(name));
    if (stat && stat.pgrp === pgid && stat.state !== "Z" && BigInt(stat.startTime) >= since) return true;
  }
  return false;
}

/** Sends `signal` to the group; false when it no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch {
    return false;
  }
}
