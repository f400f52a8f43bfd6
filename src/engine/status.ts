/** GitHub's status check functions for job-level and step-level `if:` conditions. */
import type { Conclusion } from "../store/types";

export interface StatusFunctions {
  success(): boolean;
  failure(): boolean;
  cancelled(): boolean;
}

/**
 * Job level: success() when every job it depends on (transitively) succeeded and the run isn't
 * cancelled; failure() when any of them failed; cancelled() when the run was cancelled.
 */
export function jobStatus(ancestorResults: Conclusion[], cancelled: boolean): StatusFunctions {
  return {
    success: () => !cancelled && ancestorResults.every((r) => r === "success"),
    failure: () => ancestorResults.some((r) => r === "failure"),
    cancelled: () => cancelled,
  };
}

/**
 * Step level: the job's status so far is failure when an earlier step concluded failure (a step with
 * continue-on-error concludes success). cancelled() covers run cancellation and job timeouts.
 */
export function stepStatus(previous: Array<{ conclusion: Conclusion }>, cancelled: boolean): StatusFunctions {
  const failed = previous.some((s) => s.conclusion === "failure");
  return {
    success: () => !cancelled && !failed,
    failure: () => failed,
    cancelled: () => cancelled,
  };
}
