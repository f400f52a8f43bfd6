/**
 * Actions defined by an action.yml on disk (`uses: ./path` or vendored): composite actions run their
 * steps in a nested `steps` scope; node actions run with the host's node (node-action.ts).
 */
import { createError } from "../../core/errors";
import type { Conclusion } from "../../store/types";
import { coerceToString } from "../../workflow/expression/data";
import { evaluateToken } from "../../workflow/expression/template";
import type { StepDef } from "../../workflow/model";
import type { JobScope, StepFrame } from "../scope";
import { loadActionManifest } from "./action-manifest";
import type { ActionManifest } from "./action-manifest";
import { stepEvalScope } from "./eval-scope";
import { runNodeMain } from "./node-action";
import { runStep } from "./run-step";
import type { StepBodyResult } from "./run-step";
import type { UsesOptions } from "./uses-step";

export async function runLocalAction(
  job: JobScope,
  frame: StepFrame,
  def: StepDef,
  dir: string,
  uses: string,
  opts: UsesOptions,
): Promise<StepBodyResult> {
  const manifest = loadActionManifest(dir, uses);
  const inputs = resolveInputs(job, frame, manifest, opts);
  const runs = manifest.template.runs;
  if (runs.using === "composite") return runComposite(job, def, manifest, inputs, opts);
  if (runs.using.startsWith("node")) return runNodeMain(job, def, manifest, uses, inputs, opts);
  throw createError(
    "SLUICE_E_ACTION_INVALID",
    `${uses}: "${runs.using}" actions need a container engine; Sluice runs composite and node actions on the host`,
  );
}

async function runComposite(
  job: JobScope,
  def: StepDef,
  manifest: ActionManifest,
  inputs: Record<string, string>,
  opts: UsesOptions,
): Promise<StepBodyResult> {
  // The inner steps see the calling step's env context (its `env:` included), as on GitHub.
  const inner: StepFrame = {
    steps: {},
    conclusions: [],
    inputs,
    actionPath: manifest.dir,
    env: opts.envContext,
  };
  let outcome: Conclusion = "success";
  for (const step of manifest.steps) {
    const r = await runStep(job, inner, step, `${def.uses} › `);
    if (r.conclusion === "failure") outcome = "failure";
  }
  const outputs: Record<string, string> = {};
  const scope = stepEvalScope(job, inner, { ...opts.envContext });
  for (const out of manifest.template.outputs ?? []) {
    outputs[out.id] = coerceToString(evaluateToken(out.value, scope));
  }
  return {
    exitCode: outcome === "success" ? 0 : 1,
    timedOut: false,
    interrupted: job.signal.aborted,
    outputs,
  };
}

/** `with:` values over the action's declared defaults (which may be expressions). */
export function resolveInputs(
  job: JobScope,
  frame: StepFrame,
  manifest: ActionManifest,
  opts: Pick<UsesOptions, "inputs" | "envContext" | "output">,
): Record<string, string> {
  const given = new Map(Object.entries(opts.inputs).map(([k, v]) => [k.toLowerCase(), v]));
  const scope = stepEvalScope(job, frame, opts.envContext);
  const inputs: Record<string, string> = {};
  for (const def of manifest.template.inputs ?? []) {
    const value = given.get(def.id.toLowerCase());
    if (value !== undefined) inputs[def.id] = value;
    else if (def.default !== undefined) inputs[def.id] = coerceToString(evaluateToken(def.default, scope));
    else {
      inputs[def.id] = "";
      if (def.required) opts.output.line(`::warning::Input required and not supplied: ${def.id}`);
    }
  }
  for (const [k, v] of Object.entries(opts.inputs)) if (!(k in inputs)) inputs[k] = v;
  return inputs;
}
