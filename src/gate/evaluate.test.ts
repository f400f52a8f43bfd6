import { describe, expect, it } from "vitest";
import { evaluateGate } from "./evaluate";
import type { UnavailableMetrics } from "./metrics";
import { toGateRule } from "./rules";

const metrics = {
  coverage: { lines: 81.25, branches: 70, functions: 90, statements: 80 },
  tests: { total: 10, passed: 9, failed: 1, errored: 0, skipped: 0, passRate: 90, durationMs: 5 },
  vulnerabilities: { critical: 0, high: 2, medium: 0, low: 1, total: 3 },
  perf: { requests: 100, throughput: 50, errorRate: 0.5, avg: 20, p95: 480, max: 900 },
};

describe("evaluateGate", () => {
  it("passes when every fail rule holds, and reports actual vs expected", () => {
    const r = evaluateGate(
      [toGateRule("coverage.lines >= 80"), toGateRule("vulnerabilities.critical == 0")],
      metrics,
      null,
    );
    expect(r.passed).toBe(true);
    expect(r.rules[0]).toMatchObject({ status: "passed", actual: "81.25", expected: ">= 80" });
  });

  it("fails on a failed fail-rule, naming actual and expected; warn rules do not fail the gate", () => {
    const r = evaluateGate(
      [toGateRule("tests.failed == 0"), toGateRule({ rule: "vulnerabilities.high == 0", severity: "warn" })],
      metrics,
      null,
    );
    expect(r.passed).toBe(false);
    expect(r.rules[0]).toMatchObject({ status: "failed", actual: "1", expected: "== 0" });
    expect(r.rules[0]!.message).toContain("tests.failed is 1");
    expect(r.rules[1]).toMatchObject({ status: "failed", severity: "warn" });
    expect(r.counts).toMatchObject({ passed: 0, failed: 2, warnings: 1 });
  });

  it("treats a metric nobody provided as an error that fails the gate", () => {
    const r = evaluateGate([toGateRule("lint.errors < 10")], metrics, null);
    expect(r.passed).toBe(false);
    expect(r.rules[0]).toMatchObject({ status: "error", actual: "no data" });
    expect(r.rules[0]!.message).toContain("lint");
  });

  it("evaluates CEL rules, including arithmetic with integer literals", () => {
    const r = evaluateGate(
      [
        toGateRule("vulnerabilities.critical + vulnerabilities.high <= 2"),
        toGateRule("perf.p95 < 500 && perf.errorRate < 1"),
      ],
      metrics,
      null,
    );
    expect(r.rules.map((x) => x.status)).toEqual(["passed", "passed"]);
  });

  it("compares with the baseline, and skips baseline rules until one exists", () => {
    const rule = toGateRule("coverage.lines >= baseline.coverage.lines - 0.5");
    expect(evaluateGate([rule], metrics, null).rules[0]!.status).toBe("skipped");
    expect(evaluateGate([rule], metrics, null).passed).toBe(true);
    const better = { coverage: { lines: 81.5, branches: 0, functions: 0, statements: 0 } };
    const worse = { coverage: { lines: 85, branches: 0, functions: 0, statements: 0 } };
    expect(evaluateGate([rule], metrics, better).rules[0]!.status).toBe("passed");
    const failed = evaluateGate([rule], metrics, worse);
    expect(failed.passed).toBe(false);
    expect(failed.rules[0]!.actual).toContain("baseline.coverage.lines=85");
    const perf = toGateRule("perf.p95 <= baseline.perf.p95 * 1.05");
    expect(evaluateGate([perf], metrics, { perf: { ...metrics.perf, p95: 400 } }).rules[0]!.status).toBe(
      "failed",
    );
    expect(evaluateGate([perf], metrics, { perf: { ...metrics.perf, p95: 470 } }).rules[0]!.status).toBe(
      "passed",
    );
  });

  it("reports a non-boolean CEL result as an error", () => {
    expect(evaluateGate([toGateRule("coverage.lines + 1")], metrics, null).rules[0]!.status).toBe("error");
  });

  describe("with metrics a tool run that did not complete would feed", () => {
    const reason = "deps did not run (reports/scan.sarif: no advisory database; import one)";
    const unavailable: UnavailableMetrics[] = [
      { groups: ["vulnerabilities", "findings"], report: "reports/scan.sarif", tool: "deps", reason },
    ];
    // What metricsFromReports gives then: the groups are left out, not zero.
    const { vulnerabilities: _left, ...rest } = metrics;
    const scanned = { ...rest, policy: { critical: 0, high: 0, medium: 0, low: 0, total: 0 } };

    it("fails a threshold rule on them, naming the tool, the report and why; other rules are unaffected", () => {
      const r = evaluateGate(
        [toGateRule("vulnerabilities.critical == 0"), toGateRule("policy.high == 0")],
        scanned,
        null,
        unavailable,
      );
      expect(r.passed).toBe(false);
      expect(r.rules[0]).toMatchObject({
        status: "error",
        actual: "not available",
        expected: "== 0",
        message: `vulnerabilities.critical: not available — ${reason}`,
      });
      expect(r.rules[1]).toMatchObject({ status: "passed", actual: "0" });
      expect(r.counts).toMatchObject({ passed: 1, error: 1 });
    });

    it("fails CEL rules reading them even behind has(), and before a missing baseline skips them", () => {
      const r = evaluateGate(
        [
          toGateRule("vulnerabilities.critical + vulnerabilities.high == 0 && coverage.lines > 50"),
          toGateRule("!has(vulnerabilities.critical) || vulnerabilities.critical == 0"),
          toGateRule("findings.total <= baseline.findings.total"),
          toGateRule({ rule: "findings.errors == 0", severity: "warn" }),
        ],
        scanned,
        null,
        unavailable,
      );
      expect(r.rules.map((x) => x.status)).toEqual(["error", "error", "error", "error"]);
      expect(r.rules[0]).toMatchObject({
        actual:
          "vulnerabilities.critical=not available, vulnerabilities.high=not available, coverage.lines=81.25",
        // One cause per group, however many of its keys the rule reads.
        message: `vulnerabilities.critical: not available — ${reason}`,
      });
      expect(r.rules[2]!.message).toBe(`findings.total: not available — ${reason}`);
      // A warn rule is reported, and does not fail the gate on its own.
      expect(r.counts.warnings).toBe(1);
    });

    it("does not apply to baseline values, which come from a recorded result", () => {
      const baseline = { vulnerabilities: { critical: 0, high: 0, medium: 0, low: 0, total: 0 } };
      const r = evaluateGate(
        [toGateRule("baseline.vulnerabilities.critical == 0")],
        scanned,
        baseline,
        unavailable,
      );
      expect(r.rules[0]!.status).toBe("passed");
    });

    it("names every cause when several runs feed the group", () => {
      const two: UnavailableMetrics[] = [
        ...unavailable,
        {
          groups: ["security", "findings"],
          report: "codeql.sarif",
          tool: "CodeQL",
          reason: "CodeQL did not complete (codeql.sarif: out of memory)",
        },
      ];
      const r = evaluateGate([toGateRule("findings.errors == 0")], scanned, null, two);
      expect(r.rules[0]!.message).toBe(
        `findings.errors: not available — ${reason}; CodeQL did not complete (codeql.sarif: out of memory)`,
      );
    });
  });
});

describe("messages for missing values", () => {
  it("says which figures a group has when one is missing, and blames the baseline for its own gaps", () => {
    const partial = { coverage: { lines: 75 } };
    const [own] = evaluateGate([toGateRule("coverage.branches >= 50")], partial, null).rules;
    expect(own).toMatchObject({ status: "error", actual: "no data" });
    expect(own!.message).toBe(
      "no value for coverage.branches: the reports have no branches data for coverage (coverage has: lines)",
    );
    const [base] = evaluateGate(
      [toGateRule("coverage.branches >= baseline.coverage.branches")],
      { coverage: { lines: 75, branches: 60 } },
      partial,
    ).rules;
    expect(base).toMatchObject({ status: "error" });
    expect(base!.message).toContain("the baseline result has no coverage.branches");
    const [none] = evaluateGate([toGateRule("tests.failed == 0")], partial, null).rules;
    expect(none!.message).toBe(
      "no value for tests.failed: no report or computed metric provided tests figures",
    );
  });
});
