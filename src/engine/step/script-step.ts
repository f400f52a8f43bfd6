/** `run:` steps: the script is written to a file and handed to the shell, as the GitHub runner does. */
import { writeFileSync } from "node:fs";
import path from "node:path";
import { resolveShell } from "../shell";
import type { JobScope } from "../scope";
import type { ProcessOutcome } from "./process";
import { removeFiles } from "./env-files";
import { runStepProcess } from "./process";
import type { StepOutput } from "./step-output";

export interface ScriptOptions {
  script: string;
  shell: string | undefined;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number | undefined;
  /** Unique per job: names the script file. */
  n: number;
}

export async function runScript(
  job: JobScope,
  output: StepOutput,
  opts: ScriptOptions,
): Promise<ProcessOutcome> {
  const probe = resolveShell(opts.shell, "{0}");
  const file = path.join(job.dir, `script_${opts.n}${probe.extension}`);
  writeFileSync(file, opts.script);
  const shell = resolveShell(opts.shell, file);
  try {
    const outcome = await runStepProcess(
      job,
      output,
      { command: shell.command, args: shell.args, cwd: opts.cwd, env: opts.env },
      opts.timeoutMs,
    );
    if (outcome.exitCode !== null && outcome.exitCode !== 0 && !outcome.timedOut && !outcome.interrupted) {
      // The runner's own annotation for a failed script, after everything the script printed.
      output.annotate("error", `Process completed with exit code ${outcome.exitCode}.`);
      await output.finish();
    }
    return outcome;
  } finally {
    // The script holds the values of its ${{ }} expressions, secrets included.
    removeFiles([file]);
  }
}
