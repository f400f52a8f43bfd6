/**
 * `sluice demo [--keep] [--json]`: runs the CI pipeline of the bundled example service twice in a temporary
 * repository, the second time on a change its quality gate is meant to stop.
 */
import type { RegisterCommand } from "./index";
import { runCli } from "./run";

export const registerDemo: RegisterCommand = (program, io, done) => {
  program
    .command("demo")
    .description(
      "Run a real CI pipeline (lint, test, quality gate, build) on a copy of the example service in a temporary " +
        "git repository, then again on a change without tests, which the quality gate stops",
    )
    .option("--keep", "keep the temporary repository and print its path")
    .option(
      "--json",
      "print one JSON object on stdout, { runs: [<run 1>, <run 2>], gateStoppedRegression }, each run as " +
        "`sluice run --json` prints it; the demo's own messages go to stderr",
    )
    .action(async (options: { keep?: boolean; json?: boolean }) => {
      const { runDemo } = await import("../../demo/run-demo");
      done(
        await runDemo(
          io,
          { keep: options.keep === true, json: options.json === true },
          {
            runPipeline: runCli,
            // Any sluice command, for the delivery act; loaded here rather than imported at the top
            // because program.ts imports this file (through the command list).
            runSluice: async (runIO, argv) => (await import("../program")).main(argv, runIO),
          },
        ),
      );
    });
};
