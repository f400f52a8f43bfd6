/**
 * Job-level `concurrency:` groups: the job is recorded as queued, then waits for its group through
 * the same mechanism as workflow runs (../concurrency.ts), so groups hold across runs and `sluice
 * run` processes, and jobs and runs share them. While it waits or runs, a cancel request (a newer
 * job's cancel-in-progress, in any process) cancels the job.
 */
import type { Conclusion } from "../../store/types";
import { acquireGroup, notifyGroupChange, watchCancelRequest } from "../concurrency";
import type { ConcurrencySetting } from "../concurrency";
import type { RunScope } from "../scope";
import type { JobRef } from "../types";

export interface JobGroupRequest {
  setting: ConcurrencySetting;
  ref: JobRef;
  /** The workflow job id, for the job's record. */
  jobKey: string;
  matrix: Record<string, unknown> | null;
  /** The job instance's cancellation: aborted, the wait ends. */
  signal: AbortSignal;
  /** Cancels the job instance (running or waiting). */
  cancel(): void;
}

/** The job holds its group: run it on `recordId`, then release. */
export interface JobGroupGranted {
  recordId: string;
  release(): void;
}

/** The job did not get its group; its record is already completed with `conclusion`. */
export interface JobGroupDenied {
  recordId: string;
  conclusion: Conclusion;
  reason: string;
}

export async function acquireJobGroup(
  run: RunScope,
  req: JobGroupRequest,
): Promise<JobGroupGranted | JobGroupDenied> {
  const { setting, ref } = req;
  const record = await run.store.createJob({
    runId: run.identity.runId,
    jobKey: req.jobKey,
    name: ref.name,
    matrix: req.matrix,
    status: "queued",
    conclusion: null,
    startedAt: null,
    completedAt: null,
    outputs: {},
  });
  const stopWatching = watchCancelRequest(run.stateDir, record.id, req.cancel);
  const outcome = await acquireGroup(run, { kind: "job", id: record.id }, setting, req.signal, (m) =>
    run.reporter.info(`${ref.name}: ${m}`),
  );
  if (outcome === "granted") {
    return {
      recordId: record.id,
      release: () => {
        stopWatching();
        notifyGroupChange();
      },
    };
  }
  stopWatching();
  const reason =
    outcome === "replaced"
      ? `replaced by a newer job in concurrency group "${setting.group}"`
      : outcome === "deadlock"
        ? // GitHub's words for a job that would wait for its own workflow run.
          `Canceling since a deadlock was detected for concurrency group: '${setting.group}' between a top level workflow and '${req.jobKey}'`
        : `cancelled while waiting for concurrency group "${setting.group}"`;
  await run.store.updateJob(record.id, {
    status: "completed",
    conclusion: "cancelled",
    completedAt: new Date().toISOString(),
  });
  notifyGroupChange();
  return { recordId: record.id, conclusion: "cancelled", reason };
}
