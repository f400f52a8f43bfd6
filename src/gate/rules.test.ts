import { describe, expect, it } from "vitest";
import { compileRule, doubleLiterals, mergeRules, toGateRule } from "./rules";

describe("compileRule", () => {
  it("reads `metric op number` as a threshold", () => {
    const c = compileRule(toGateRule("coverage.lines >= 80"));
    expect(c).toMatchObject({ kind: "threshold", metric: "coverage.lines", op: ">=", value: 80 });
    expect(compileRule(toGateRule("perf.p95 < 500.5"))).toMatchObject({ kind: "threshold", value: 500.5 });
  });

  it("compiles anything else as CEL and lists the paths it reads", () => {
    const c = compileRule(toGateRule("coverage.lines >= baseline.coverage.lines - 0.5"));
    expect(c.kind).toBe("cel");
    if (c.kind === "cel") expect(c.paths).toEqual(["coverage.lines", "baseline.coverage.lines"]);
  });

  it("rejects a metric that does not exist, listing the group's metrics", () => {
    expect(() => compileRule(toGateRule("tests.faild == 0"))).toThrow(
      expect.objectContaining({
        code: "SLUICE_E_GATE_RULE",
        message:
          'rule "tests.faild == 0": unknown metric tests.faild; tests has: total, passed, failed, errored, skipped, passRate, durationMs',
      }),
    );
    expect(() => compileRule(toGateRule("coverage.lines >= baseline.coverge.lines"))).toThrow(
      /unknown metric baseline\.coverge\.lines: there is no metric group "coverge"/,
    );
    expect(compileRule(toGateRule("has(coverage.branches) && coverage.branches > 1")).kind).toBe("cel");
  });

  it("rejects a malformed rule with SLUICE_E_GATE_RULE", () => {
    expect(() => compileRule(toGateRule("coverage.lines >="))).toThrow(
      expect.objectContaining({ code: "SLUICE_E_GATE_RULE" }),
    );
  });
});

describe("doubleLiterals", () => {
  it("turns integer literals into doubles, leaving strings, decimals and names alone", () => {
    expect(doubleLiterals("a.b - 1 >= 2 * x1")).toBe("a.b - 1.0 >= 2.0 * x1");
    expect(doubleLiterals('name == "v1 2" && x > 1.5 && y < 1e3')).toBe(
      'name == "v1 2" && x > 1.5 && y < 1e3',
    );
  });
});

describe("mergeRules", () => {
  it("replaces same-named rules in place and appends new ones", () => {
    const merged = mergeRules(
      [toGateRule({ rule: "coverage.lines >= 80", name: "coverage" }), toGateRule("tests.failed == 0")],
      [toGateRule({ rule: "coverage.lines >= 85", name: "coverage" }), toGateRule("lint.errors == 0")],
    );
    expect(merged.map((r) => r.expression)).toEqual([
      "coverage.lines >= 85",
      "tests.failed == 0",
      "lint.errors == 0",
    ]);
  });
});
