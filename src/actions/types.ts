/**
 * Built-in actions: Sluice's own implementations of popular remote actions (actions/checkout,
 * actions/setup-node, actions/cache, actions/upload-artifact, actions/download-artifact) so that
 * ordinary GitHub workflows run on the host with no network. Each lives in builtin/<name>.ts.
 */

import type { Store } from "../store/types";

export interface BuiltinContext {
  /** `with:` inputs after expression evaluation, keyed as written (GitHub input names are case-insensitive: use `input()`). */
  inputs: Record<string, string>;
  /** Reads an input case-insensitively; '' when absent (as @actions/core getInput does). */
  input(name: string): string;
  /** GITHUB_WORKSPACE: the repository checkout the job runs in. */
  workspace: string;
  /** The step's environment (host env + workflow/job/step env + GITHUB_* variables). */
  env: Record<string, string>;
  /** Sluice's state directory (default <repo>/.sluice); caches and artifacts live below it. */
  stateDir: string;
  runId: string;
  /** Writes a line to the step log (masked by the caller). */
  log(line: string): void;
  /** Sets a step output (`steps.<id>.outputs.<name>`). */
  setOutput(name: string, value: string): void;
  /** Adds a directory to PATH for later steps (as GITHUB_PATH). */
  addPath(dir: string): void;
  /** Sets an env var for later steps (as GITHUB_ENV). */
  exportVariable(name: string, value: string): void;
  /** State shared between the main and post phases of this step (as GITHUB_STATE / STATE_*). */
  saveState(name: string, value: string): void;
  getState(name: string): string;
  /** The run's store: built-ins that record results (gates) or read history (baselines) use it. */
  store: Store;
  /** Aborted when the run is cancelled or the step times out. */
  signal: AbortSignal;
}

/** What a phase of a built-in action concluded. A thrown SluiceError also fails the step, with its message logged. */
export interface BuiltinResult {
  outcome: "success" | "failure";
  /** Why it failed, shown to the user as an error annotation. */
  message?: string;
}

export interface BuiltinAction {
  /** `owner/repo` as written in `uses:` before the `@ref` (lower case). */
  name: string;
  main(ctx: BuiltinContext): Promise<BuiltinResult>;
  /** Runs after all the job's steps, in reverse order, like an action's `post:`. */
  post?(ctx: BuiltinContext): Promise<BuiltinResult>;
  /** GitHub's `post-if`; default `success()` for cache save semantics is decided per action. */
  postIf?: "always" | "success";
}
