/**
 * Whether a process with this pid exists, for {@link Store.recoverOrphans}. Signal 0 checks without
 * delivering anything: ESRCH means no such process; EPERM means it exists but belongs to another user,
 * which still counts as alive (never repair a run someone else may be executing).
 */
export function isPidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
