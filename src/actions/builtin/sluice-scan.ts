/**
 * `uses: sluice/scan@v1`: runs Sluice's scanners inside a workflow. Inputs: `scans` (comma or line
 * separated: secrets, deps, license, policy; default all), `sarif` (file to write), `fail-on`
 * (severity, default high), `db` (OSV database). Appends a Markdown summary to GITHUB_STEP_SUMMARY and
 * fails the step when a finding reaches `fail-on`. Gate on the SARIF with `uses: sluice/gate@v1`.
 * `sbom` in `scans` writes an SBOM as `sluice scan sbom` does: `format` (cyclonedx, the default, or
 * spdx) and `output` (default sbom.cdx.json / sbom.spdx.json); output `sbom` is its path. With only
 * `sbom` in `scans`, no finding scanner runs.
 */
import { appendFile, mkdir, writeFile } from "node:fs/promises";
import path from "node:path";
import { createError } from "../../core/errors";
import type { ScanSeverity } from "../../scan/types";
import type { BuiltinAction, BuiltinContext } from "../types";

const SEVERITIES = ["critical", "high", "medium", "low", "info", "none"];

export const sluiceScanAction: BuiltinAction = {
  name: "sluice/scan",
  async main(ctx) {
    const words = ctx
      .input("scans")
      .split(/[\s,]+/)
      .filter(Boolean);
    if (words.includes("sbom")) {
      await writeSbom(ctx);
      if (words.every((w) => w === "sbom")) return { outcome: "success" };
    }
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
      kinds: parseKinds(words.filter((w) => w !== "sbom")),
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

/** The `sbom` scan: the same document as `sluice scan sbom --format … --output …`. */
async function writeSbom(ctx: BuiltinContext): Promise<void> {
  const format = ctx.input("format") || "cyclonedx";
  if (format !== "cyclonedx" && format !== "spdx")
    throw createError("SLUICE_E_USAGE", `format must be cyclonedx or spdx, not "${format}"`);
  // generate, not the SBOM module's index: the index loads both writers.
  const { sbomDocumentText } = await import("../../scan/sbom/generate");
  const text = await sbomDocumentText(ctx.workspace, format);
  const output = ctx.input("output") || (format === "spdx" ? "sbom.spdx.json" : "sbom.cdx.json");
  const file = path.resolve(ctx.workspace, output);
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, text);
  ctx.log(`wrote ${format} SBOM to ${output}`);
  ctx.setOutput("sbom", file);
}
