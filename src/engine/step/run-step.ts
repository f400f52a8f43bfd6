/**
 * One step's life: evaluate `if`, record, run (script, built-in, local or vendored action), apply
 * file commands, conclude with GitHub's outcome/conclusion rules, record again.
 */
import path from "node:path";
import { formatProblem, isSluiceError } from "../../core/errors";
import type { Conclusion } from "../../store/types";
import { isTruthy } from "../../workflow/expression/data";
import { evaluateExpression } from "../../workflow/expression/evaluate";
import { evaluateString, evaluateStringMap, evaluateToken } from "../../workflow/expression/template";
import type { StepDef } from "../../workflow/model";
import { standardVariables } from "../contexts";
import { escapeData } from "../commands/workflow-commands";
import type { JobScope, PostStep, StepFrame } from "../scope";
import type { StepRef, StepResult } from "../types";
import { applyEnvFiles, envFileVariables, reportFileCommands, takeEnvFiles } from "./env-files";
import { stepEvalScope } from "./eval-scope";
import type { ProcessOutcome } from "./process";
import { runScript } from "./script-step";
import { StepOutput } from "./step-output";
import { runUses } from "./uses-step";

/** What running the body of a step produced, before outcome rules apply. */
export interface StepBodyResult extends ProcessOutcome {
  outputs?: Record<string, string>;
  /** A file command (GITHUB_OUTPUT, GITHUB_ENV…) held an invalid line: the step fails. */
  filesFailed?: boolean;
}

/** A step whose body is given in code (post phases) instead of `run:`/`uses:`. */
export interface SyntheticBody {
  name: string;
  /** `github.action` while it runs (a pre or post phase: its main step's id); else the def's id. */
  action?: string;
  body(output: StepOutput): Promise<Conclusion>;
}

export async function runStep(
  job: JobScope,
  frame: StepFrame,
  def: StepDef,
  namePrefix = "",
  synthetic?: SyntheticBody,
): Promise<StepResult> {
  const started = Date.now();
  const n = job.stepCounter++;
  // github.action (GITHUB_ACTION) names the running step: its id, or GitHub's generated `__run`,
  // `__run_2`, `__owner_repo`. The runner sets it before evaluating anything of the step.
  const github = job.contexts.github as Record<string, unknown>;
  const callerAction = github.action;
  github.action = synthetic?.action ?? def.id;
  // In a composite action the caller's env context stomps over the job's (runner's CompositeActionHandler).
  const baseEnv = frame.env ? { ...job.env, ...job.fileEnv, ...frame.env } : { ...job.env, ...job.fileEnv };
  const scope = stepEvalScope(job, frame, baseEnv);
  const ref: StepRef = {
    index: n,
    id: def.id,
    // A name may interpolate a secret: mask it like any output (it is printed and stored).
    name: namePrefix + job.run.masker.mask(synthetic?.name ?? displayName(def, scope)),
  };
  const record = await job.run.store.createStep({
    jobId: job.recordId,
    index: n,
    stepKey: def.id,
    name: ref.name,
    status: "in_progress",
    outcome: null,
    conclusion: null,
    exitCode: null,
    startedAt: new Date(started).toISOString(),
    completedAt: null,
    outputs: {},
  });
  job.run.reporter.stepStarted(job.ref, ref);
  const output = new StepOutput(job, ref, record.id);
  const callerOutput = job.runningStep;
  job.runningStep = job.lastStep = output;

  let outcome: Conclusion;
  let exitCode: number | null = null;
  let outputs: Record<string, string> = {};
  let continueOnError = false;
  try {
    continueOnError = isTruthy(evaluateToken(def.continueOnError, scope));
    const run = isTruthy(evaluateExpression(def.if, scope.contexts, scope.host));
    if (!run) {
      outcome = "skipped";
    } else if (synthetic) {
      let filesFailed = false;
      try {
        outcome = await synthetic.body(output);
      } finally {
        // A post phase runs with its main phase's environment, so it writes to the same files:
        // its GITHUB_ENV, GITHUB_PATH and summary apply as any step's; outputs and state go nowhere.
        filesFailed = reportFileCommands(output, applyEnvFiles(job, job.files));
      }
      if (filesFailed && outcome === "success") outcome = "failure";
    } else {
      const body = await runBody(job, frame, def, output, n, baseEnv);
      exitCode = body.exitCode;
      outputs = body.outputs ?? {};
      outcome = decideOutcome(job, body, output);
    }
  } catch (err) {
    // Expression and action-resolution errors fail the step with a clear message, as on GitHub.
    output.line(`::error::${escapeData(describeError(err))}`);
    outcome = "failure";
  }
  job.runningStep = callerOutput;
  await output.finish();
  const conclusion: Conclusion = outcome === "failure" && continueOnError ? "success" : outcome;
  const result: StepResult = {
    id: def.id,
    name: ref.name,
    outcome,
    conclusion,
    exitCode,
    durationMs: Date.now() - started,
    outputs,
  };
  frame.conclusions.push({ conclusion });
  if (def.hasUserId) frame.steps[def.id] = { outputs, outcome, conclusion };
  await job.run.store.updateStep(record.id, {
    status: "completed",
    outcome,
    conclusion,
    exitCode,
    // Later steps see the real values; the stored copy is masked like the logs.
    outputs: Object.fromEntries(Object.entries(outputs).map(([k, v]) => [k, job.run.masker.mask(v)])),
    completedAt: new Date().toISOString(),
  });
  job.run.reporter.stepFinished(job.ref, ref, result);
  github.action = callerAction;
  return result;
}

export function decideOutcome(job: JobScope, body: StepBodyResult, output: StepOutput): Conclusion {
  if (body.startError) {
    output.line(`::error::${escapeData(body.startError)}`);
    return "failure";
  }
  if (body.timedOut) {
    output.line("::error::The step exceeded its timeout-minutes and was stopped.");
    return "failure";
  }
  // A job timeout stops the step as a cancellation does: GitHub concludes both as cancelled.
  if (body.interrupted) return "cancelled";
  if (body.filesFailed) return "failure";
  return body.exitCode === 0 ? "success" : "failure";
}

async function runBody(
  job: JobScope,
  frame: StepFrame,
  def: StepDef,
  output: StepOutput,
  n: number,
  baseEnv: Record<string, string>,
): Promise<StepBodyResult> {
  const scope = stepEvalScope(job, frame, baseEnv);
  const stepEnv = evaluateStringMap(def.env, scope);
  const envContext = { ...baseEnv, ...stepEnv };
  const fullScope = stepEvalScope(job, frame, envContext);
  const timeoutMinutes = evaluateToken(def.timeoutMinutes, fullScope);
  const timeoutMs =
    typeof timeoutMinutes === "number" && timeoutMinutes > 0 ? timeoutMinutes * 60_000 : undefined;
  const files = job.files;
  const env = processEnv(job, frame, envContext, envFileVariables(files));
  const state: Record<string, string> = {};

  const workspace = job.run.identity.workspace;
  let body: StepBodyResult;
  try {
    if (def.run) {
      // defaults.run applies to the workflow's own steps, not to the steps of a composite action.
      const defaults = frame.actionPath ? {} : job.defaults;
      const wd = evaluateString(def.workingDirectory, fullScope) ?? defaults.workingDirectory;
      body = await runScript(job, output, {
        script: evaluateString(def.run, fullScope) ?? "",
        shell: evaluateString(def.shell, fullScope) ?? defaults.shell,
        cwd: wd ? path.resolve(workspace, wd) : workspace,
        env,
        timeoutMs,
        n,
      });
    } else {
      const inputs = evaluateStringMap(def.with, fullScope);
      body = await runUses(job, frame, def, { inputs, env, envContext, output, timeoutMs, n, state });
    }
  } catch (err) {
    // What the step wrote before it failed is not applied, and must not reach the next step.
    takeEnvFiles(files);
    throw err;
  }
  const applied = applyEnvFiles(job, files);
  // GITHUB_STATE (and ::save-state::) of the main phase reach the post phase as STATE_* variables.
  Object.assign(state, output.state, applied.state);
  const filesFailed = reportFileCommands(output, applied);
  return { ...body, filesFailed, outputs: { ...body.outputs, ...output.outputs, ...applied.outputs } };
}

/** The standard variables of a job's own steps: the same for each of them (the github and runner contexts are). */
const jobStandardVariables = new WeakMap<JobScope, Record<string, string>>();

/** The process environment of a step: host, standard variables, workflow/job/step env, file commands. */
export function processEnv(
  job: JobScope,
  frame: StepFrame,
  envContext: Record<string, string>,
  files: Record<string, string>,
): Record<string, string> {
  const github = job.contexts.github as Record<string, unknown>;
  const runner = job.contexts.runner as Record<string, unknown>;
  let standard = frame.actionPath ? undefined : jobStandardVariables.get(job);
  if (!standard) {
    standard = standardVariables(
      frame.actionPath ? { ...github, action_path: frame.actionPath } : github,
      runner,
    );
    if (!frame.actionPath) jobStandardVariables.set(job, standard);
  }
  // Assigned key by key, not spread: spreading ~100 keys into a literal allocated ≈ 80 kB per step
  // (one hidden-class transition per key), a fifth of a 300-job run's garbage.
  const env: Record<string, string> = {};
  for (const source of [job.run.hostEnv, envContext, standard, files]) {
    for (const key in source) env[key] = source[key]!;
  }
  // The cached variables are the job's; the step's own name is set per step (see runStep).
  env.GITHUB_ACTION = String(github.action ?? "");
  // GITHUB_* and RUNNER_* cannot be overridden, but GitHub documents that `env:` may override CI.
  if (envContext.CI !== undefined) env.CI = envContext.CI;
  if (frame.actionPath) env.GITHUB_ACTION_PATH = frame.actionPath;
  if (job.paths.length > 0) env.PATH = [...job.paths, env.PATH ?? ""].join(path.delimiter);
  return env;
}

function displayName(def: StepDef, scope: ReturnType<typeof stepEvalScope>): string {
  if (def.name) {
    try {
      return evaluateString(def.name, scope) ?? def.id;
    } catch {
      return def.id;
    }
  }
  if (def.uses) return `Run ${def.uses}`;
  const run = def.run as { value?: unknown; source?: string } | undefined;
  const text = run?.source ?? (run?.value !== undefined ? String(run.value) : def.id);
  return `Run ${text.split("\n")[0]!.trim()}`;
}

/** Runs a registered post phase as its own step, if its post-if holds for the job's final status. */
export async function runPostStep(job: JobScope, frame: StepFrame, post: PostStep): Promise<StepResult> {
  const def: StepDef = {
    id: `__post_${job.stepCounter}`,
    hasUserId: false,
    index: job.stepCounter,
    name: undefined,
    if: post.condition,
    location: { file: "" },
  };
  return runStep(job, frame, def, "", {
    name: post.name,
    action: post.action,
    body: (output) => post.run(output),
  });
}

/** An error as one message: code, message and every located problem it carries. */
function describeError(err: unknown): string {
  if (!isSluiceError(err)) return err instanceof Error ? err.message : String(err);
  const problems = err.problems.map((p) => `\n  ${formatProblem(p)}`).join("");
  return `${err.code}: ${err.message}${problems}`;
}
