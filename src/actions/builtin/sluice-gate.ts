/**
 * `uses: sluice/gate@v1`: evaluates a quality gate inside a workflow. Inputs: `gate` (name in
 * sluice.yml), `reports` and `rules` (one per line), `environment`, `baseline`. Appends the Markdown
 * report to GITHUB_STEP_SUMMARY, records the result with the run, and fails the step when the gate fails.
 */
import { appendFile } from "node:fs/promises";
import type { BuiltinAction } from "../types";

const lines = (s: string) =>
  s
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter(Boolean);

export const sluiceGateAction: BuiltinAction = {
  name: "sluice/gate",
  async main(ctx) {
    // Loaded on first use: `sluice run` should not pay for the gate code (CEL, report parsers) unless a
    // workflow uses this step.
    const [{ loadConfig }, { renderGateMarkdown, renderGateText }, { runGate }] = await Promise.all([
      import("../../config/index"),
      import("../../gate/render"),
      import("../../gate/run-gate"),
    ]);
    const { config } = await loadConfig(ctx.workspace);
    const outcome = await runGate({
      repoRoot: ctx.workspace,
      cwd: ctx.workspace,
      config,
      store: ctx.store,
      gate: ctx.input("gate") || undefined,
      reports: lines(ctx.input("reports")),
      rules: lines(ctx.input("rules")),
      ref: ctx.env.GITHUB_REF || "refs/heads/main",
      sha: ctx.env.GITHUB_SHA || "",
      environment: ctx.input("environment") || undefined,
      baselineRef: ctx.input("baseline") || undefined,
      runId: ctx.runId,
    });
    for (const line of renderGateText(outcome, false).trimEnd().split("\n")) ctx.log(line);
    if (ctx.env.GITHUB_STEP_SUMMARY)
      await appendFile(ctx.env.GITHUB_STEP_SUMMARY, renderGateMarkdown(outcome));
    ctx.setOutput("passed", String(outcome.passed));
    ctx.setOutput("metrics", JSON.stringify(outcome.metrics));
    if (outcome.passed) return { outcome: "success" };
    const failed = outcome.rules.filter(
      (r) => r.severity === "fail" && (r.status === "failed" || r.status === "error"),
    );
    return {
      outcome: "failure",
      message: `gate ${outcome.gate} failed: ${failed.map((r) => r.message || r.name).join("; ")}`,
    };
  },
};
