/**
 * `sluice run`: run the workflows whose triggers match an event, on the host. The engine is imported
 * when the command runs, so that other commands (and `--help`) do not load it.
 */
import { Command } from "commander";
import type { RepositoryRun } from "../../engine/run-repository";
import { silentReporter } from "../../engine/types";
import type { RunReporter } from "../../engine/types";
import type { CliIO, ExitCode } from "../io";
import { collectList, collectPairs, positiveInt } from "../options";
import { cliOutput } from "../report-error";
import { createLiveReporter } from "../render/live-reporter";
import { createPlainReporter } from "../render/plain-reporter";
import type { RegisterCommand } from "./index";

interface RunFlags {
  event?: string;
  ref?: string;
  sha?: string;
  base?: string;
  eventFile?: string;
  input?: Record<string, string>;
  secret?: Record<string, string>;
  secretsFile?: string;
  var?: Record<string, string>;
  job?: string[];
  concurrency?: number;
  json?: boolean;
}

export function defineRunCommand(cmd: Command): Command {
  return cmd
    .description("Run the workflows whose triggers match an event (default: push to the current branch)")
    .argument(
      "[workflow...]",
      "workflow files to consider (default: all in .sluice/workflows and .github/workflows)",
    )
    .option("--event <name>", "event name: push, pull_request, workflow_dispatch, schedule…", "push")
    .option(
      "--ref <ref>",
      "branch, tag or full ref; pull_request: the head branch or refs/pull/<n>/merge (default: the current branch)",
    )
    .option("--sha <sha>", "commit sha (default: HEAD)")
    .option(
      "--base <branch>",
      "pull_request: the base (target) branch (default: the event file's, else main)",
    )
    .option("--event-file <file>", "JSON webhook payload for github.event")
    .option("--input <key=value>", "workflow_dispatch input (repeatable)", collectPairs)
    .option("--secret <key=value>", "secret (repeatable; masked in all output)", collectPairs)
    .option("--secrets-file <file>", "dotenv file of secrets")
    .option("--var <key=value>", "configuration variable for the vars context (repeatable)", collectPairs)
    .option("--job <id>", "run only this job and the jobs it needs (repeatable)", collectList)
    .option("--concurrency <n>", "most jobs running at once (default: number of cores)", positiveInt)
    .option("--json", "print one JSON object with the result instead of progress");
}

/** Runs `sluice run` with the given arguments; used by the demo too. */
export async function runCli(io: CliIO, args: string[]): Promise<ExitCode> {
  let code: ExitCode = 0;
  const cmd = defineRunCommand(new Command("run"))
    .exitOverride()
    .configureOutput(cliOutput(io))
    .action(async (workflows: string[], flags: RunFlags) => {
      code = await executeRun(io, workflows, flags);
    });
  await cmd.parseAsync(args, { from: "user" });
  return code;
}

async function executeRun(io: CliIO, workflows: string[], flags: RunFlags): Promise<ExitCode> {
  const live = !flags.json && io.stdout.isTTY === true && !io.env.CI;
  const { runRepository } = await import("../../engine/run-repository");
  const reporter: RunReporter & { stop?(): void } = flags.json
    ? silentReporter
    : live
      ? createLiveReporter(io.stdout)
      : createPlainReporter((s) => io.stdout.write(s));
  try {
    const result = await runRepository({
      cwd: io.cwd,
      env: io.env,
      workflows,
      event: flags.event,
      ref: flags.ref,
      sha: flags.sha,
      baseRef: flags.base,
      eventFile: flags.eventFile,
      inputs: flags.input ?? {},
      secrets: flags.secret ?? {},
      secretsFile: flags.secretsFile,
      vars: flags.var ?? {},
      jobs: flags.job ?? [],
      concurrency: flags.concurrency,
      reporter,
      signal: io.signal,
    });
    if (flags.json) io.stdout.write(JSON.stringify(toJson(result), null, 2) + "\n");
    else printSummary(io, result);
    return result.conclusion === "success" || result.conclusion === "skipped" ? 0 : 1;
  } finally {
    reporter.stop?.();
  }
}

function printSummary(io: CliIO, result: RepositoryRun): void {
  for (const s of result.skipped) io.stdout.write(`skipped ${s.workflow}: ${s.reason}\n`);
  if (result.runs.length === 0)
    io.stdout.write("no workflow matched the event; nothing ran (see --event and --ref)\n");
}

/** The stable `--json` shape (documented in docs/cli.md). */
export function toJson(result: RepositoryRun) {
  const jobs = result.runs.flatMap((run) =>
    run.jobs.map((j) => ({
      workflow: run.workflow,
      id: j.id,
      name: j.name,
      matrix: j.matrix,
      conclusion: j.conclusion,
      outputs: j.outputs,
      durationMs: j.durationMs,
      steps: j.steps.map((s) => ({
        id: s.id,
        name: s.name,
        outcome: s.outcome,
        conclusion: s.conclusion,
        exitCode: s.exitCode,
        durationMs: s.durationMs,
      })),
      annotations: j.annotations,
    })),
  );
  return {
    status: "completed",
    conclusion: result.conclusion,
    durationMs: result.durationMs,
    runs: result.runs.map((r) => ({
      runId: r.runId,
      runNumber: r.runNumber,
      workflow: r.workflow,
      conclusion: r.conclusion,
      durationMs: r.durationMs,
    })),
    skipped: result.skipped,
    jobs,
  };
}

export const registerRun: RegisterCommand = (program, io, done) => {
  defineRunCommand(program.command("run")).action(async (workflows: string[], flags: RunFlags) => {
    done(await executeRun(io, workflows, flags));
  });
};
