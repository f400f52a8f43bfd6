/**
 * The CLI entry point and the only place that calls process.exit. Commands live in commands/<name>.ts,
 * each exporting `register(program, io, done)`; `done(code)` records the exit code.
 */
import { Command, CommanderError } from "commander";
import { formatProblem, isSluiceError } from "../core/errors";
import type { CliIO, ExitCode } from "./io";
import { commands } from "./commands/index";

export async function main(argv: string[], io: CliIO): Promise<ExitCode> {
  let exitCode: ExitCode = 0;
  const program = new Command()
    .name("sluice")
    .description(
      "Local-first CI/CD: run GitHub Actions workflows on the host, gate on reports, scan for security issues.",
    )
    .version(__SLUICE_VERSION__, "-V, --version")
    .showHelpAfterError()
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

const isEntry = !process.env.VITEST;
if (isEntry) {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    interrupts += 1;
    // A second Ctrl-C means "now": leave without waiting for graceful cancellation.
    if (interrupts > 1) process.exit(130);
    controller.abort(sig);
  };
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  const io: CliIO = {
    stdout: process.stdout,
    stderr: process.stderr,
    cwd: process.cwd(),
    env: process.env,
    signal: controller.signal,
  };
  const code = await main(process.argv.slice(2), io);
  process.exitCode = code;
  // Let stdout drain, then leave even if a stray handle (timer, socket) would keep the loop alive.
  process.stdout.write("", () => process.exit(code));
}
