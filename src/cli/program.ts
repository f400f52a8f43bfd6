/**
 * The command-line program: every command registered on a commander Command, parsed with the given IO.
 * Separate from main.ts (the process entry) so commands can run other commands (`sluice demo` runs
 * `sluice deploy`) without importing the entry module.
 */
import { Command } from "commander";
import type { CliIO, ExitCode } from "./io";
import { commands } from "./commands/index";
import { cliOutput, reportError, wantsJson } from "./report-error";

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
    .configureOutput(cliOutput(io));
  for (const register of commands) register(program, io, (code) => (exitCode = code));
  try {
    await program.parseAsync(argv, { from: "user" });
  } catch (err) {
    return reportError(err, io, wantsJson(argv));
  }
  return exitCode;
}

declare const __SLUICE_VERSION__: string;
