import { describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import type { Measurement } from "../provider/types";
import { parseCondition } from "./condition";
import { thresholdJudge } from "./threshold";
import type { Sample } from "./types";

const at = new Date(0);
const sample = (metrics: Record<string, Partial<Measurement>>): Sample => ({
  metrics: Object.fromEntries(
    Object.entries(metrics).map(([k, m]) => [k, { phase: "ok", at, ...m } as Measurement]),
  ),
});
const decide = (conditions: string[], baseline: Sample, canary: Sample, minSamples = 20) =>
  thresholdJudge.decide(baseline, canary, thresholdJudge.parseSpec({ conditions, minSamples }));

describe("threshold judge", () => {
  const baseline = sample({ errorRate: { value: 0.01, count: 1000 }, p95: { value: 300, count: 1000 } });

  it("passes when every condition holds, and scores the share that hold", () => {
    const canary = sample({ errorRate: { value: 0.012, count: 400 }, p95: { value: 320, count: 400 } });
    const r = decide(
      ["errorRate < 0.05", "p95 < 500", "canary.errorRate <= baseline.errorRate * 1.5"],
      baseline,
      canary,
    );
    expect(r).toMatchObject({ verdict: "pass", score: 100 });
  });

  it("fails with both sides' values in the reason", () => {
    const canary = sample({ errorRate: { value: 0.02, count: 400 }, p95: { value: 320, count: 400 } });
    const r = decide(["p95 < 500", "canary.errorRate <= baseline.errorRate * 1.5"], baseline, canary);
    expect(r.verdict).toBe("fail");
    expect(r.score).toBe(50);
    expect(r.reason).toBe('0.02 > 0.015: "canary.errorRate <= baseline.errorRate * 1.5" does not hold');
  });

  it("is inconclusive below the minimum sample size instead of failing on noise", () => {
    const canary = sample({ errorRate: { value: 1 / 3, count: 3 } });
    const r = decide(["errorRate < 0.05"], baseline, canary);
    expect(r.verdict).toBe("inconclusive");
    expect(r.reason).toMatch(/3 observations, fewer than minSamples 20/);
    expect(decide(["errorRate < 0.05"], baseline, canary, 0).verdict).toBe("fail");
  });

  it("a definite failure outweighs another condition's missing data", () => {
    const canary = sample({ errorRate: { value: 0.5, count: 400 } });
    expect(decide(["errorRate < 0.05", "p95 < 500"], baseline, canary).verdict).toBe("fail");
  });

  it("treats missing and error-phase measurements as no data, never as a pass", () => {
    const canary: Sample = { metrics: { errorRate: { phase: "error", error: "timeout", at } } };
    const r = decide(["errorRate < 0.05"], baseline, canary);
    expect(r).toMatchObject({
      verdict: "inconclusive",
      reason: "errorRate < 0.05: no data for canary.errorRate",
    });
  });

  it("reads statistics of samples and histograms, with units", () => {
    const canary = sample({
      latency: { samples: Array.from({ length: 100 }, (_, i) => i + 1) },
      hist: {
        count: 100,
        histogram: [
          { le: 100, count: 50 },
          { le: 200, count: 100 },
          { le: Infinity, count: 100 },
        ],
      },
      errors: { count: 200, events: 3 },
    });
    expect(
      decide(["latency.p95 <= 96ms", "latency.max < 0.2s", "latency.mean == 50.5"], baseline, canary).verdict,
    ).toBe("pass");
    expect(
      decide(
        ["hist.p50 == 100", "hist.p75 == 150", "errors.rate < 2%", "errors.events == 3"],
        baseline,
        canary,
      ).verdict,
    ).toBe("pass");
    expect(decide(["latency.p99 < 50"], baseline, canary).reason).toMatch(
      /^99\.0* > 50|^99\.01 >= 50|does not hold/,
    );
  });

  it("rejects malformed conditions at spec time with SLUICE_E_ANALYSIS_CONFIG, listing each", () => {
    try {
      thresholdJudge.parseSpec({ conditions: ["errorRate <", "p95 500", "x.y.z.w < 1", "ok < 1"] });
      expect.unreachable();
    } catch (err) {
      expect(isSluiceError(err) && err.code).toBe("SLUICE_E_ANALYSIS_CONFIG");
      expect(isSluiceError(err) && err.problems).toHaveLength(3);
    }
    expect(() => thresholdJudge.parseSpec({ conditions: [] })).toThrow(/at least one condition/);
  });
});

describe("condition parser", () => {
  it.each([
    ["errorRate < 0.05", { op: "<" }],
    ["canary.errorRate <= baseline.errorRate * 1.5 + 0.1%", { op: "<=" }],
    ["(baseline.p95 - 10) * 2 >= -p95 / 4", { op: ">=" }],
    ["1e3 != latency.count", { op: "!=" }],
  ])("parses %s", (text, shape) => {
    expect(parseCondition(text)).toMatchObject(shape);
  });

  it.each([
    ["errorRate < ", /end/],
    ["errorRate 0.05", /comparison/],
    ["a < b < c", /after the condition/],
    ["latency.p100 < 3", /unknown statistic/],
    ["(a < 3", /expected "\)"/],
    ["a < 3 #", /unexpected "#"/],
  ])("explains what is wrong with %s", (text, message) => {
    const parsed = parseCondition(text);
    expect("error" in parsed && parsed.error).toMatch(message);
  });
});
