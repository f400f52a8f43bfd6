/**
 * GitHub's `runs.pre`: when a job starts, before any of its steps, the runner runs the `pre` phase of
 * every step whose action comes from another repository (here: vendored), in step order, each as its
 * own step. Its condition is the action's `pre-if` alone (default `always()`): the runner's
 * ActionManager gives the pre step the action's InitCondition, not the step's `if:`. The step's `with:`
 * and `env:` apply; state it saves reaches main and post as STATE_*. Local (`./`) actions' pre phases
 * never run: their main step warns instead (node-action.ts).
 */
import path from "node:path";
import type { Conclusion } from "../../store/types";
import { evaluateStringMap, evaluateToken } from "../../workflow/expression/template";
import type { StepDef } from "../../workflow/model";
import type { JobScope, StepFrame } from "../scope";
import type { StepResult } from "../types";
import { loadActionManifest } from "./action-manifest";
import type { ActionManifest } from "./action-manifest";
import { applyEnvFiles, envFileVariables, reportFileCommands } from "./env-files";
import { stepEvalScope } from "./eval-scope";
import { resolveInputs } from "./local-action";
import { createPreRecord, inputEnv, registerPost, runNode } from "./node-action";
import type { NodeRuns, PreRecord } from "./node-action";
import { decideOutcome, processEnv, runStep } from "./run-step";
import type { StepOutput } from "./step-output";
import { vendoredActionFor } from "./uses-step";

interface PrePhase {
  manifest: ActionManifest;
  node: NodeRuns & { pre: string };
}

/** Runs the job's pre phases; call with the job's frame before its first step. */
export async function runPreSteps(job: JobScope, frame: StepFrame, defs: StepDef[]): Promise<StepResult[]> {
  const results: StepResult[] = [];
  for (const def of defs) {
    const phase = await findPrePhase(job, def);
    if (!phase) continue;
    const record = createPreRecord(job, def);
    const preDef: StepDef = {
      ...def,
      id: `__pre_${def.id}`,
      hasUserId: false,
      if: phase.node.preIf ?? "always()",
    };
    const body = (output: StepOutput) => runPre(job, frame, def, phase, record, output);
    results.push(await runStep(job, frame, preDef, "", { name: `Pre ${def.uses}`, action: def.id, body }));
  }
  return results;
}

async function findPrePhase(job: JobScope, def: StepDef): Promise<PrePhase | null> {
  if (!def.uses) return null;
  const dir = await vendoredActionFor(job.run.identity.workspace, def.uses);
  if (!dir) return null;
  let manifest: ActionManifest;
  try {
    manifest = loadActionManifest(dir, def.uses);
  } catch {
    return null; // the main step reports the broken manifest, where GitHub's runner would fail the job
  }
  const runs = manifest.template.runs as NodeRuns;
  if (!runs.using.startsWith("node") || !runs.pre) return null;
  return { manifest, node: { ...runs, pre: runs.pre } };
}

async function runPre(
  job: JobScope,
  frame: StepFrame,
  def: StepDef,
  phase: PrePhase,
  record: PreRecord,
  output: StepOutput,
): Promise<Conclusion> {
  const baseEnv = { ...job.env, ...job.fileEnv };
  const envContext = { ...baseEnv, ...evaluateStringMap(def.env, stepEvalScope(job, frame, baseEnv)) };
  const scope = stepEvalScope(job, frame, envContext);
  const given = evaluateStringMap(def.with, scope);
  const inputs = resolveInputs(job, frame, phase.manifest, { inputs: given, envContext, output });
  const dir = phase.manifest.dir;
  const env = {
    ...processEnv(job, frame, envContext, envFileVariables(job.files)),
    ...inputEnv(inputs),
    GITHUB_ACTION_PATH: dir,
  };
  // The runner registers post when pre starts: post runs even if main is skipped or pre fails.
  if (phase.node.post) {
    registerPost(job, def, dir, phase.node, env, () => ({ ...record.state, ...record.mainState }));
    record.postRegistered = true;
  }
  const minutes = evaluateToken(def.timeoutMinutes, scope);
  const timeoutMs = typeof minutes === "number" && minutes > 0 ? minutes * 60_000 : undefined;
  const result = await runNode(job, output, timeoutMs, path.join(dir, phase.node.pre), env);
  const applied = applyEnvFiles(job, job.files);
  Object.assign(record.state, output.state, applied.state);
  const filesFailed = reportFileCommands(output, applied);
  return decideOutcome(job, { ...result, filesFailed }, output);
}
