/**
 * Metrics Sluice computes itself when a gate asks for them (`compute:` in sluice.yml): complexity and
 * duplication of TS/JS sources, and coverage of the lines changed since a base branch.
 */
import type { SluiceConfig } from "../config/schema";
import type { CoverageSummary, Report } from "../report/types";
import type { Metrics } from "./metrics";

type ComputeSpec = SluiceConfig["gates"][string]["compute"];

export async function computeMetrics(
  spec: ComputeSpec,
  repoRoot: string,
  reports: Report[],
): Promise<Metrics> {
  const out: Metrics = {};
  if (!spec.complexity && !spec.duplication && !spec.newCode) return out;
  // Loaded on demand: the TypeScript compiler takes about a second to load, which no other command should pay.
  const {
    changedLines,
    collectSourceFiles,
    detectDuplication,
    measureComplexity,
    newCodeCoverage,
    readSourceFiles,
  } = await import("../metrics/code/index");
  if (spec.complexity) {
    const files = readSourceFiles(
      repoRoot,
      await collectSourceFiles(repoRoot, globsUnder(spec.complexity.paths)),
    );
    const report = measureComplexity(files);
    out.complexity = {
      max: report.max,
      average: Math.round(report.average * 100) / 100,
      overThreshold: report.overThreshold(spec.complexity.threshold).length,
      functions: report.functions.length,
    };
  }
  if (spec.duplication) {
    const files = readSourceFiles(
      repoRoot,
      await collectSourceFiles(repoRoot, globsUnder(spec.duplication.paths)),
    );
    const report = detectDuplication(files, { minTokens: spec.duplication.minTokens });
    out.duplication = { percent: Math.round(report.percent * 100) / 100, lines: report.duplicatedLines };
  }
  if (spec.newCode) {
    const coverage = mergedCoverage(reports);
    if (coverage) {
      const result = newCodeCoverage(
        changedLines(repoRoot, spec.newCode.base, { uncommitted: true }),
        coverage,
        repoRoot,
      );
      out.coverage = { newLines: Math.round(result.percent * 100) / 100 } as Metrics["coverage"];
    }
  }
  return out;
}

function globsUnder(paths: string[]): string[] {
  return paths.map((p) => `${p.replace(/\/+$/, "")}/**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}`);
}

function mergedCoverage(reports: Report[]): CoverageSummary | null {
  const all = reports.flatMap((r) => (r.coverage ? [r.coverage] : []));
  if (all.length === 0) return null;
  const zero = { covered: 0, total: 0 };
  return {
    lines: zero,
    branches: zero,
    functions: zero,
    files: all.flatMap((c) => c.files),
  };
}
