/**
 * How a failed command ends: the error on stderr (`error: CODE: message`, then every problem as
 * `file:line:column: CODE: message`) and, when the command line asked for `--json`, one JSON object on
 * stdout as well, so that a script reading stdout gets the error's code and problems, not nothing.
 */
import { CommanderError } from "commander";
import { formatProblem, isSluiceError } from "../core/errors";
import type { ErrorCode, Problem } from "../core/errors";
import type { OutputConfiguration } from "commander";
import type { CliIO, ExitCode } from "./io";

/** The `--json` shape of a failed command (docs/errors.md). */
export interface ErrorJson {
  status: "error";
  code: ErrorCode;
  exitCode: ExitCode;
  message: string;
  /** The located problems, shaped as `sluice validate --json` lists them. */
  problems: Problem[];
}

/**
 * Commander prints its own usage errors (`error: unknown option '--bogus'`, used as its
 * `outputError`); they carry SLUICE_E_USAGE like every other error Sluice reports.
 */
function withUsageCode(text: string): string {
  return text.replace(/^error: (?!SLUICE_E_)/, "error: SLUICE_E_USAGE: ");
}

/** Commander's output on the IO's streams, its usage errors with their code. */
export function cliOutput(io: CliIO): OutputConfiguration {
  return {
    writeOut: (s) => io.stdout.write(s),
    writeErr: (s) => io.stderr.write(s),
    outputError: (s, write) => write(withUsageCode(s)),
  };
}

/** True when `--json` is among the options (before any `--`). */
export function wantsJson(argv: readonly string[]): boolean {
  const end = argv.indexOf("--");
  return (end === -1 ? argv : argv.slice(0, end)).includes("--json");
}

/** Reports `err` and returns the exit code. */
export function reportError(err: unknown, io: CliIO, json: boolean): ExitCode {
  let out: ErrorJson;
  if (err instanceof CommanderError) {
    // Commander has printed the message already; --help and --version end here too, with 0.
    if (err.exitCode === 0) return 0;
    out = errorJson("SLUICE_E_USAGE", 2, err.message.replace(/^error: /, ""), []);
  } else if (isSluiceError(err)) {
    const self: Problem = { code: err.code, message: err.message, location: err.location };
    io.stderr.write(`error: ${err.location ? formatProblem(self) : `${err.code}: ${err.message}`}\n`);
    for (const p of err.problems) io.stderr.write(`  ${formatProblem(p)}\n`);
    // A located error without sub-problems is its own problem, so that JSON readers find the place.
    const problems = err.problems.length > 0 ? err.problems : err.location ? [self] : [];
    out = errorJson(err.code, err.exitCode, err.message, problems);
  } else {
    const message = err instanceof Error ? err.message : String(err);
    io.stderr.write(`error: SLUICE_E_INTERNAL: ${err instanceof Error ? (err.stack ?? message) : message}\n`);
    out = errorJson("SLUICE_E_INTERNAL", 3, message, []);
  }
  if (json) io.stdout.write(JSON.stringify(out, null, 2) + "\n");
  return out.exitCode;
}

function errorJson(code: ErrorCode, exitCode: ExitCode, message: string, problems: Problem[]): ErrorJson {
  return { status: "error", code, exitCode, message, problems };
}
