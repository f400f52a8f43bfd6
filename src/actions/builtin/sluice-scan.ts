/**
 * `uses: sluice/scan@v1`: runs Sluice's scanners inside a workflow. Inputs: `scans` (comma or line
 * separated: secrets, deps, license, policy; default all), `sarif` (file to write), `fail-on`
 * (severity, default high), `db` (OSV database). Appends a Markdown summary to GITHUB_STEP_SUMMARY and
 * fails the step when a finding reaches `fail-on`. Gate on the SARIF with `uses: sluice/gate@v1`.
 * `sbom` in `scans` writes an SBOM as `sluice scan sbom` does: `format` (cyclonedx, the default, or
 * spdx) and `output` (default sbom.cdx.json / sbom.spdx.json); output `sbom` is its path. With only
 * `sbom` in `scans`, no finding scanner runs. As `sluice scan` does, the step fails whatever
 * `fail-on` says when `deps` is named in `scans` and no advisory source answered, or a policy rule
 * cannot be evaluated (after writing the SARIF and summary); by default deps is reported "not run".
 */
import path from "node:path";
import { createError } from "../../core/errors";
import { sluiceVersion } from "../../scan/sbom/tool";
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
      { failsAt, namedKinds, parseKinds, runScans, scanFailure },
      { toSarif },
      { writeOutput },
    ] = await Promise.all([
      import("../../config/index"),
      import("../../scan/render"),
      import("../../scan/run-scan"),
      import("../../scan/sarif"),
      import("../../scan/output"),
    ]);
    const { config } = await loadConfig(ctx.workspace);
    const failOn = (ctx.input("fail-on") || "high") as ScanSeverity | "none";
    if (!SEVERITIES.includes(failOn))
      throw createError("SLUICE_E_USAGE", `fail-on must be one of ${SEVERITIES.join(", ")}`);
    const kinds = words.filter((w) => w !== "sbom");
    const results = await runScans({
      root: ctx.workspace,
      config,
      kinds: parseKinds(kinds),
      required: namedKinds(kinds),
      deps: { db: ctx.input("db") || undefined },
      version: sluiceVersion(),
    });
    const sarif = ctx.input("sarif");
    if (sarif) {
      const file = path.resolve(ctx.workspace, sarif);
      const text = JSON.stringify(toSarif(results, ctx.workspace, sluiceVersion()), null, 2) + "\n";
      await writeOutput(file, text, "sarif");
      ctx.setOutput("sarif", file);
    }
    for (const line of renderScanText(results, false).trimEnd().split("\n")) ctx.log(line);
    if (ctx.env.GITHUB_STEP_SUMMARY)
      await writeOutput(ctx.env.GITHUB_STEP_SUMMARY, renderScanMarkdown(results), "the step summary", true);
    const total = results.reduce((n, r) => n + r.findings.length, 0);
    ctx.setOutput("findings", String(total));
    // As `sluice scan`: an unevaluable rule or a named scanner that could not run fails the step.
    const failure = scanFailure(results);
    if (failure) throw failure;
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
  const [{ sbomDocumentText }, { readScanExclude }, { writeOutput }] = await Promise.all([
    import("../../scan/sbom/generate"),
    import("../../scan/sbom/exclude"),
    import("../../scan/output"),
  ]);
  const text = await sbomDocumentText(ctx.workspace, format, await readScanExclude(ctx.workspace));
  const output = ctx.input("output") || (format === "spdx" ? "sbom.spdx.json" : "sbom.cdx.json");
  const file = path.resolve(ctx.workspace, output);
  await writeOutput(file, text, "output");
  ctx.log(`wrote ${format} SBOM to ${output}`);
  ctx.setOutput("sbom", file);
}
