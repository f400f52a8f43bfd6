/** `sluice validate`: check sluice.yml and every workflow without running anything. */
import { formatProblem } from "../../core/errors";
import type { RegisterCommand } from "./index";

export const registerValidate: RegisterCommand = (program, io, done) => {
  program
    .command("validate")
    .description("Check sluice.yml and the workflows (schema, expressions, needs) without running anything")
    .argument("[workflow...]", "workflow files (default: all)")
    .option("--json", "print the report as JSON")
    .action(async (named: string[], flags: { json?: boolean }) => {
      const { validateRepository } = await import("../../engine/validate");
      const report = await validateRepository(io.cwd, io.env, named);
      if (flags.json) {
        io.stdout.write(JSON.stringify(report, null, 2) + "\n");
      } else {
        for (const wf of report.workflows) {
          io.stdout.write(
            `${wf.valid ? "✓" : "✗"} ${wf.path}${wf.valid ? ` (${wf.jobs.length} job${wf.jobs.length === 1 ? "" : "s"})` : ""}\n`,
          );
        }
        for (const p of report.problems) io.stderr.write(`${formatProblem(p)}\n`);
        io.stdout.write(report.valid ? "all valid\n" : `${report.problems.length} problem(s)\n`);
      }
      done(report.valid ? 0 : 2);
    });
};
