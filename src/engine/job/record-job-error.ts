/**
 * A job that fails before its first step (a strategy or `if` that cannot be evaluated, a matrix
 * without combinations) has no step, so the store would hold no trace of why. Its reason becomes the
 * log of a failed "Set up job" step, the name GitHub gives the phase before a job's steps, so that
 * `sluice logs RUN JOB` shows it after the live output is gone.
 */
import type { RunScope } from "../scope";

export async function recordJobError(run: RunScope, jobRecordId: string, reason: string): Promise<void> {
  const now = new Date().toISOString();
  const step = await run.store.createStep({
    jobId: jobRecordId,
    index: 0,
    stepKey: "__setup",
    name: "Set up job",
    status: "completed",
    outcome: "failure",
    conclusion: "failure",
    exitCode: null,
    startedAt: now,
    completedAt: now,
    outputs: {},
  });
  await run.store.appendLog(step.id, `##[error]${run.masker.mask(reason)}\n`);
}
