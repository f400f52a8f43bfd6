/** Gate results for people: a terminal table and a Markdown report (GITHUB_STEP_SUMMARY, PR comments). */
import pc from "picocolors";
import type { GateEvaluation, RuleResult } from "./evaluate";
import type { UnavailableMetrics } from "./metrics";

export interface GateOutcome extends GateEvaluation {
  gate: string;
  ref: string;
  environment: string | null;
  baseline: { ref: string; sha: string; createdAt: string } | null;
  reports: Array<{ file: string; format: string }>;
  /** Metric groups left out because a tool run feeding them did not complete, and why. */
  unavailable?: UnavailableMetrics[];
}

/**
 * `vulnerabilities.*, findings.* not available: deps did not run (…)`, one line per incomplete run no
 * rule result already names: a gate that passes without reading them still says what went unchecked.
 */
function unavailableLines(o: GateOutcome): string[] {
  return (o.unavailable ?? [])
    .filter((u) => !o.rules.some((r) => r.message.includes(u.reason)))
    .map((u) => `${u.groups.map((g) => `${g}.*`).join(", ")} not available: ${u.reason}`);
}

const ICON: Record<RuleResult["status"], string> = { passed: "✓", failed: "✗", error: "✗", skipped: "−" };

export function renderGateText(o: GateOutcome, color: boolean): string {
  const paint = (f: (s: string) => string, s: string) => (color ? f(s) : s);
  const failed = o.rules.filter(
    (r) => r.severity === "fail" && (r.status === "failed" || r.status === "error"),
  ).length;
  const verdict = o.passed ? paint(pc.green, "PASSED") : paint(pc.red, "FAILED");
  const lines = [
    `Gate ${o.gate}: ${verdict}${failed ? ` (${failed} of ${o.rules.length} rules failed)` : ""}${o.environment ? ` for ${o.environment}` : ""}`,
  ];
  const width = Math.min(60, Math.max(...o.rules.map((r) => r.name.length), 10));
  for (const r of o.rules) {
    const bad = r.status === "failed" || r.status === "error";
    const icon = bad
      ? paint(r.severity === "warn" ? pc.yellow : pc.red, r.severity === "warn" ? "!" : ICON[r.status])
      : paint(r.status === "passed" ? pc.green : pc.dim, ICON[r.status]);
    const tag = r.severity === "warn" ? paint(pc.dim, " [warn]") : "";
    const detail =
      r.status === "skipped" || r.status === "error"
        ? r.message
        : bad
          ? `${r.actual}  (expected ${r.expected})`
          : r.actual;
    lines.push(`  ${icon} ${r.name.padEnd(width)}${tag}  ${detail}`);
  }
  if (o.baseline)
    lines.push(
      paint(pc.dim, `  baseline: ${o.baseline.ref}@${o.baseline.sha.slice(0, 7)} (${o.baseline.createdAt})`),
    );
  for (const line of unavailableLines(o)) lines.push(paint(pc.yellow, `  ${line}`));
  if (o.reports.length > 0)
    lines.push(paint(pc.dim, `  reports: ${o.reports.map((r) => `${r.format}:${r.file}`).join(", ")}`));
  return lines.join("\n") + "\n";
}

export function renderGateMarkdown(o: GateOutcome): string {
  const status = (r: RuleResult) =>
    r.status === "passed"
      ? "✅ passed"
      : r.status === "skipped"
        ? "➖ skipped"
        : r.severity === "warn"
          ? "⚠️ warning"
          : r.status === "error"
            ? "❌ no data"
            : "❌ failed";
  const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const out = [
    `### ${o.passed ? "✅" : "❌"} Quality gate \`${o.gate}\` ${o.passed ? "passed" : "failed"}`,
    "",
    "| Rule | Status | Actual | Expected |",
    "|---|---|---|---|",
    ...o.rules.map(
      (r) =>
        `| \`${esc(r.name)}\` | ${status(r)} | ${esc(r.status === "error" || r.status === "skipped" ? r.message : r.actual)} | ${esc(r.expected)} |`,
    ),
  ];
  const unavailable = unavailableLines(o);
  if (unavailable.length > 0) out.push("", ...unavailable.map((line) => `- ⚠️ ${line}`));
  if (o.baseline)
    out.push(
      "",
      `Baseline: \`${o.baseline.ref}\` at \`${o.baseline.sha.slice(0, 7)}\` (${o.baseline.createdAt}).`,
    );
  return out.join("\n") + "\n";
}
