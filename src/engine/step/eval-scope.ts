/** Expression scopes for steps: the job's fixed contexts plus env, steps, inputs and status functions. */
import { readdirSync } from "node:fs";
import path from "node:path";
import { hashFilesSync } from "../../workflow/hash-files";
import type { EvalScope } from "../../workflow/expression/template";
import type { JobScope, StepFrame } from "../scope";
import { stepStatus } from "../status";

export function stepEvalScope(job: JobScope, frame: StepFrame, env: Record<string, string>): EvalScope {
  const status = stepStatus(frame.conclusions, job.interruption() !== null);
  const workspace = job.run.identity.workspace;
  // job.status is the job's current status: failure once a step failed, cancelled once cancelled or
  // timed out (GitHub cancels a job that runs out of time).
  const current = job.interruption() !== null ? "cancelled" : status.failure() ? "failure" : "success";
  return {
    contexts: {
      ...job.contexts,
      env,
      steps: frame.steps,
      job: { ...(job.contexts.job as object), status: current },
      inputs: frame.inputs ?? job.contexts.inputs,
      ...(frame.actionPath
        ? { github: { ...(job.contexts.github as object), action_path: frame.actionPath } }
        : {}),
    },
    host: {
      ...status,
      hashFiles: (patterns) =>
        hashFilesSync(workspace, patterns, { exclude: sluiceStateEntries(workspace, job.run.stateDir) }),
    },
  };
}

/** Directories of .sluice/ that hold what users commit; a GitHub checkout has them, so they are hashed. */
const COMMITTED_STATE_DIRS: ReadonlySet<string> = new Set(["workflows", "actions"]);

/**
 * What hashFiles must not see: the entries of Sluice's state directory when it is inside the
 * workspace (run directories with the event file, RUNNER_TEMP and step scripts; the database; caches,
 * artifacts, tool cache), as workspace-relative paths. GitHub keeps its equivalents outside
 * GITHUB_WORKSPACE; here they change on every run, and so would every hash `**` reaches. Read when
 * hashFiles is called, since the directory fills as the run goes.
 */
export function sluiceStateEntries(workspace: string, stateDir: string): string[] {
  const rel = path.relative(workspace, stateDir);
  if (rel === "" || rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) return [];
  let names: string[];
  try {
    names = readdirSync(stateDir);
  } catch {
    return []; // no state yet
  }
  const base = rel.split(path.sep).join("/");
  return names.filter((name) => !COMMITTED_STATE_DIRS.has(name)).map((name) => `${base}/${name}`);
}
