/**
 * The mutable scopes a run executes in. RunScope is shared by every job of a run; JobScope belongs to
 * one job instance; StepFrame is the `steps` context a step sees (the job's, or a composite action's).
 */
import type { Semaphore } from "../core/semaphore";
import type { WorkflowDef } from "../workflow/model";
import type { Executor, ProcessHandle } from "../executor/types";
import type { Store } from "../store/types";
import type { Conclusion } from "../store/types";
import type { Masker } from "./commands/mask";
import type { JobDirPool } from "./job/job-dirs";
import type { RunIdentity } from "./contexts";
import type { EnvFiles } from "./step/env-files";
import type { StepOutput } from "./step/step-output";
import type { Annotation, JobRef, RunReporter } from "./types";

export interface RunScope {
  identity: RunIdentity;
  store: Store;
  executor: Executor;
  reporter: RunReporter;
  masker: Masker;
  secrets: Record<string, string>;
  vars: Record<string, string>;
  inputs: Record<string, unknown>;
  /** Sluice's state directory (.sluice): caches, artifacts, vendored actions. */
  stateDir: string;
  /** Host environment every step inherits before workflow, job and step env apply. */
  hostEnv: Record<string, string>;
  /** Graceful stop period for cancelled steps before SIGKILL. */
  killGraceMs: number;
  debug: boolean;
  /** sluice.yml `run.shell` and `run.timeoutMinutes`: used where the workflow sets none. */
  defaultShell?: string;
  defaultTimeoutMinutes: number;
  /** Bounds how many job instances run at once across the whole run (--concurrency). */
  slots: Semaphore;
  /** Working directories for the run's job instances. */
  jobDirs: JobDirPool;
  /** Loads a reusable workflow by path relative to the repository root. */
  loadWorkflow(relPath: string): Promise<WorkflowDef>;
}

export interface StepContextEntry {
  outputs: Record<string, string>;
  outcome: Conclusion;
  conclusion: Conclusion;
}

export interface StepFrame {
  /** `steps.<id>` entries visible to expressions. */
  steps: Record<string, StepContextEntry>;
  /** Conclusions of the steps run so far, for success()/failure(). */
  conclusions: Array<{ conclusion: Conclusion }>;
  /** Inside a composite action: its inputs and directory. */
  inputs?: Record<string, unknown>;
  actionPath?: string;
  /**
   * Inside a composite action: the calling step's `env` context (workflow, job, GITHUB_ENV and the
   * `uses:` step's own `env:`). GitHub's runner lays it over the job's env for every inner step.
   */
  env?: Record<string, string>;
}

/** A `post:` phase registered by a step, run in reverse order after the job's main steps. */
export interface PostStep {
  name: string;
  /** `github.action` while it runs: its main step's id (GitHub runs both phases as one action). */
  action?: string;
  /** The post phase's `if:` expression (post-if), evaluated with the job's final status. */
  condition: string;
  /** Runs the phase, writing to its own step output. */
  run(output: StepOutput): Promise<Conclusion>;
}

export interface JobScope {
  run: RunScope;
  ref: JobRef;
  /** The job's record id in the store. */
  recordId: string;
  /**
   * Directory for this job instance's step scripts and file-command files; RUNNER_TEMP is inside
   * it. Used by one job at a time, and by later jobs of the run once emptied.
   */
  dir: string;
  /** GITHUB_ENV and the other file-command files: shared by the job's steps, empty between steps. */
  files: EnvFiles;
  /** Workflow + job `env`, evaluated. */
  env: Record<string, string>;
  /** Variables set through GITHUB_ENV by earlier steps. */
  fileEnv: Record<string, string>;
  /** Directories added through GITHUB_PATH, newest first. */
  paths: string[];
  /** Contexts fixed for the whole job: github, runner, vars, secrets, inputs, matrix, strategy, needs, job. */
  contexts: Record<string, unknown>;
  defaults: { shell?: string; workingDirectory?: string };
  annotations: Annotation[];
  posts: PostStep[];
  processes: Set<ProcessHandle>;
  /** Aborted when the run is cancelled, the job times out or fail-fast cancels it. */
  signal: AbortSignal;
  /** Why the job was interrupted, once it was. */
  interruption(): "cancelled" | "timeout" | null;
  /**
   * Output of the step running now (the innermost one inside a composite action); null between
   * steps. A job timeout is logged there, in the step it stopped.
   */
  runningStep: StepOutput | null;
  /** Output of the step that started last: job-level messages after the steps end its log. */
  lastStep: StepOutput | null;
  /** Markdown written to GITHUB_STEP_SUMMARY by the job's steps. */
  summary: string[];
  stepCounter: number;
}
