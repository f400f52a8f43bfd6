/** Runs one step process through the executor, with timeout and cancellation. */
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
  if (exit.error) {
    const code = (exit.error as NodeJS.ErrnoException).code;
    return {
      exitCode: null,
      timedOut,
      interrupted,
      startError:
        code === "ENOENT" ? `cannot start "${spec.command}": not found on PATH` : exit.error.message,
    };
  }
  return { exitCode: exit.exitCode, timedOut, interrupted };
}
