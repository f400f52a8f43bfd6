/**
 * A job that calls a reusable workflow (`uses: ./.github/workflows/x.yml`): typed inputs from `with:`,
 * secrets from `secrets:` or `inherit` (masked), the callee's jobs run inside the same run (ids
 * `caller/job`, names `caller (matrix) / job`),
 * and `on.workflow_call.outputs` evaluated over the callee's `jobs` context.
 */
import { isBasicExpression } from "@actions/workflow-parser";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/index";
import { runLevelHost } from "../../workflow/expression/evaluate";
import { createError, isSluiceError } from "../../core/errors";
import { coerceToString } from "../../workflow/expression/data";
import { evaluateStringMap, evaluateToken } from "../../workflow/expression/template";
import type { EvalScope } from "../../workflow/expression/template";
import type { WorkflowDef } from "../../workflow/model";
import { githubContext } from "../contexts";
import type { Conclusion } from "../../store/types";
import type { RunScope } from "../scope";
import type { JobResult } from "../types";
import { executeJobs } from "./execute-jobs";
import type { JobInstancePlan } from "./run-job";
import { coerceInputs } from "../inputs";

export async function runReusableJob(
  run: RunScope,
  caller: WorkflowDef,
  plan: JobInstancePlan,
  signal: AbortSignal,
): Promise<{ result: JobResult; nested: JobResult[] }> {
  const started = Date.now();
  const def = plan.def;
  run.reporter.jobStarted(plan.ref);
  const scope: EvalScope = {
    contexts: {
      github: githubContext(run.identity, def.id),
      needs: plan.needs,
      matrix: plan.matrix ?? {},
      strategy: plan.strategy,
      inputs: run.inputs,
      vars: run.vars,
      secrets: run.secrets,
    },
    host: runLevelHost(() => signal.aborted),
  };
  const fail = async (message: string) => {
    run.reporter.annotation(plan.ref, null, { level: "error", message });
    const annotations = [{ level: "error" as const, message }];
    const result = await finishCaller(run, plan, started, "failure", {}, annotations);
    return { result, nested: [] };
  };
  let callee: WorkflowDef;
  let inputs: Record<string, unknown>;
  let secrets: Record<string, string>;
  try {
    callee = await run.loadWorkflow(def.uses!.replace(/^\.\//, ""));
    const call = callee.events.workflow_call;
    if (!call)
      throw createError(
        "SLUICE_E_REUSABLE_WORKFLOW",
        `${callee.path} has no on.workflow_call trigger, so it cannot be called`,
      );
    const given = evaluateStringMapRaw(def.with, scope);
    // Expression defaults (`default: ${{ github.ref_name }}`) are evaluated for the call.
    const givenNames = new Set(Object.keys(given).map((k) => k.toLowerCase()));
    for (const [name, spec] of Object.entries(call.inputs ?? {})) {
      const fallback: unknown = spec.default;
      const isToken = typeof fallback === "object" && fallback !== null;
      if (!givenNames.has(name.toLowerCase()) && isToken && isBasicExpression(fallback as TemplateToken)) {
        given[name] = evaluateToken(fallback as TemplateToken, scope);
      }
    }
    inputs = coerceInputs(call.inputs ?? {}, given, `${def.id}.with`);
    secrets = def.secrets === "inherit" ? run.secrets : evaluateStringMap(def.secrets, scope);
    // Whatever reaches the callee's secrets context is a secret there, literal values included.
    for (const value of Object.values(secrets)) run.masker.add(value);
    // Checked when the workflow was loaded (workflow/call-args.ts); kept for callers that bypass it.
    const declared = new Set(Object.keys(call.secrets ?? {}).map((k) => k.toLowerCase()));
    const passed = new Set(Object.keys(secrets).map((k) => k.toLowerCase()));
    for (const [name, spec] of Object.entries(call.secrets ?? {})) {
      if (spec.required && !passed.has(name.toLowerCase()))
        throw createError("SLUICE_E_REUSABLE_WORKFLOW", `secret "${name}" is required by ${callee.path}`);
    }
    if (def.secrets !== "inherit") {
      const undeclared = Object.keys(secrets).filter((k) => !declared.has(k.toLowerCase()));
      if (undeclared.length > 0)
        throw createError(
          "SLUICE_E_REUSABLE_WORKFLOW",
          `secret "${undeclared[0]}" is not defined in the referenced workflow ${callee.path}`,
        );
    }
  } catch (err) {
    return fail(
      isSluiceError(err)
        ? `${err.code}: ${err.message}${err.problems.map((p) => `\n  ${p.message}`).join("")}`
        : String(err),
    );
  }
  const child: RunScope = { ...run, inputs, secrets, masker: run.masker };
  const workflowEnv = evaluateStringMap(callee.env, {
    ...scope,
    contexts: { ...scope.contexts, inputs, secrets, env: {} },
  });
  const outcome = await executeJobs(child, {
    workflow: callee,
    jobs: callee.jobs,
    workflowEnv,
    prefix: `${def.id}/`,
    // GitHub shows a called job as `caller / job`, the caller's matrix values included.
    namePrefix: `${plan.ref.name} / `,
    keyPrefix: `${plan.ref.key}/`,
    signal,
  });
  const outputs: Record<string, string> = {};
  const outScope: EvalScope = {
    contexts: { ...scope.contexts, inputs, jobs: outcome.byJob },
    host: scope.host,
  };
  const declared = evaluateToken(callee.callOutputs, { ...outScope, host: outScope.host }) as Record<
    string,
    { value?: unknown }
  > | null;
  for (const [name, spec] of Object.entries(declared ?? {}))
    outputs[name] = coerceToString(spec?.value ?? "");
  const result = await finishCaller(run, plan, started, outcome.conclusion, outputs, []);
  return { result, nested: outcome.results };
}

function evaluateStringMapRaw(
  token: Parameters<typeof evaluateToken>[0],
  scope: EvalScope,
): Record<string, unknown> {
  const v = evaluateToken(token, scope);
  return v && typeof v === "object" && !Array.isArray(v) ? v : {};
}

/** Records and reports the calling job once its reusable workflow has concluded (or failed to start). */
async function finishCaller(
  run: RunScope,
  plan: JobInstancePlan,
  started: number,
  conclusion: Conclusion,
  outputs: Record<string, string>,
  annotations: JobResult["annotations"],
): Promise<JobResult> {
  const result: JobResult = {
    id: plan.ref.id,
    name: plan.ref.name,
    matrix: plan.matrix,
    conclusion,
    outputs,
    durationMs: Date.now() - started,
    steps: [],
    annotations,
  };
  const completedAt = new Date().toISOString();
  // A caller with a concurrency group was recorded when it joined the group.
  if (plan.recordId)
    await run.store.updateJob(plan.recordId, { status: "completed", conclusion, completedAt, outputs });
  else
    await run.store.createJob({
      runId: run.identity.runId,
      jobKey: plan.def.id,
      name: plan.ref.name,
      matrix: plan.matrix,
      status: "completed",
      conclusion,
      startedAt: new Date(started).toISOString(),
      completedAt,
      outputs,
    });
  run.reporter.jobFinished(plan.ref, result);
  return result;
}
