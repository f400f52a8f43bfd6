import { describe, expect, it } from "vitest";
import { coberturaParser } from "../report/parsers/cobertura";
import { istanbulFinalParser } from "../report/parsers/istanbul-final";
import { istanbulSummaryParser } from "../report/parsers/istanbul-summary";
import { lcovParser } from "../report/parsers/lcov";
import { sarifParser } from "../report/parsers/sarif";
import type { Report } from "../report/types";
import { evaluateGate } from "./evaluate";
import { coverageKey, coveragePercent, groupsFedBy, metricsFromReports, unavailableMetrics } from "./metrics";
import { toGateRule } from "./rules";

interface Run {
  tool: string;
  ok?: boolean;
  notifications?: Array<{ level?: string; text: string }>;
  results?: unknown[];
}

function sarif(file: string, runs: Run[]): Report {
  return sarifParser.parse(
    JSON.stringify({
      version: "2.1.0",
      runs: runs.map((r) => ({
        tool: { driver: { name: r.tool } },
        invocations: [
          {
            executionSuccessful: r.ok ?? true,
            toolExecutionNotifications: (r.notifications ?? []).map((n) => ({
              ...(n.level ? { level: n.level } : {}),
              message: { text: n.text },
            })),
          },
        ],
        results: r.results ?? [],
      })),
    }),
    file,
  );
}

const noDb = "not run: no advisory database; import one with `sluice db import <all.zip>`";

/** One result of every kind a run can hold: each severity band, with and without a security tag. */
const everyKind = [
  { ruleId: "a", level: "error", message: { text: "a" }, properties: { "security-severity": "9.5" } },
  { ruleId: "b", level: "warning", message: { text: "b" }, properties: { "security-severity": "5.0" } },
  { ruleId: "c", level: "error", message: { text: "c" } },
  { ruleId: "d", level: "note", message: { text: "d" }, properties: { tags: ["security"] } },
];

describe("metrics of incomplete SARIF runs", () => {
  it("leaves out the groups of a Sluice scanner that did not run and says why; others stay", () => {
    const report = sarif("reports/scan.sarif", [
      { tool: "sluice-secrets" },
      { tool: "sluice-deps", ok: false, notifications: [{ text: noDb }] },
      { tool: "sluice-license" },
      { tool: "sluice-policy", results: [everyKind[2]] },
      { tool: "sluice-sbom", ok: false, notifications: [{ text: "not run: no lockfile" }] },
    ]);
    const metrics = metricsFromReports([report]);
    expect(metrics).not.toHaveProperty("vulnerabilities");
    expect(metrics).not.toHaveProperty("findings");
    expect(metrics).toMatchObject({
      secrets: { count: 0, critical: 0 },
      licenses: { denied: 0, total: 0 },
      policy: { high: 1, total: 1 },
    });
    // sluice-sbom feeds no metric: its failure makes nothing unavailable.
    expect(unavailableMetrics([report])).toEqual([
      {
        groups: ["vulnerabilities", "findings"],
        report: "reports/scan.sarif",
        tool: "deps",
        reason:
          "deps did not run (reports/scan.sarif: no advisory database; import one with `sluice db import <all.zip>`)",
      },
    ]);
  });

  it("says 'did not complete' for other failures, counts further notifications, copes with none", () => {
    const report = sarif("codeql.sarif", [
      {
        tool: "CodeQL",
        ok: false,
        results: [everyKind[0]],
        notifications: [
          { level: "note", text: "extracted 3 files" },
          { level: "error", text: "out of memory\n  at com.semmle.Extractor.run(Extractor.java:12)" },
          { text: "query timed out" },
        ],
      },
      { tool: "ESLint", ok: false },
    ]);
    expect(unavailableMetrics([report]).map((u) => [u.groups, u.reason])).toEqual([
      [
        ["security", "findings"],
        "CodeQL did not complete (codeql.sarif: out of memory (and 2 more notifications))",
      ],
      [
        ["lint", "security", "findings"],
        "ESLint did not complete (codeql.sarif: executionSuccessful is false and no notification says why)",
      ],
    ]);
    // A partial count is no count: the critical CodeQL found is not a `security.critical` of 1.
    const metrics = metricsFromReports([report]);
    expect(metrics).not.toHaveProperty("security");
    expect(metrics).not.toHaveProperty("lint");
    expect(metrics).not.toHaveProperty("findings");
  });

  it("keeps a group unavailable when another report also provides it", () => {
    const audit: Report = {
      format: "npm-audit",
      file: "audit.json",
      findings: [],
    };
    const scan = sarif("scan.sarif", [{ tool: "sluice-deps", ok: false, notifications: [{ text: noDb }] }]);
    expect(metricsFromReports([audit])).toHaveProperty("vulnerabilities");
    expect(metricsFromReports([audit, scan])).not.toHaveProperty("vulnerabilities");
  });

  it.each([
    "sluice-secrets",
    "sluice-deps",
    "sluice-license",
    "sluice-policy",
    "sluice-sbom",
    "CodeQL",
    "ESLint",
  ])("marks unavailable every group a %s run feeds", (tool) => {
    // The groups a run feeds are those its presence or its findings change: exactly groupsFedBy.
    const without = metricsFromReports([sarif("x.sarif", [{ tool: "Other" }])]);
    const empty = metricsFromReports([sarif("x.sarif", [{ tool: "Other" }, { tool }])]);
    const full = metricsFromReports([sarif("x.sarif", [{ tool: "Other" }, { tool, results: everyKind }])]);
    const changed = [...new Set([...Object.keys(without), ...Object.keys(empty), ...Object.keys(full)])]
      .filter(
        (g) =>
          JSON.stringify(without[g]) !== JSON.stringify(empty[g]) ||
          JSON.stringify(empty[g]) !== JSON.stringify(full[g]),
      )
      .sort();
    expect(changed).toEqual([...groupsFedBy(tool)].sort());
    const failed = metricsFromReports([sarif("x.sarif", [{ tool: "Other" }, { tool, ok: false }])]);
    for (const group of groupsFedBy(tool)) expect(failed).not.toHaveProperty(group);
  });
});

describe("coverage metrics", () => {
  const lcov = (file: string, hits: number[]) =>
    lcovParser.parse(
      ["TN:", `SF:${file}`, ...hits.map((h, i) => `DA:${i + 1},${h}`), "end_of_record", ""].join("\n"),
      "lcov.info",
    );
  // coverage.py without --branch: no <methods>, branches-valid="0".
  const coveragePy = (file: string, hits: number[]) =>
    coberturaParser.parse(
      `<?xml version="1.0" ?>
<coverage version="7.4" line-rate="0.5" branch-rate="0" lines-valid="${hits.length}" branches-valid="0">
  <sources><source>/repo</source></sources>
  <packages><package name="."><classes>
    <class name="${file}" filename="${file}"><methods/><lines>
${hits.map((h, i) => `      <line number="${i + 1}" hits="${h}"/>`).join("\n")}
    </lines></class>
  </classes></package></packages>
</coverage>`,
      "coverage.xml",
    );
  const istanbulFinal = (file: string, s: number[], f: number[]) =>
    istanbulFinalParser.parse(
      JSON.stringify({
        [file]: {
          path: file,
          statementMap: Object.fromEntries(s.map((_, i) => [i, { start: { line: i + 1 } }])),
          s: Object.fromEntries(s.map((n, i) => [i, n])),
          fnMap: {},
          f: Object.fromEntries(f.map((n, i) => [i, n])),
          branchMap: {},
          b: {},
        },
      }),
      "coverage-final.json",
    );

  it("leaves statements absent for lcov and Cobertura, which have no statement data", () => {
    const m = metricsFromReports([lcov("src/a.ts", [1, 0, 1])], "/repo");
    expect(m.coverage).toEqual({ lines: 66.66 });
    expect(evaluateGate([toGateRule("coverage.statements >= 0")], m, null).rules[0]).toMatchObject({
      status: "error",
      actual: "no data",
    });
  });

  it("leaves out a dimension a report has no data for (coverage.py: no methods, no branches)", () => {
    const m = metricsFromReports([coveragePy("app.py", [1, 1, 0, 1])], "/repo");
    expect(m.coverage).toEqual({ lines: 75 });
    expect(m.coverage!.functions).toBeUndefined();
    expect(m.coverage!.branches).toBeUndefined();
  });

  it("counts a file with nothing to cover as nothing, not as 100 %", () => {
    const m = metricsFromReports([lcov("src/a.ts", [1, 0]), lcov("src/empty.ts", [])], "/repo");
    expect(m.coverage).toEqual({ lines: 50 });
  });

  it("counts a source file once across lcov, Cobertura and istanbul reports of one run", () => {
    const m = metricsFromReports(
      [
        lcov("/repo/src/a.ts", [1, 1, 0]),
        coveragePy("src/a.ts", [1, 1, 0]),
        istanbulFinal("/repo/src/a.ts", [1, 1, 0], [1, 0]),
        lcov("./src/b.ts", [1, 0]),
      ],
      "/repo",
    );
    // a.ts from coverage-final.json (3 lines, 2 hit), b.ts from lcov: 3 of 5 lines.
    expect(m.coverage!.lines).toBe(60);
    expect(m.coverage!.functions).toBe(50);
    // b.ts has no statement data: no blend of istanbul statements and lcov lines.
    expect(m.coverage!.statements).toBeUndefined();
    const alone = metricsFromReports(
      [lcov("/repo/src/a.ts", [1, 1, 0]), istanbulFinal("src/a.ts", [1, 1, 0], [1, 0])],
      "/repo",
    );
    expect(alone.coverage).toEqual({ lines: 66.66, functions: 50, statements: 66.66 });
  });

  it("merges line hits of same-format shards of one file", () => {
    const m = metricsFromReports([lcov("src/a.ts", [1, 0, 0]), lcov("src/a.ts", [0, 1, 0])], "/repo");
    expect(m.coverage!.lines).toBe(66.66);
  });

  it("floors percentages to two decimals as istanbul does", () => {
    expect(coveragePercent(2, 3)).toBe(66.66);
    expect(coveragePercent(7, 9)).toBe(77.77);
    expect(coveragePercent(1, 1)).toBe(100);
    const m = metricsFromReports([istanbulFinal("src/a.ts", [1, 1, 1, 1, 1, 1, 1, 0, 0], [])], "/repo");
    expect(m.coverage!.statements).toBe(77.77);
    expect(evaluateGate([toGateRule("coverage.statements >= 77.78")], m, null).rules[0]).toMatchObject({
      status: "failed",
      actual: "77.77",
    });
  });

  it("reads coverage-summary.json from its files, agreeing with its pct", () => {
    const entry = (covered: number, total: number) => ({
      total,
      covered,
      skipped: 0,
      pct: coveragePercent(covered, total),
    });
    const summary = istanbulSummaryParser.parse(
      JSON.stringify({
        total: { lines: entry(2, 3), statements: entry(7, 9), functions: entry(0, 0), branches: entry(1, 2) },
        "/repo/src/a.ts": {
          lines: entry(2, 3),
          statements: entry(7, 9),
          functions: entry(0, 0),
          branches: entry(1, 2),
        },
      }),
      "coverage-summary.json",
    );
    expect(metricsFromReports([summary], "/repo").coverage).toEqual({
      lines: 66.66,
      statements: 77.77,
      branches: 50,
    });
  });

  it("normalises coverage paths to the repository", () => {
    expect(coverageKey("/repo/src/a.ts", [], "/repo")).toBe("src/a.ts");
    expect(coverageKey("./src/a.ts", [], "/repo")).toBe("src/a.ts");
    expect(coverageKey("a.ts", ["/repo/src"], "/repo")).toBe("src/a.ts");
    expect(coverageKey("/elsewhere/a.ts", [], "/repo")).toBe("/elsewhere/a.ts");
  });

  it("matches an absolute path from another machine to the one relative path it ends with", () => {
    const m = metricsFromReports(
      [
        lcov("src/a.ts", [1, 0, 0]),
        istanbulFinal("/srv/ci-runner/build/app/src/a.ts", [1, 1, 0], []),
        lcov("/srv/ci-runner/build/app/lib/b.ts", [1]),
      ],
      "/repo",
    );
    expect(m.coverage).toEqual({ lines: 75 });
  });
});
