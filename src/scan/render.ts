/** Scan results for people: a terminal table and a Markdown summary. */
import pc from "picocolors";
import { formatLocation, type Problem } from "../core/errors";
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

/**
 * Where a history finding was introduced: `commit 1a2b3c4 by Jane <jane@example.com> on 2024-05-01`
 * (as gitleaks reports Commit, Author, Email, Date). Undefined for findings not from history.
 */
export function provenance(f: ScanFinding): string | undefined {
  if (!f.commit) return undefined;
  // Author names come from commits: no terminal control sequences from them.
  const clean = (s: string) => [...s].map((c) => (c < " " || c === "\x7f" ? " " : c)).join("");
  const author = f.author ? ` by ${clean(f.author)}` : "";
  const date = f.date ? ` on ${f.date.slice(0, 10)}` : "";
  return `commit ${f.commit.slice(0, 7)}${author}${date}`;
}

/** The status line's words for a result that is not simply "N findings". */
function outcomeWords(r: ScanResult): string | undefined {
  if (r.notRun !== undefined) return `not run: ${r.notRun}`;
  if (r.findings.length > 0) return undefined;
  const notes = r.notes?.length ?? 0;
  const errors = r.errors?.length ?? 0;
  const done = r.outcome ?? "no findings";
  if (errors > 0) return `${done}, but ${errors} error(s): the scan is incomplete`;
  return notes > 0 ? `${done}, ${notes} note(s)` : done;
}

/** The error of a scanner that was named but could not run: its not-run reason, as one message. */
export function notRunMessage(r: ScanResult): string {
  return `${r.kind} was not run: ${r.notRun ?? ""}`;
}

/** The errors to show besides the not-run line (which already says what that error says). */
export function otherErrors(r: ScanResult): Problem[] {
  const same = r.notRun === undefined ? undefined : notRunMessage(r);
  return (r.errors ?? []).filter((p) => p.message !== same);
}

function locatedProblem(p: Problem): string {
  return p.location ? `${formatLocation(p.location)}: ${p.message}` : p.message;
}

export function renderScanText(results: ScanResult[], color: boolean, limit = 50, noteLimit = 20): string {
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
    const words = outcomeWords(r);
    // Green only for a clean, complete scan: a skipped or partial one must not look like one.
    const status =
      words === undefined
        ? `${r.findings.length} finding(s) (${summary})`
        : words === "no findings" || words === r.outcome
          ? paint(pc.green, words)
          : paint(r.errors?.length ? pc.red : pc.yellow, words);
    out.push(`${paint(pc.bold, r.kind)}: ${status}`);
    for (const p of otherErrors(r))
      out.push(`  ${paint(pc.red, "ERROR   ")} ${p.code.padEnd(28)} ${locatedProblem(p)}`);
    const sorted = [...r.findings].sort(
      (a, b) => SEVERITIES.indexOf(a.severity) - SEVERITIES.indexOf(b.severity),
    );
    for (const f of sorted.slice(0, limit)) {
      out.push(`  ${sev(f.severity)} ${f.ruleId.padEnd(28)} ${where(f)}  ${f.message}`);
      const from = provenance(f);
      if (from) out.push(paint(pc.dim, `           ${from}`));
      if (f.package?.path && f.package.path.length > 1)
        out.push(paint(pc.dim, `           via ${f.package.path.join(" > ")}`));
    }
    if (sorted.length > limit)
      out.push(paint(pc.dim, `  … and ${sorted.length - limit} more (see --json or --sarif)`));
    const notes = r.notes ?? [];
    for (const note of notes.slice(0, noteLimit)) out.push(`  ${paint(pc.yellow, "note:")} ${note}`);
    if (notes.length > noteLimit)
      out.push(paint(pc.dim, `  … and ${notes.length - noteLimit} more note(s) (see --json or --sarif)`));
  }
  return out.join("\n") + "\n";
}

export function renderScanMarkdown(results: ScanResult[], limit = 100, noteLimit = 50): string {
  const esc = (s: string) => s.replace(/\|/g, "\\|").replace(/\n/g, " ");
  const out: string[] = [];
  for (const r of results) {
    const counts = countBySeverity(r.findings);
    const errors = otherErrors(r);
    const notes = r.notes ?? [];
    const icon =
      r.errors?.length || counts.critical + counts.high > 0
        ? "❌"
        : r.notRun !== undefined || r.findings.length > 0 || notes.length > 0
          ? "⚠️"
          : "✅";
    const what =
      r.notRun !== undefined
        ? "not run"
        : r.findings.length === 0 && r.outcome
          ? esc(r.outcome)
          : `${r.findings.length} finding(s)`;
    out.push(`### ${icon} Scan \`${r.kind}\`: ${what}`, "");
    if (r.notRun !== undefined) out.push(`**Not run:** ${esc(r.notRun)}`, "");
    for (const p of errors) out.push(`- ❌ \`${p.code}\` ${esc(locatedProblem(p))}`);
    if (errors.length > 0) out.push("");
    if (r.findings.length > 0) {
      // History findings: which commit, by whom, when (a column only when there are any).
      const history = r.findings.some((f) => f.commit);
      const html = (t: string) => esc(t).replace(/</g, "&lt;").replace(/>/g, "&gt;");
      out.push(
        `| Severity | Rule | Where |${history ? " Commit |" : ""} Finding |`,
        `|---|---|---|${history ? "---|" : ""}---|`,
      );
      for (const f of r.findings.slice(0, limit)) {
        const from = history ? ` ${html(provenance(f)?.replace(/^commit /, "") ?? "")} |` : "";
        out.push(`| ${f.severity} | \`${esc(f.ruleId)}\` | ${esc(where(f))} |${from} ${esc(f.message)} |`);
      }
      if (r.findings.length > limit)
        out.push("", `… and ${r.findings.length - limit} more (see the SARIF or JSON)`);
      out.push("");
    }
    for (const note of notes.slice(0, noteLimit)) out.push(`- ⚠️ ${esc(note)}`);
    if (notes.length > noteLimit) out.push(`- … and ${notes.length - noteLimit} more note(s)`);
    if (notes.length > 0) out.push("");
  }
  return out.join("\n") + "\n";
}
