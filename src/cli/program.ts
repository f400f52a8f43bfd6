/**
 * The command-line program: every command registered on a commander Command, parsed with the given IO.
 * Separate from main.ts (the process entry) so commands can run other commands (`sluice demo` runs
 * `sluice deploy`) without importing the entry module.
 */
import { Command, CommanderError } from "commander";
import { formatProblem, isSluiceError } from "../core/errors";
import type { CliIO, ExitCode } from "./io";
import { commands } from "./commands/index";

/** Runs `sluice <argv>` and resolves to the exit code; never exits the process. */
export async function main(argv: string[], io: CliIO): Promise<ExitCode> {
  let exitCode: ExitCode = 0;
  const program = new Command()
    .name("sluice")
    .description(
      "Local-first CI/CD: run GitHub Actions workflows on the host, gate on reports, scan for security issues, deploy by blue-green or canary with automatic rollback.",
    )
    .version(__SLUICE_VERSION__, "-V, --version")
    .showHelpAfterError()
    // `sluice deploy ENV --version V`: program options (-V, --version) only before the command name.
    .enablePositionalOptions()
    .exitOverride()
    .configureOutput({
      writeOut: (s) => io.stdout.write(s),
      writeErr: (s) => io.stderr.write(s),
    });
  for (const register of commands) register(program, io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (err) {
    return reportError(err, io);
  }
  return exitCode;
}

function reportError(err: unknown, io: CliIO): ExitCode {
  if (err instanceof CommanderError) {
    // --help and --version also arrive here, with exit code 0.
    return err.exitCode === 0 ? 0 : 2;
  }
  if (isSluiceError(err)) {
    const located = err.location
      ? formatProblem({ code: err.code, message: err.message, location: err.location })
      : `${err.code}: ${err.message}`;
    io.stderr.write(`error: ${located}\n`);
    for (const p of err.problems) io.stderr.write(`  ${formatProblem(p)}\n`);
    return err.exitCode;
  }
  io.stderr.write(
    `error: SLUICE_E_INTERNAL: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
  );
  return 3;
}

declare const __SLUICE_VERSION__: string;
