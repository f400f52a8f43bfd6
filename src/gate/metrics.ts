/**
 * The metrics model gates evaluate: plain nested objects of numbers, built from parsed reports and
 * from metrics Sluice computes itself. Percentages are 0–100 with two decimals. Only the groups some
 * input provided are present, so a rule on a missing group says "no data" instead of passing on zero.
 * Groups fed by a tool run that did not complete (SARIF `executionSuccessful: false`) are left out
 * too, and `unavailableMetrics` says why, so a rule reading them fails naming the tool and report.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import { isLintTool } from "../report/parsers/sarif";
import type { CoberturaCoverage } from "../report/parsers/cobertura";
import type { FileCoverage, Finding, Ratio, Report, ReportFormat } from "../report/types";

export interface Metrics {
  tests?: {
    total: number;
    passed: number;
    failed: number;
    errored: number;
    skipped: number;
    passRate: number;
    durationMs: number;
  };
  coverage?: {
    lines?: number;
    branches?: number;
    functions?: number;
    statements?: number;
    newLines?: number;
  };
  lint?: { errors: number; warnings: number; total: number };
  types?: { errors: number; warnings: number };
  security?: SeverityCounts;
  vulnerabilities?: SeverityCounts;
  findings?: { errors: number; warnings: number; notes: number; total: number };
  perf?: {
    requests: number;
    throughput: number;
    errorRate: number;
    avg: number;
    p50?: number;
    p90?: number;
    p95?: number;
    p99?: number;
    max: number;
  };
  complexity?: { max: number; average: number; overThreshold: number; functions: number };
  secrets?: SeverityCounts & { count: number };
  licenses?: { denied: number; unknown: number; total: number };
  policy?: SeverityCounts;
  duplication?: { percent: number; lines: number };
  [group: string]: Record<string, number | undefined> | undefined;
}

export interface SeverityCounts {
  [severity: string]: number;
  critical: number;
  high: number;
  medium: number;
  low: number;
  total: number;
}

/**
 * Metric groups that are not available because a tool run that feeds them did not complete: its
 * results (if any) are a partial count, and zero would be a false all-clear.
 */
export interface UnavailableMetrics {
  /** The groups the run feeds (`vulnerabilities`, `findings`…): every key in them is unavailable. */
  groups: string[];
  /** The report file, as given. */
  report: string;
  /** The tool as its output names it: `deps` for Sluice's `sluice-deps`, else the SARIF driver name. */
  tool: string;
  /** For messages: `deps did not run (reports/scan.sarif: no advisory database; …)`. */
  reason: string;
}

/**
 * The metric groups a SARIF run of `tool` feeds in `metricsFromReports`: Sluice's scanners their own
 * group (`sluice-deps` also `findings`), other tools `security` and `findings` (and `lint` for
 * linters). `sluice-sbom` and unknown `sluice-*` runs feed none.
 */
export function groupsFedBy(tool: string): string[] {
  switch (tool) {
    case "sluice-secrets":
      return ["secrets"];
    case "sluice-deps":
      return ["vulnerabilities", "findings"];
    case "sluice-license":
      return ["licenses"];
    case "sluice-policy":
      return ["policy"];
  }
  if (tool.startsWith("sluice-")) return [];
  return isLintTool(tool) ? ["lint", "security", "findings"] : ["security", "findings"];
}

/**
 * One entry per incomplete run (SARIF `executionSuccessful: false`) that feeds some group. A group is
 * unavailable even when another report also provides it: the sum would be partial.
 */
export function unavailableMetrics(reports: Report[]): UnavailableMetrics[] {
  return reports.flatMap((report) =>
    (report.incompleteRuns ?? []).flatMap((run) => {
      const groups = groupsFedBy(run.tool);
      if (groups.length === 0) return [];
      const tool = run.tool.replace(/^sluice-/, "");
      const [full, ...rest] = run.notifications;
      // One line per cause: a notification may carry a stack trace or a long log after its first line.
      const first = full?.split(/\r?\n/)[0]!.trim();
      // Sluice's scanners say `not run: <why>` for a scanner that checked nothing.
      const notRun = first !== undefined && /^not run:\s*/i.test(first);
      const why =
        first === undefined
          ? "executionSuccessful is false and no notification says why"
          : first.replace(/^not run:\s*/i, "") +
            (rest.length > 0 ? ` (and ${rest.length} more notification${rest.length > 1 ? "s" : ""})` : "");
      const reason = `${tool} ${notRun ? "did not run" : "did not complete"} (${report.file}: ${why})`;
      return [{ groups, report: report.file, tool, reason }];
    }),
  );
}

/**
 * The metrics of the reports. Groups a tool run that did not complete would feed are left out (see
 * `unavailableMetrics` for why), never given as zero. `root` (the repository root; default the
 * working directory) is what coverage paths are made relative to when reports are merged per file.
 */
export function metricsFromReports(reports: Report[], root: string = process.cwd()): Metrics {
  const m: Metrics = {};
  const tests = reports.flatMap((r) => (r.tests ? [r.tests] : []));
  if (tests.length > 0) {
    const sum = (k: "total" | "passed" | "failed" | "errored" | "skipped" | "durationMs") =>
      tests.reduce((n, t) => n + t[k], 0);
    const total = sum("total");
    const executed = total - sum("skipped");
    m.tests = {
      total,
      passed: sum("passed"),
      failed: sum("failed"),
      errored: sum("errored"),
      skipped: sum("skipped"),
      passRate: executed === 0 ? 100 : pct(sum("passed"), executed),
      durationMs: sum("durationMs"),
    };
  }
  if (reports.some((r) => r.coverage)) {
    const coverage = coverageMetrics(reports, root);
    if (Object.keys(coverage).length > 0) m.coverage = coverage;
  }
  const all = reports.flatMap((r) => r.findings ?? []);
  // Sluice's own scanners write SARIF too (`sluice scan --sarif`): their findings become the named
  // groups the gates use (secrets.count, vulnerabilities.*, licenses.denied, policy.high).
  const own = (kind: string) => all.filter((f) => f.tool === `sluice-${kind}`);
  const findings = all.filter((f) => !f.tool.startsWith("sluice-") || f.tool === "sluice-deps");
  addScanGroups(m, own, reports);
  // A lint report with no messages still proves "zero lint errors": count groups by report format too.
  const formats = new Set(reports.map((r) => r.format));
  if (formats.has("eslint") || findings.some((f) => f.category === "lint"))
    m.lint = levelCounts(findings.filter((f) => f.category === "lint"));
  if (formats.has("tsc") || findings.some((f) => f.category === "types")) {
    const t = levelCounts(findings.filter((f) => f.category === "types"));
    m.types = { errors: t.errors, warnings: t.warnings };
  }
  const vulnerable = findings.filter((f) => f.category === "vulnerability" || f.tool === "sluice-deps");
  if (formats.has("npm-audit") || vulnerable.length > 0 || sarifFrom(reports, "sluice-deps")) {
    m.vulnerabilities = severityCounts(vulnerable);
  }
  // Third-party SARIF (CodeQL, Semgrep…) is `security`; Sluice's own runs have their own groups.
  const security = findings.filter((f) => f.category === "security" && f.tool !== "sluice-deps");
  const foreignSarif = reports.some(
    (r) => r.format === "sarif" && (r.tools ?? []).some((t) => !t.startsWith("sluice-")),
  );
  if (security.length > 0 || foreignSarif) m.security = severityCounts(security);
  if (reports.some((r) => r.findings)) {
    const all = levelCounts(findings);
    m.findings = {
      errors: all.errors,
      warnings: all.warnings,
      notes: findings.filter((f) => f.level === "note").length,
      total: findings.length,
    };
  }
  const perf = reports.flatMap((r) => (r.perf ? [r.perf] : [])).at(-1);
  if (perf) {
    m.perf = {
      requests: perf.requests,
      throughput: round(perf.throughput),
      errorRate: round(perf.errorRate * 100),
      avg: round(perf.latency.avg),
      p50: opt(perf.latency.p50),
      p90: opt(perf.latency.p90),
      p95: opt(perf.latency.p95),
      p99: opt(perf.latency.p99),
      max: round(perf.latency.max),
    };
  }
  for (const u of unavailableMetrics(reports)) for (const group of u.groups) delete m[group];
  return m;
}

/** Whether a SARIF report contained a run of `tool` (even one with no results: zero is a figure too). */
function sarifFrom(reports: Report[], tool: string): boolean {
  return reports.some((r) => r.format === "sarif" && (r.tools ?? []).includes(tool));
}

function addScanGroups(m: Metrics, own: (kind: string) => Finding[], reports: Report[]): void {
  const secrets = own("secrets");
  if (secrets.length > 0 || sarifFrom(reports, "sluice-secrets"))
    m.secrets = { ...severityCounts(secrets), count: secrets.length };
  const licenses = own("license");
  if (licenses.length > 0 || sarifFrom(reports, "sluice-license")) {
    const denied = licenses.filter((f) => f.severity === "critical" || f.severity === "high").length;
    m.licenses = { denied, unknown: licenses.length - denied, total: licenses.length };
  }
  const policy = own("policy");
  if (policy.length > 0 || sarifFrom(reports, "sluice-policy")) m.policy = severityCounts(policy);
}

type Dimension = "lines" | "branches" | "functions" | "statements";
const dimensions: readonly Dimension[] = ["lines", "branches", "functions", "statements"];

/** How detailed a coverage format is: for a file several reports cover, the most detailed one wins. */
const coverageRank: Partial<Record<ReportFormat, number>> = {
  "istanbul-final": 4,
  "istanbul-summary": 3,
  cobertura: 2,
  lcov: 1,
};

/**
 * Coverage of several reports of one run, merged per source file (paths made relative to `root`):
 * a file several reports cover counts once, with the counts of the most detailed format
 * (istanbul coverage-final.json > coverage-summary.json > Cobertura > lcov); reports of the same
 * format (shards) are combined per file: line hits merged, the better-covered figure of each other
 * dimension. A dimension whose total is 0 over all files has no data and is left out (not 100 %);
 * `statements` is given only when every file has statement data (istanbul formats), never a blend
 * of statements and lines. Percentages are floored to two decimals, as istanbul prints them.
 */
export function coverageMetrics(reports: Report[], root: string): NonNullable<Metrics["coverage"]> {
  const byFile = new Map<string, { rank: number; file: FileCoverage }>();
  // Reports without per-file data (a coverage-summary.json with only `total`) are added as a block.
  const blocks: Partial<Record<Dimension, Ratio>>[] = [];
  const add = (key: string, rank: number, file: FileCoverage) => {
    const seen = byFile.get(key);
    if (seen === undefined || rank > seen.rank) byFile.set(key, { rank, file });
    else if (rank === seen.rank) seen.file = combineFile(seen.file, file);
  };
  for (const report of reports) {
    const coverage = report.coverage;
    if (!coverage) continue;
    if (coverage.files.length === 0) {
      blocks.push(coverage);
      continue;
    }
    const rank = coverageRank[report.format] ?? 0;
    const roots = (coverage as Partial<CoberturaCoverage>).sourceRoots ?? [];
    for (const file of coverage.files) add(coverageKey(file.path, roots, root), rank, file);
  }
  // An absolute path from another machine (a report made in CI) is the same file as the one relative
  // path it ends with, when exactly one does.
  for (const [key, entry] of [...byFile]) {
    if (!isAbsolute(key)) continue;
    const fits = [...byFile.keys()].filter((k) => !isAbsolute(k) && key.endsWith(`/${k}`));
    if (fits.length !== 1) continue;
    byFile.delete(key);
    add(fits[0]!, entry.rank, entry.file);
  }
  const ratios: Partial<Record<Dimension, Ratio>>[] = [...[...byFile.values()].map((v) => v.file), ...blocks];
  const out: NonNullable<Metrics["coverage"]> = {};
  for (const dim of dimensions) {
    if (dim === "statements" && ratios.some((r) => r.statements === undefined)) continue;
    let covered = 0;
    let total = 0;
    for (const r of ratios) {
      covered += r[dim]?.covered ?? 0;
      total += r[dim]?.total ?? 0;
    }
    if (total > 0) out[dim] = coveragePercent(covered, total);
  }
  return out;
}

/** Two reports of one format for the same file (shards): line hits merged, else the better figure. */
function combineFile(a: FileCoverage, b: FileCoverage): FileCoverage {
  const better = (x: Ratio | undefined, y: Ratio | undefined): Ratio | undefined =>
    x === undefined ? y : y === undefined ? x : y.covered > x.covered ? y : x;
  let lines = better(a.lines, b.lines)!;
  const lineHits = new Map(a.lineHits);
  if (a.lineHits.size > 0 && b.lineHits.size > 0) {
    for (const [line, hits] of b.lineHits) lineHits.set(line, Math.max(lineHits.get(line) ?? 0, hits));
    let hit = 0;
    for (const n of lineHits.values()) if (n > 0) hit++;
    lines = { covered: hit, total: lineHits.size };
  }
  return {
    path: a.path,
    lines,
    branches: better(a.branches, b.branches)!,
    functions: better(a.functions, b.functions)!,
    statements: a.statements && b.statements ? better(a.statements, b.statements) : undefined,
    lineHits,
  };
}

/**
 * A coverage path as a repository-relative POSIX path: absolute paths inside `root` made relative,
 * Cobertura's relative `filename`s resolved against its `<source>` (the first that holds the file).
 */
export function coverageKey(file: string, sourceRoots: readonly string[], root: string): string {
  const posix = (p: string) => p.replace(/\\/g, "/");
  let p = posix(file.replace(/^file:\/\//, ""));
  if (!isAbsolute(p) && sourceRoots.length > 0) {
    const candidates = sourceRoots.map((s) => path.resolve(root, s, p));
    p = posix(candidates.find((c) => existsSync(c)) ?? candidates[0]!);
  }
  if (isAbsolute(p)) {
    const rel = path.posix.relative(posix(root), p);
    if (rel !== "" && !rel.startsWith("../") && rel !== ".." && !isAbsolute(rel)) p = rel;
  }
  return path.posix.normalize(p).replace(/^(?:\.\/)+/, "");
}

function isAbsolute(p: string): boolean {
  return p.startsWith("/") || /^[A-Za-z]:\//.test(p);
}

/**
 * istanbul-lib-coverage's `percent()`: floored, not rounded, to two decimals, so a gate says what the
 * coverage tool printed (2/3 is 66.66, and `>= 66.67` fails).
 */
export function coveragePercent(covered: number, total: number): number {
  return Math.floor((1000 * 100 * covered) / total / 10) / 100;
}

function levelCounts(findings: Finding[]): { errors: number; warnings: number; total: number } {
  const errors = findings.filter((f) => f.level === "error").length;
  const warnings = findings.filter((f) => f.level === "warning").length;
  return { errors, warnings, total: findings.length };
}

function severityCounts(findings: Finding[]): SeverityCounts {
  const count = (s: string) => findings.filter((f) => (f.severity ?? fallbackSeverity(f)) === s).length;
  return {
    critical: count("critical"),
    high: count("high"),
    medium: count("medium"),
    low: count("low"),
    total: findings.length,
  };
}

/** SARIF results without a security-severity are ranked by level: error → high, warning → medium. */
function fallbackSeverity(f: Finding): string {
  return f.level === "error" ? "high" : f.level === "warning" ? "medium" : "low";
}

function pct(a: number, b: number): number {
  return round((a / b) * 100);
}

function round(n: number): number {
  return Math.round(n * 100) / 100;
}

function opt(n: number | undefined): number | undefined {
  return n === undefined ? undefined : round(n);
}

/** Deep-merges metric groups; later sources win per key (computed metrics over report metrics). */
export function mergeMetrics(...sources: Metrics[]): Metrics {
  const out: Metrics = {};
  for (const src of sources) {
    for (const [group, values] of Object.entries(src)) {
      if (values) out[group] = { ...(out[group] ?? {}), ...values };
    }
  }
  return out;
}
