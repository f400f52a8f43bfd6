/**
 * The fixed set of metric names gates can read: every group and key `metricsFromReports` and the
 * computed metrics can produce. Rules are checked against it when they are compiled (so in
 * sluice.yml validation too), so a typo (`tests.faild`) is a rule error, not "no data" at run time.
 */

const severities = ["critical", "high", "medium", "low", "total"] as const;

export const metricKeys: Readonly<Record<string, readonly string[]>> = {
  tests: ["total", "passed", "failed", "errored", "skipped", "passRate", "durationMs"],
  coverage: ["lines", "branches", "functions", "statements", "newLines"],
  lint: ["errors", "warnings", "total"],
  types: ["errors", "warnings"],
  security: severities,
  vulnerabilities: severities,
  findings: ["errors", "warnings", "notes", "total"],
  perf: ["requests", "throughput", "errorRate", "avg", "p50", "p90", "p95", "p99", "max"],
  complexity: ["max", "average", "overThreshold", "functions"],
  secrets: [...severities, "count"],
  licenses: ["denied", "unknown", "total"],
  policy: severities,
  duplication: ["percent", "lines"],
};

/**
 * Why a dotted path a rule reads names no metric (`unknown metric tests.faild; tests has: …`), or
 * undefined when it names one (or a whole group, as in `has(coverage)`). `baseline.` is stripped.
 */
export function unknownMetric(dotted: string): string | undefined {
  const [group, key] = dotted.replace(/^baseline\./, "").split(".");
  if (group === undefined || group === "baseline") return undefined;
  const keys = metricKeys[group];
  if (keys === undefined) {
    return `unknown metric ${dotted}: there is no metric group "${group}" (groups: ${Object.keys(metricKeys).join(", ")})`;
  }
  if (key === undefined || keys.includes(key)) return undefined;
  return `unknown metric ${dotted}; ${group} has: ${keys.join(", ")}`;
}
