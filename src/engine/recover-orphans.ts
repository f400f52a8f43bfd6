/**
 * Crash recovery for the engine: runs whose Sluice process died are completed as failed, but first
 * the step processes it left running are stopped (SIGTERM, SIGKILL after the grace period), so that
 * nothing of the dead run overlaps a run that takes over its concurrency groups.
 */
import path from "node:path";
import { stopOrphanedGroups } from "../executor/local/orphan-groups";
import { isPidAlive } from "../store/pid";
import type { Store } from "../store/types";

/** Where LocalExecutor records the process groups of running steps (group-records.ts). */
export function processRecordDir(stateDir: string): string {
  return path.join(stateDir, "processes");
}

/** Stops the step processes of every dead Sluice process of this repository; how many groups. */
export async function stopDeadProcesses(stateDir: string, graceMs: number): Promise<number> {
  return (await stopOrphanedGroups(processRecordDir(stateDir), graceMs)).stopped;
}

/**
 * Store.recoverOrphans with the dead runs' processes stopped before the runs are completed (which
 * releases their groups). Leftovers of runs that were recovered without that (`sluice runs`) are
 * stopped too. Returns the ids of the runs repaired.
 */
export async function recoverDeadRuns(store: Store, stateDir: string, graceMs: number): Promise<string[]> {
  await stopDeadProcesses(stateDir, graceMs);
  return store.recoverOrphans(isPidAlive, async () => {
    // A process that died since the first sweep.
    await stopDeadProcesses(stateDir, graceMs);
  });
}
