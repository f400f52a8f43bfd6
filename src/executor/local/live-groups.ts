/**
 * Every step process group this process has started and not yet ended, across executors: what a
 * second Ctrl-C kills at once (src/cli/main.ts). Kept free of other imports so the CLI's entry point
 * can hold it without loading the engine.
 */
import { readProcStat, signalGroup } from "./proc-stat";

/** pgid → start time of its leader (null where /proc cannot tell). */
const live = new Map<number, string | null>();
/** Open executors: while there are any, this process runs steps (`sluice run`). */
let executors = 0;

/** An executor opened (+1) or closed (-1). */
export function countExecutor(delta: 1 | -1): void {
  executors += delta;
}

export function addLiveGroup(pgid: number, startTime: string | null): void {
  live.set(pgid, startTime);
}

export function removeLiveGroup(pgid: number): void {
  live.delete(pgid);
}

/**
 * A forced stop (second Ctrl-C): when this process runs steps, kills their groups at once and returns
 * true (the run then concludes cancelled, recorded as usual); false when it runs none.
 */
export function forceStopSteps(): boolean {
  if (executors === 0) return false;
  killLiveGroups();
  return true;
}

/**
 * SIGKILLs every live step process group now, without the grace period: signal traps cannot delay
 * it. A group whose id now names a leader with another start time is someone else's and is left
 * alone (a group whose leader exited is signalled, as job cleanup does). Returns how many groups
 * were signalled.
 */
export function killLiveGroups(): number {
  let killed = 0;
  for (const [pgid, startTime] of live) {
    const leader = startTime === null ? null : readProcStat(pgid);
    if (leader && leader.startTime !== startTime) continue;
    if (signalGroup(pgid, "SIGKILL")) killed += 1;
  }
  return killed;
}
