import { describe, expect, it } from "vitest";
import { sarifParser } from "../report/parsers/sarif";
import type { Report } from "../report/types";
import { groupsFedBy, metricsFromReports, unavailableMetrics } from "./metrics";

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
