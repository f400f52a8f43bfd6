/** Runs one step process through the executor, with timeout and cancellation. */
import { statSync } from "node:fs";
import type { ProcessSpec } from "../../executor/types";
import type { JobScope } from "../scope";
import type { StepOutput } from "./step-output";

export interface ProcessOutcome {
  exitCode: number | null;
  timedOut: boolean;
  interrupted: boolean;
  /** The process could not be started (missing shell or program). */
  startError?: string;
}

export async function runStepProcess(
  job: JobScope,
  output: StepOutput,
  spec: ProcessSpec,
  timeoutMs: number | undefined,
): Promise<ProcessOutcome> {
  const handle = job.run.executor.start(spec, {
    stdout: (c) => output.chunk("stdout", c),
    stderr: (c) => output.chunk("stderr", c),
  });
  job.processes.add(handle);
  let timedOut = false;
  let interrupted = false;
  const stop = () => void handle.stop(job.run.killGraceMs);
  const onAbort = () => {
    interrupted = true;
    stop();
  };
  // A step that starts after its job was interrupted was chosen by its `if` (always(), cancelled()):
  // as on GitHub it runs to its end; only an interruption while it runs stops it.
  if (!job.signal.aborted) job.signal.addEventListener("abort", onAbort, { once: true });
  const timer =
    timeoutMs !== undefined
      ? setTimeout(() => {
          timedOut = true;
          stop();
        }, timeoutMs)
      : undefined;
  const exit = await handle.exit;
  if (timer) clearTimeout(timer);
  job.signal.removeEventListener("abort", onAbort);
  await output.finish();
  if (exit.error)
    return { exitCode: null, timedOut, interrupted, startError: describeStartError(spec, exit.error) };
  return { exitCode: exit.exitCode, timedOut, interrupted };
}

/**
 * Why a process could not start. spawn reports a missing working directory as ENOENT, like a
 * missing program, so the directory is checked first; its message is GitHub's.
 */
export function describeStartError(spec: Pick<ProcessSpec, "command" | "cwd">, error: Error): string {
  const cwd = statSync(spec.cwd, { throwIfNoEntry: false });
  if (!cwd?.isDirectory()) {
    const reason = cwd ? "Not a directory" : "No such file or directory";
    return `An error occurred trying to start process '${spec.command}' with working directory '${spec.cwd}'. ${reason}`;
  }
  const code = (error as NodeJS.ErrnoException).code;
  return code === "ENOENT" ? `cannot start "${spec.command}": not found on PATH` : error.message;
}
