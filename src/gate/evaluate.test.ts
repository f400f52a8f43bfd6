import { describe, expect, it } from "vitest";
import { evaluateGate } from "./evaluate";
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
});
