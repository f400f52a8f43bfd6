/** Shared types of the run engine: what a run is started with, what it reports and returns. */
import type { Conclusion } from "../store/types";
import type { CommitInfo } from "./git-info";

/** The event that triggers a run, as `sluice run --event/--ref/--sha` or a webhook gives it. */
export interface EventInfo {
  name: string;
  /** Full ref: refs/heads/main, refs/tags/v1.0.0, refs/pull/1/merge. */
  ref: string;
  sha: string;
  /** Pull requests: the base (target) and head branch names (head unknown on a detached HEAD). */
  baseRef?: string;
  headRef?: string;
  /** Pull request events: the pull request's number. */
  number?: number;
  /** The commit `sha` names, for push and pull request events, when git could read it. */
  headCommit?: CommitInfo | null;
  /** Activity type (pull_request: opened, synchronize…). */
  action?: string;
  /** Files changed by the event, for path filters; null when unknown. */
  changedFiles: string[] | null;
  /** The webhook-style payload exposed as `github.event`. */
  payload: Record<string, unknown>;
  actor: string;
}

export type { Annotation } from "./commands/workflow-commands";
import type { Annotation } from "./commands/workflow-commands";

export interface StepResult {
  id: string;
  name: string;
  outcome: Conclusion;
  conclusion: Conclusion;
  exitCode: number | null;
  durationMs: number;
  outputs: Record<string, string>;
}

export interface JobResult {
  /** The workflow job id (`build`); matrix instances share it. Nested reusable jobs are `caller/job`. */
  id: string;
  name: string;
  matrix: Record<string, unknown> | null;
  conclusion: Conclusion;
  outputs: Record<string, string>;
  durationMs: number;
  steps: StepResult[];
  annotations: Annotation[];
}

export interface RunResult {
  runId: string;
  runNumber: number;
  workflow: string;
  status: "completed";
  conclusion: Conclusion;
  durationMs: number;
  jobs: JobResult[];
}

/** A job instance as reporters see it. `key` is unique within the run. */
export interface JobRef {
  key: string;
  id: string;
  name: string;
}

export interface StepRef {
  index: number;
  id: string;
  name: string;
}

/** Live progress of a run; the CLI renders it (TTY live view or plain lines). Must not throw. */
export interface RunReporter {
  runStarted(info: { runId: string; runNumber: number; workflow: string; jobs: string[] }): void;
  jobStarted(job: JobRef): void;
  stepStarted(job: JobRef, step: StepRef): void;
  /** One masked output line of a step (workflow commands already processed). */
  stepOutput(job: JobRef, step: StepRef, line: string): void;
  annotation(job: JobRef, step: StepRef | null, annotation: Annotation): void;
  stepFinished(job: JobRef, step: StepRef, result: StepResult): void;
  jobFinished(job: JobRef, result: JobResult): void;
  runFinished(result: RunResult): void;
  /** Engine notes that belong to no step (waiting for a concurrency group, cancellation…). */
  info(message: string): void;
}

export const silentReporter: RunReporter = {
  runStarted() {},
  jobStarted() {},
  stepStarted() {},
  stepOutput() {},
  annotation() {},
  stepFinished() {},
  jobFinished() {},
  runFinished() {},
  info() {},
};
