/**
 * Node actions (`runs.using: node12|16|20|24`) on the host's node: the `main` phase, the `post:`
 * phase it registers, and the state GITHUB_STATE carries from `pre` (see pre-steps.ts) to main and post.
 */
import path from "node:path";
import type { StepDef } from "../../workflow/model";
import { escapeData } from "../commands/workflow-commands";
import type { JobScope } from "../scope";
import type { ActionManifest } from "./action-manifest";
import { runStepProcess } from "./process";
import type { ProcessOutcome } from "./process";
import type { StepBodyResult } from "./run-step";
import type { StepOutput } from "./step-output";
import type { UsesOptions } from "./uses-step";

export interface NodeRuns {
  using: string;
  main: string;
  pre?: string;
  preIf?: string;
  post?: string;
  postIf?: string;
}

/** What a step's `pre` phase (run at job start) leaves for its main and post phases. */
export interface PreRecord {
  /** GITHUB_STATE / save-state of the pre phase. */
  state: Record<string, string>;
  /** The main phase's state object, once main ran (filled when the main step ends). */
  mainState?: Record<string, string>;
  /** The pre phase registered the post phase already (GitHub registers it once per step). */
  postRegistered: boolean;
}

const preRecords = new WeakMap<JobScope, Map<StepDef, PreRecord>>();

/** The record of a job step whose pre phase was scheduled at job start (run or skipped by pre-if). */
export function preRecord(job: JobScope, def: StepDef): PreRecord | undefined {
  return preRecords.get(job)?.get(def);
}

export function createPreRecord(job: JobScope, def: StepDef): PreRecord {
  let byStep = preRecords.get(job);
  if (!byStep) preRecords.set(job, (byStep = new Map()));
  const record: PreRecord = { state: {}, postRegistered: false };
  byStep.set(def, record);
  return record;
}

export function isLocalUses(uses: string): boolean {
  return uses.startsWith("./") || uses.startsWith("../");
}

export async function runNodeMain(
  job: JobScope,
  def: StepDef,
  manifest: ActionManifest,
  uses: string,
  inputs: Record<string, string>,
  opts: UsesOptions,
): Promise<StepBodyResult> {
  const node = manifest.template.runs as NodeRuns;
  const dir = manifest.dir;
  const warning = nodeVersionWarning(uses, node.using, process.version);
  if (warning) opts.output.line(`::warning::${escapeData(warning)}`);
  const env = { ...opts.env, ...inputEnv(inputs), GITHUB_ACTION_PATH: dir };
  const record = preRecord(job, def);
  if (node.pre && isLocalUses(uses)) {
    // The runner's own words (ActionRunner): it never runs `pre` of an action in the repository.
    opts.output.line(`::warning::\`pre\` execution is not supported for local action from '${uses}'`);
  } else if (node.pre && !record) {
    // A vendored action inside a composite action: the runner runs such pre phases when the
    // composite's own pre runs; Sluice runs them right before main instead (docs/actions.md).
    const pre = await runNode(job, opts.output, opts.timeoutMs, path.join(dir, node.pre), env);
    if (pre.exitCode !== 0 || pre.startError || pre.timedOut || pre.interrupted) return pre;
  }
  if (record) record.mainState = opts.state;
  // STATE_* go last, over any env of the same name, as the runner applies them.
  const preState = record ? stateEnv(record.state) : {};
  const main = await runNode(job, opts.output, opts.timeoutMs, path.join(dir, node.main), {
    ...env,
    ...preState,
  });
  if (node.post && !record?.postRegistered) {
    registerPost(job, def, dir, node, env, () => ({ ...record?.state, ...opts.state }));
  }
  return main;
}

/** Queues the post phase; `state` is read when it runs (pre's and main's state, main's winning). */
export function registerPost(
  job: JobScope,
  def: StepDef,
  dir: string,
  node: NodeRuns,
  env: Record<string, string>,
  state: () => Record<string, string>,
): void {
  const postFile = path.join(dir, node.post!);
  job.posts.push({
    name: `Post ${def.uses}`,
    action: def.id,
    condition: node.postIf ?? "always()",
    run: async (output) => {
      const r = await runNode(job, output, undefined, postFile, { ...env, ...stateEnv(state()) });
      return r.exitCode === 0 ? "success" : "failure";
    },
  });
}

/**
 * Sluice runs every node action with the node it runs on. A different major than `runs.using`
 * asks for may behave differently, and node12/node16 actions no longer run on GitHub's runners.
 */
export function nodeVersionWarning(uses: string, using: string, hostVersion: string): string | null {
  const hostMajor = /^v?(\d+)/.exec(hostVersion)?.[1];
  if (!hostMajor || using === `node${hostMajor}`) return null;
  const deprecated =
    using === "node12" || using === "node16" ? ` (${using} actions are deprecated on GitHub)` : "";
  return `${uses} declares runs.using: ${using}${deprecated}; Sluice runs it with the host's Node.js ${hostVersion}`;
}

/** INPUT_<NAME>: upper case, spaces to underscores, as @actions/core reads them. */
export function inputEnv(inputs: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    Object.entries(inputs).map(([k, v]) => [`INPUT_${k.replace(/ /g, "_").toUpperCase()}`, v]),
  );
}

function stateEnv(state: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(state).map(([k, v]) => [`STATE_${k}`, v]));
}

export function runNode(
  job: JobScope,
  output: StepOutput,
  timeoutMs: number | undefined,
  file: string,
  env: Record<string, string>,
): Promise<ProcessOutcome> {
  return runStepProcess(
    job,
    output,
    { command: process.execPath, args: [file], cwd: job.run.identity.workspace, env },
    timeoutMs,
  );
}
