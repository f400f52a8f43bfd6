/** `sluice demo [--keep] [--json]`: runs the CI pipeline of the bundled example service in a temporary repository. */
import { runDemo } from "../../demo/run-demo";
import type { RegisterCommand } from "./index";
import { runCli } from "./run";

export const registerDemo: RegisterCommand = (program, io, done) => {
  program
    .command("demo")
    .description(
      "Run a real CI pipeline (lint, test, build) on a copy of the example service, in a temporary git repository",
    )
    .option("--keep", "keep the temporary repository and print its path")
    .option("--json", "print the run's JSON report on stdout; the demo's own messages go to stderr")
    .action(async (options: { keep?: boolean; json?: boolean }) => {
      done(
        await runDemo(
          io,
          { keep: options.keep === true, json: options.json === true },
          { runPipeline: runCli },
        ),
      );
    });
};
