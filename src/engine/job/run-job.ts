/**
 * One job instance (one matrix cell): set up its scope, run its steps and post phases, evaluate its
 * outputs, conclude, and record everything. Cancellation and timeouts come in through `signal`.
 */
import { runLevelHost } from "../../workflow/expression/evaluate";
import { appendFileSync } from "node:fs";
import path from "node:path";
import { isSluiceError } from "../../core/errors";
import type { Conclusion } from "../../store/types";
import { coerceToString } from "../../workflow/expression/data";
import { evaluateStringMap, evaluateToken } from "../../workflow/expression/template";
import type { EvalScope } from "../../workflow/expression/template";
import type { JobDef, WorkflowDef } from "../../workflow/model";
import { githubContext, runnerContext } from "../contexts";
import type { JobScope, RunScope, StepFrame } from "../scope";
import type { JobDir } from "./job-dirs";
import { runPreSteps } from "../step/pre-steps";
import { runPostStep, runStep } from "../step/run-step";
import type { JobRef, JobResult, StepResult } from "../types";

export interface JobInstancePlan {
  def: JobDef;
  ref: JobRef;
  matrix: Record<string, unknown> | null;
  strategy: Record<string, unknown>;
  needs: Record<string, { result: Conclusion; outputs: Record<string, string> }>;
  /** The `env` context the job starts from (workflow env, evaluated). */
  workflowEnv: Record<string, string>;
  /** The job's record when its concurrency group created it (and marked it in progress). */
  recordId?: string;
}

export async function runJobInstance(
  run: RunScope,
  workflow: WorkflowDef,
  plan: JobInstancePlan,
  cancel: AbortSignal,
): Promise<JobResult> {
  const started = Date.now();
  const record = plan.recordId
    ? { id: plan.recordId }
    : await run.store.createJob({
        runId: run.identity.runId,
        jobKey: plan.def.id,
        name: plan.ref.name,
        matrix: plan.matrix,
        status: "in_progress",
        conclusion: null,
        startedAt: new Date(started).toISOString(),
        completedAt: null,
        outputs: {},
      });
  run.reporter.jobStarted(plan.ref);
  const jobDir = await run.jobDirs.acquire();
  const { job, frame, dispose, unloggedTimeout } = createJobScope(
    run,
    workflow,
    plan,
    record.id,
    jobDir,
    cancel,
  );
  const steps: StepResult[] = [];
  let setupFailed = false;
  try {
    const scope = jobEvalScope(job, plan.workflowEnv);
    job.env = { ...plan.workflowEnv, ...evaluateStringMap(plan.def.env, scope) };
    const jobScope = jobEvalScope(job, job.env);
    job.defaults = resolveDefaults(workflow, plan.def, jobScope, run.defaultShell);
    const timeout = evaluateToken(plan.def.timeoutMinutes, jobScope);
    job.startTimeout(typeof timeout === "number" && timeout > 0 ? timeout : run.defaultTimeoutMinutes);
  } catch (err) {
    setupFailed = true;
    const message = isSluiceError(err) ? `${err.code}: ${err.message}` : String(err);
    job.annotations.push({ level: "error", message });
    run.reporter.annotation(plan.ref, null, { level: "error", message });
  }
  if (!setupFailed) {
    // Actions' `pre:` phases run first, before any step (GitHub's "Pre <action>" steps).
    steps.push(...(await runPreSteps(job, frame, plan.def.steps)));
    for (const def of plan.def.steps) steps.push(await runStep(job, frame, def));
    for (const post of [...job.posts].reverse()) steps.push(await runPostStep(job, frame, post));
  }
  const conclusion = jobConclusion(job, steps, setupFailed);
  job.contexts.job = { status: conclusion };
  const timeoutMessage = unloggedTimeout();
  if (timeoutMessage) jobMessage(job, "error", timeoutMessage);
  const outputs = setupFailed ? {} : evaluateOutputs(job, frame, plan);
  await job.lastStep?.finish();
  await dispose();
  if (job.summary.length > 0) {
    appendFileSync(
      path.join(run.identity.runDir, "summary.md"),
      `## ${plan.ref.name}\n\n${job.summary.join("\n")}\n`,
    );
  }
  const result: JobResult = {
    id: plan.ref.id,
    name: plan.ref.name,
    matrix: plan.matrix,
    conclusion,
    outputs,
    durationMs: Date.now() - started,
    steps,
    annotations: job.annotations,
  };
  await run.store.updateJob(record.id, {
    status: "completed",
    conclusion,
    outputs,
    completedAt: new Date().toISOString(),
  });
  run.reporter.jobFinished(plan.ref, result);
  return result;
}

type ScopeWithTimeout = JobScope & { startTimeout(minutes: number): void };

function createJobScope(
  run: RunScope,
  workflow: WorkflowDef,
  plan: JobInstancePlan,
  recordId: string,
  jobDir: JobDir,
  cancel: AbortSignal,
) {
  const { dir, temp, files } = jobDir;
  const controller = new AbortController();
  let interruption: "cancelled" | "timeout" | null = null;
  const onCancel = () => {
    interruption ??= "cancelled";
    controller.abort();
  };
  if (cancel.aborted) onCancel();
  else cancel.addEventListener("abort", onCancel, { once: true });
  let timer: NodeJS.Timeout | undefined;
  let unloggedTimeout: string | null = null;
  const job: ScopeWithTimeout = {
    run,
    ref: plan.ref,
    recordId,
    dir,
    files,
    env: {},
    fileEnv: {},
    paths: [],
    contexts: {
      github: githubContext(run.identity, plan.def.id),
      runner: runnerContext(temp, path.join(run.stateDir, "tool-cache"), run.debug),
      vars: run.vars,
      secrets: run.secrets,
      inputs: run.inputs,
      matrix: plan.matrix ?? {},
      strategy: plan.strategy,
      needs: plan.needs,
      job: { status: "success" },
    },
    defaults: {},
    annotations: [],
    posts: [],
    processes: new Set(),
    signal: controller.signal,
    interruption: () => interruption,
    summary: [],
    stepCounter: 0,
    runningStep: null,
    lastStep: null,
    startTimeout(minutes: number) {
      timer = setTimeout(() => {
        if (interruption !== null) return; // cancelled first: not stopped for time
        interruption = "timeout";
        const runner = String((job.contexts.runner as { name?: unknown }).name);
        const message = `The job running on runner ${runner} has exceeded the maximum execution time of ${minutes} minutes.`;
        // Logged in the step it stops, at once; between steps, at the end of the job (runJobInstance).
        if (job.runningStep) job.runningStep.annotate("error", message);
        else unloggedTimeout = message;
        controller.abort();
      }, minutes * 60_000);
    },
  };
  const frame: StepFrame = { steps: {}, conclusions: [] };
  const dispose = async () => {
    if (timer) clearTimeout(timer);
    cancel.removeEventListener("abort", onCancel);
    // GitHub ends orphan processes (background servers a step started) when the job completes.
    for (const p of job.processes) p.killGroup();
    // Like the runner's temp directory, what the job's steps left goes with the job (scripts and
    // file-command files may hold secrets); the emptied directory serves a later job.
    await run.jobDirs.release(jobDir);
  };
  return { job, frame, dispose, unloggedTimeout: () => unloggedTimeout };
}

function jobEvalScope(job: JobScope, env: Record<string, string>): EvalScope {
  return {
    contexts: { ...job.contexts, env },
    host: runLevelHost(() => job.interruption() !== null),
  };
}

function resolveDefaults(
  workflow: WorkflowDef,
  def: JobDef,
  scope: EvalScope,
  defaultShell: string | undefined,
): JobScope["defaults"] {
  const pick = (job: unknown, wf: unknown) => {
    const v = job ?? wf;
    return v === undefined || v === null ? undefined : coerceToString(v);
  };
  return {
    shell:
      pick(
        evaluateToken(def.defaults.shell, scope) ?? undefined,
        evaluateToken(workflow.defaults.shell, scope) ?? undefined,
      ) ?? defaultShell,
    workingDirectory: pick(
      evaluateToken(def.defaults.workingDirectory, scope) ?? undefined,
      evaluateToken(workflow.defaults.workingDirectory, scope) ?? undefined,
    ),
  };
}

/**
 * A message of the job itself (not of one step): an annotation, also written at the end of the last
 * step's log, since stored logs are per step and GitHub's job log ends with such lines. The caller
 * awaits `job.lastStep.finish()` afterwards so that the line is stored.
 */
function jobMessage(job: JobScope, level: "error" | "warning", message: string): void {
  if (job.lastStep) {
    job.lastStep.annotate(level, message);
  } else {
    job.annotations.push({ level, message });
    job.run.reporter.annotation(job.ref, null, { level, message });
  }
}

function jobConclusion(job: JobScope, steps: StepResult[], setupFailed: boolean): Conclusion {
  if (setupFailed) return "failure";
  // GitHub cancels a job that runs out of time: `needs.<id>.result` is cancelled, not failure.
  if (job.interruption() !== null) return "cancelled";
  return steps.some((s) => s.conclusion === "failure") ? "failure" : "success";
}

/** Job outputs; as on GitHub, an output that would reveal a secret is dropped with a warning. */
function evaluateOutputs(job: JobScope, frame: StepFrame, plan: JobInstancePlan): Record<string, string> {
  const outputs: Record<string, string> = {};
  if (!plan.def.outputs) return outputs;
  const scope: EvalScope = { ...jobEvalScope(job, { ...job.env, ...job.fileEnv }) };
  scope.contexts.steps = frame.steps;
  let values: Record<string, string>;
  try {
    values = evaluateStringMap(plan.def.outputs, scope);
  } catch (err) {
    job.annotations.push({ level: "warning", message: `cannot evaluate job outputs: ${String(err)}` });
    return outputs;
  }
  for (const [name, value] of Object.entries(values)) {
    if (job.run.masker.mask(value) !== value) {
      jobMessage(job, "warning", `Skip output '${name}' since it may contain secret.`);
      continue;
    }
    outputs[name] = value;
  }
  return outputs;
}
