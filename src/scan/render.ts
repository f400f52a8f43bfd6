/** Scan results for people: a terminal table and a Markdown summary. */
import pc from "picocolors";
import type { ScanFinding, ScanResult, ScanSeverity } from "./types";

export const SEVERITIES: ScanSeverity[] = ["critical", "high", "medium", "low", "info"];

export function countBySeverity(findings: ScanFinding[]): Record<ScanSeverity, number> {
  const counts = { critical: 0, high: 0, medium: 0, low: 0, info: 0 };
  for (const f of findings) counts[f.severity] += 1;
  return counts;
}

function where(f: ScanFinding): string {
  if (!f.file) return f.package ? `${f.package.name}@${f.package.version}` : "";
  return `${f.file}${f.line ? `:${f.line}` : ""}${f.column ? `:${f.column}` : ""}`;
}

export function renderScanText(results: ScanResult[], color: boolean, limit = 50): string {
  const paint = (f: (s: string) => string, s: string) => (color ? f(s) : s);
  const sev = (s: ScanSeverity) => {
    const text = s.toUpperCase().padEnd(8);
    return s === "critical" || s === "high"
      ? paint(pc.red, text)
      : s === "medium"
        ? paint(pc.yellow, text)
        : paint(pc.dim, text);
  };
  const out: string[] = [];
  for (const r of results) {
    const counts = countBySeverity(r.findings);
    const summary = SEVERITIES.filter((s) => counts[s] > 0)
      .map((s) => `${counts[s]} ${s}`)
      .join(", ");
    out.push(
      `${paint(pc.bold, r.kind)}: ${r.findings.length === 0 ? paint(pc.green, "no findings") : `${r.findings.length} finding(s) (${summary})`}`,
    );
    const sorted = [...r.findings].sort(
      (a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity),
    );
    for (const f of sorted.slice(0, limit)) {
      out.push(`  ${sev(f.severity)} ${f.ruleId.padEnd(28)} ${where(f)}  ${f.message}`);
      if (f.package?.path && f.package.path.length > 1)
        out.push(paint(pc.dim, `           via ${f.package.path.join(" > ")}`));
    }
    if (sorted.length > limit)
      out.push(paint(pc.dim, `  … and ${sorted.length - limit} more (see --json or --sarif)`));
  }
  return out.join("\n") + "\n";
}

export function renderScanMarkdown(results: ScanResult[], limit = 100): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const out: string[] = [];
  for (const r of results) {
    const counts = countBySeverity(r.findings);
    out.push(
      `### ${r.findings.length === 0 ? "✅" : counts.critical + counts.high > 0 ? "❌" : "⚠️"} Scan \`${r.kind}\`: ${r.findings.length} finding(s)`,
      "",
    );
    if (r.findings.length === 0) continue;
    out.push("| Severity | Rule | Where | Finding |", "|---|---|---|---|");
    for (const f of r.findings.slice(0, limit))
      out.push(`| ${f.severity} | \`${esc(f.ruleId)}\` | ${esc(where(f))} | ${esc(f.message)} |`);
    out.push("");
  }
  return out.join("\n") + "\n";
}
