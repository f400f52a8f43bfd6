/**
 * Consecutive-result bookkeeping, pure: a rollout trigger fires on N failures in a row, not on N
 * failures ever, so a single blip followed by passes costs nothing.
 */
import type { HealthResult } from "./types";

/** Counters over a stream of results. JSON-serialisable. */
export interface HealthTracker {
  /** Failures since the last pass. */
  consecutiveFailures: number;
  /** Passes since the last failure. */
  consecutiveSuccesses: number;
  /** Results seen. */
  total: number;
  /** Failures seen. */
  failures: number;
  /** The latest failure's reason (kept through later passes, for the timeline). */
  lastError: string | null;
}

export const emptyTracker: HealthTracker = Object.freeze({
  consecutiveFailures: 0,
  consecutiveSuccesses: 0,
  total: 0,
  failures: 0,
  lastError: null,
});

/** The tracker after one more result (the input is not changed). */
export function trackHealth(
  tracker: HealthTracker,
  result: Pick<HealthResult, "ok" | "error">,
): HealthTracker {
  if (result.ok) {
    return {
      ...tracker,
      consecutiveFailures: 0,
      consecutiveSuccesses: tracker.consecutiveSuccesses + 1,
      total: tracker.total + 1,
    };
  }
  return {
    consecutiveFailures: tracker.consecutiveFailures + 1,
    consecutiveSuccesses: 0,
    total: tracker.total + 1,
    failures: tracker.failures + 1,
    lastError: result.error ?? "failed",
  };
}

/** True once `threshold` (≥ 1) failures came in a row. */
export function isUnhealthy(tracker: HealthTracker, threshold: number): boolean {
  return threshold > 0 && tracker.consecutiveFailures >= threshold;
}

/** True once `threshold` passes came in a row (readiness: "healthy enough to serve"). */
export function isHealthy(tracker: HealthTracker, threshold: number): boolean {
  return tracker.consecutiveSuccesses >= Math.max(1, threshold);
}
