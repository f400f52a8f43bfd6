/** `sluice init [--force] [--json]`: writes a CI workflow and sluice.yml for the project in the cwd. */
import type { InitResult } from "../../init/index";
import type { RegisterCommand } from "./index";

/** The command run after init, printed as the next step. */
const NEXT_COMMAND = "sluice run";

export const registerInit: RegisterCommand = (program, io, done) => {
  program
    .command("init")
    .description("Detect the project and write .github/workflows/ci.yml and sluice.yml")
    .option("--force", "overwrite existing files")
    .option("--json", "print the result as JSON")
    .action(async (options: { force?: boolean; json?: boolean }) => {
      const { runInit } = await import("../../init/index");
      const result = await runInit({ root: io.cwd, force: options.force === true });
      io.stdout.write(options.json ? `${JSON.stringify(toJson(result), null, 2)}\n` : toText(result));
      done(0);
    });
};

/** The stable `--json` shape. */
function toJson(result: InitResult): object {
  return {
    project: result.project,
    summary: result.plan.summary,
    jobs: result.plan.jobs,
    files: result.written,
    gitignore: result.gitignore,
    warnings: result.plan.warnings,
    next: NEXT_COMMAND,
  };
}

function toText(result: InitResult): string {
  const lines = [`Detected ${result.plan.summary}.`];
  for (const file of result.written) {
    const verb = file.status === "created" ? "Created" : "Overwrote";
    const jobs = file.path.endsWith("ci.yml") ? ` (jobs: ${result.plan.jobs.join(", ")})` : "";
    lines.push(`${verb} ${file.path}${jobs}`);
  }
  if (result.gitignore === "added") lines.push("Added .sluice/ (Sluice's state) to .gitignore");
  for (const warning of result.plan.warnings) lines.push(`warning: ${warning}`);
  lines.push("", `Next: run \`${NEXT_COMMAND}\` to run the workflow on this machine.`);
  return `${lines.join("\n")}\n`;
}
