/** Expression scopes for steps: the job's fixed contexts plus env, steps, inputs and status functions. */
import { hashFilesSync } from "../../workflow/hash-files";
import type { EvalScope } from "../../workflow/expression/template";
import type { JobScope, StepFrame } from "../scope";
import { stepStatus } from "../status";

export function stepEvalScope(job: JobScope, frame: StepFrame, env: Record<string, string>): EvalScope {
  const status = stepStatus(frame.conclusions, job.interruption() !== null);
  const workspace = job.run.identity.workspace;
  // job.status is the job's current status: failure once a step failed, cancelled once cancelled.
  const interruption = job.interruption();
  const current =
    interruption === "cancelled" ? "cancelled" : interruption || status.failure() ? "failure" : "success";
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
    host: { ...status, hashFiles: (patterns) => hashFilesSync(workspace, patterns) },
  };
}
