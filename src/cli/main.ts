/**
 * The CLI entry point and the only place that calls process.exit. Commands live in commands/<name>.ts,
 * each exporting `register(program, io, done)`; `done(code)` records the exit code.
 */
import { forceStopSteps } from "../executor/local/live-groups";
import type { CliIO } from "./io";
import { main } from "./program";

export { main };

const isEntry = !process.env.VITEST;
if (isEntry) {
  const controller = new AbortController();
  let interrupts = 0;
  const onSignal = (sig: NodeJS.Signals): void => {
    interrupts += 1;
    if (interrupts === 1) return controller.abort(sig);
    // A second Ctrl-C means "now". While steps run, their process groups get SIGKILL at once instead
    // of after the grace period (signal traps cannot hold that up), and the run is still recorded
    // as cancelled; with none, or at a third, leave without waiting.
    if (interrupts === 2 && forceStopSteps()) return;
    process.exit(130);
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
