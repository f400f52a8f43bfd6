/** Restart backoff, pure: doubling from `baseMs` up to `maxMs`, as Kubernetes' CrashLoopBackOff. */

/** Delay before restart number `consecutiveCrashes` (1 for the first crash in a row). */
export function restartDelay(consecutiveCrashes: number, baseMs: number, maxMs: number): number {
  if (consecutiveCrashes <= 1) return Math.min(baseMs, maxMs);
  // Cap the exponent so a long crash loop cannot overflow to Infinity.
  return Math.min(maxMs, baseMs * 2 ** Math.min(consecutiveCrashes - 1, 30));
}

/** An instance that ran this long before it exited was not crash-looping: its backoff starts over. */
export const STABLE_AFTER_MS = 10_000;
