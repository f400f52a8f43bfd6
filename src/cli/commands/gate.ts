/** `sluice gate`: evaluate a quality gate on report files, locally or in CI, and record the result. */
import { appendFile } from "node:fs/promises";
import path from "node:path";
import { readGitInfo } from "../../engine/git-info";
import { collectList } from "../options";
import type { RegisterCommand } from "./index";

interface GateFlags {
  report?: string[];
  rule?: string[];
  ref?: string;
  sha?: string;
  env?: string;
  baseline?: string;
  summary?: string;
  record: boolean;
  json?: boolean;
}

export const registerGate: RegisterCommand = (program, io, done) => {
  program
    .command("gate")
    .description(
      "Evaluate a quality gate on reports (JUnit, lcov, Cobertura, Istanbul, SARIF, ESLint, tsc, npm audit, k6, autocannon)",
    )
    .argument("[name]", "gate name from sluice.yml (optional when only one is configured or --rule is given)")
    .option(
      "--report <spec>",
      "report file or glob, optionally `format:path` (repeatable; default: the gate's reports)",
      collectList,
    )
    .option("--rule <expr>", "ad-hoc rule such as 'coverage.lines >= 80' (repeatable)", collectList)
    .option("--ref <ref>", "branch or ref the result belongs to (default: the current branch)")
    .option("--sha <sha>", "commit (default: HEAD)")
    .option("--env <environment>", "apply the gate's overrides for this environment")
    .option("--baseline <branch>", "compare with the last passing result on this branch")
    .option(
      "--summary <file>",
      "append the Markdown report to this file (default: $GITHUB_STEP_SUMMARY when set)",
    )
    .option("--no-record", "do not record the result in the store")
    .option("--json", "print the result as JSON")
    .action(async (name: string | undefined, flags: GateFlags) => {
      const [{ loadConfig }, { runGate }, { renderGateMarkdown, renderGateText }, { openStore }] =
        await Promise.all([
          import("../../config/index"),
          import("../../gate/run-gate"),
          import("../../gate/render"),
          import("../../store/registry"),
        ]);
      const git = readGitInfo(io.cwd, io.env);
      const { config } = await loadConfig(git.root);
      const store = await openStore({
        type: config.store.type,
        path: path.resolve(git.root, config.store.path),
      });
      try {
        const ref = flags.ref ?? git.ref ?? "refs/heads/main";
        const outcome = await runGate({
          repoRoot: git.root,
          cwd: io.cwd,
          config,
          store,
          gate: name,
          reports: flags.report ?? [],
          rules: flags.rule ?? [],
          ref: ref.startsWith("refs/") ? ref : `refs/heads/${ref}`,
          sha: flags.sha ?? git.sha,
          environment: flags.env,
          baselineRef: flags.baseline,
          record: flags.record,
        });
        const summary = flags.summary ?? io.env.GITHUB_STEP_SUMMARY;
        if (summary) await appendFile(path.resolve(io.cwd, summary), renderGateMarkdown(outcome));
        if (flags.json) io.stdout.write(JSON.stringify(outcome, null, 2) + "\n");
        else io.stdout.write(renderGateText(outcome, io.stdout.isTTY === true && !io.env.NO_COLOR));
        done(outcome.passed ? 0 : 1);
      } finally {
        await store.close();
      }
    });
};
