/** Runs a built-in action's main phase and registers its post phase. */
import type { BuiltinAction, BuiltinContext, BuiltinResult } from "../../actions/types";
import { isSluiceError } from "../../core/errors";
import type { StepDef } from "../../workflow/model";
import { escapeData } from "../commands/workflow-commands";
import type { JobScope } from "../scope";
import type { StepBodyResult } from "./run-step";
import type { UsesOptions } from "./uses-step";

export async function runBuiltin(
  job: JobScope,
  def: StepDef,
  action: BuiltinAction,
  opts: UsesOptions,
): Promise<StepBodyResult> {
  const outputs: Record<string, string> = {};
  const state: Record<string, string> = {};
  const ctx = builtinContext(job, opts, outputs, state, (line) => opts.output.line(line));
  const result = await guarded(
    () => action.main(ctx),
    (line) => opts.output.line(line),
  );
  if (action.post) {
    const post = action.post;
    job.posts.push({
      name: `Post ${def.uses}`,
      action: def.id,
      condition: action.postIf === "always" ? "always()" : "success()",
      run: async (output) => {
        const log = (line: string) => output.line(line);
        const postCtx = builtinContext(job, opts, {}, state, log);
        return (await guarded(() => post(postCtx), log)).outcome;
      },
    });
  }
  return {
    exitCode: result.outcome === "success" ? 0 : 1,
    timedOut: false,
    interrupted: job.signal.aborted,
    outputs,
  };
}

function builtinContext(
  job: JobScope,
  opts: UsesOptions,
  outputs: Record<string, string>,
  state: Record<string, string>,
  log: (line: string) => void,
): BuiltinContext {
  const lower = new Map(Object.entries(opts.inputs).map(([k, v]) => [k.toLowerCase(), v]));
  return {
    inputs: opts.inputs,
    input: (name) => (lower.get(name.toLowerCase()) ?? "").trim(),
    workspace: job.run.identity.workspace,
    env: opts.env,
    stateDir: job.run.stateDir,
    runId: job.run.identity.runId,
    log,
    setOutput: (name, value) => (outputs[name] = value),
    addPath: (dir) => {
      job.paths = [dir, ...job.paths.filter((p) => p !== dir)];
    },
    exportVariable: (name, value) => (job.fileEnv[name] = value),
    saveState: (name, value) => (state[name] = value),
    getState: (name) => state[name] ?? "",
    store: job.run.store,
    signal: job.signal,
  };
}

async function guarded(
  fn: () => Promise<BuiltinResult>,
  log: (line: string) => void,
): Promise<BuiltinResult> {
  try {
    const result = await fn();
    if (result.outcome === "failure" && result.message) log(`::error::${escapeData(result.message)}`);
    return result;
  } catch (err) {
    const message = isSluiceError(err)
      ? `${err.code}: ${err.message}`
      : err instanceof Error
        ? err.message
        : String(err);
    log(`::error::${escapeData(message)}`);
    return { outcome: "failure", message };
  }
}
