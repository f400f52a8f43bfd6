/**
 * `uses: sluice/scan@v1`: runs Sluice's scanners inside a workflow. Inputs: `scans` (comma or line
 * separated: secrets, deps, license, policy; default all), `sarif` (file to write), `fail-on`
 * (severity, default high), `db` (OSV database). Appends a Markdown summary to GITHUB_STEP_SUMMARY and
 * fails the step when a finding reaches `fail-on`. Gate on the SARIF with `uses: sluice/gate@v1`.
 */
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { createError } from "../../core/errors";
import type { ScanSeverity } from "../../scan/types";
import type { BuiltinAction } from "../types";

const SEVERITIES = ["critical", "high", "medium", "low", "info", "none"];

export const sluiceScanAction: BuiltinAction = {
  name: "sluice/scan",
  async main(ctx) {
    // Loaded on first use, like sluice/gate: plain `sluice run` does not load the scanners' entry points.
    const [
      { loadConfig },
      { renderScanMarkdown, renderScanText },
      { failsAt, parseKinds, runScans },
      { toSarif },
    ] = await Promise.all([
      import("../../config/index"),
      import("../../scan/render"),
      import("../../scan/run-scan"),
      import("../../scan/sarif"),
    ]);
    const { config } = await loadConfig(ctx.workspace);
    const failOn = (ctx.input("fail-on") || "high") as ScanSeverity | "none";
    if (!SEVERITIES.includes(failOn))
      throw createError("SLUICE_E_USAGE", `fail-on must be one of ${SEVERITIES.join(", ")}`);
    const results = await runScans({
      root: ctx.workspace,
      config,
      kinds: parseKinds(
        ctx
          .input("scans")
          .split(/[\s,]+/)
          .filter(Boolean),
      ),
      deps: { db: ctx.input("db") || undefined },
      version: "1",
    });
    const sarif = ctx.input("sarif");
    if (sarif) {
      const file = path.resolve(ctx.workspace, sarif);
      await mkdir(path.dirname(file), { recursive: true });
      await writeFile(file, JSON.stringify(toSarif(results, ctx.workspace, "1"), null, 2) + "\n");
      ctx.setOutput("sarif", file);
    }
    for (const line of renderScanText(results, false).trimEnd().split("\n")) ctx.log(line);
    if (ctx.env.GITHUB_STEP_SUMMARY)
      await appendFile(ctx.env.GITHUB_STEP_SUMMARY, renderScanMarkdown(results));
    const total = results.reduce((n, r) => n + r.findings.length, 0);
    ctx.setOutput("findings", String(total));
    if (!failsAt(results, failOn)) return { outcome: "success" };
    return {
      outcome: "failure",
      message: `scan found issues at or above ${failOn} (${total} finding(s) in all)`,
    };
  },
};
