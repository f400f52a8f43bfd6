import { describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import type { Measurement } from "../provider/types";
import { createPrng, logNormalDraw } from "../stats/prng";
import { sequentialJudge } from "./sequential";
import type { Sample } from "./types";

const at = new Date(0);
const counts = (count: number, events: number): Measurement => ({
  phase: "ok",
  count,
  events,
  value: count ? events / count : 0,
  at,
});
const latencies = (seed: number, n: number, median: number): Measurement => {
  const rng = createPrng(seed);
  const samples = Array.from({ length: n }, () => logNormalDraw(rng, Math.log(median), 0.5));
  return { phase: "ok", samples, count: n, at };
};
const spec = (raw: object = {}) => sequentialJudge.parseSpec(raw);
const errorsOnly = spec({ latency: false });

describe("sequential judge", () => {
  it("fills defaults: α 0.01, β 0.05, both tests with minEffect 1", () => {
    expect(spec()).toMatchObject({
      alpha: 0.01,
      beta: 0.05,
      errorRate: { metric: "errorRate", minEffect: 1, tolerance: 0 },
      latency: { metric: "latency", quantile: 0.95 },
    });
  });

  it("fails, finally, on a clear error-rate regression and says why", () => {
    const baseline: Sample = { metrics: { errorRate: counts(1000, 5) } };
    const canary: Sample = { metrics: { errorRate: counts(1000, 60) } };
    const r = sequentialJudge.decide(baseline, canary, errorsOnly);
    expect(r).toMatchObject({ verdict: "fail", final: true });
    expect(r.reason).toMatch(
      /^error rate regression: errors 60\/1000 \(6 %\) vs baseline 5\/1000 \(0\.5 %\); e-value .* ≥ 100 \(α 0\.01\)$/,
    );
  });

  it("passes, not finally, while there is no evidence either way", () => {
    const r = sequentialJudge.decide(
      { metrics: { errorRate: counts(200, 1) } },
      { metrics: { errorRate: counts(200, 2) } },
      errorsOnly,
    );
    expect(r).toMatchObject({ verdict: "pass", final: false });
    expect(r.reason).toMatch(/^no regression so far \(errorRate e = [\d.]+; fails at 100\)$/);
  });

  it("passes finally once the canary is shown no worse by the minimum effect", () => {
    const baseline: Sample = {
      metrics: { errorRate: counts(100_000, 500) },
      prior: { errorRate: counts(100_000, 500) },
    };
    const canary: Sample = { metrics: { errorRate: counts(100_000, 480) } };
    expect(sequentialJudge.decide(baseline, canary, errorsOnly)).toMatchObject({
      verdict: "pass",
      final: true,
    });
  });

  it("tolerates the configured relative worsening", () => {
    const baseline: Sample = { metrics: { errorRate: counts(20_000, 100) } };
    const canary: Sample = { metrics: { errorRate: counts(20_000, 200) } };
    expect(sequentialJudge.decide(baseline, canary, errorsOnly).verdict).toBe("fail");
    expect(
      sequentialJudge.decide(baseline, canary, spec({ latency: false, errorRate: { tolerance: 1 } })).verdict,
    ).toBe("pass");
  });

  it("derives error counts from a rate and a count", () => {
    const m = (count: number, value: number): Measurement => ({ phase: "ok", count, value, at });
    const r = sequentialJudge.decide(
      { metrics: { errorRate: m(1000, 0.005) } },
      { metrics: { errorRate: m(1000, 0.06) } },
      errorsOnly,
    );
    expect(r.verdict).toBe("fail");
  });

  it("is inconclusive without canary traffic or without the data a test needs", () => {
    const none = sequentialJudge.decide(
      { metrics: { errorRate: counts(100, 0) } },
      { metrics: { errorRate: counts(0, 0) } },
      errorsOnly,
    );
    expect(none).toMatchObject({ verdict: "inconclusive", reason: "no canary traffic yet" });
    const scalar: Measurement = { phase: "ok", value: 250, at };
    const r = sequentialJudge.decide(
      { metrics: { errorRate: counts(100, 0), latency: scalar } },
      { metrics: { errorRate: counts(100, 0), latency: scalar } },
      spec(),
    );
    expect(r.verdict).toBe("inconclusive");
    expect(r.reason).toMatch(/latency: canary: needs per-request samples or a histogram/);
    expect(
      sequentialJudge.decide({ metrics: {} }, { metrics: {} }, spec({ errorRate: false, latency: false }))
        .verdict,
    ).toBe("inconclusive");
  });

  it("fails on a latency regression even when the error metric is missing", () => {
    const baseline: Sample = { metrics: { latency: latencies(1, 400, 100) } };
    const canary: Sample = { metrics: { latency: latencies(2, 400, 200) } };
    const r = sequentialJudge.decide(baseline, canary, spec());
    expect(r).toMatchObject({ verdict: "fail", final: true });
    expect(r.reason).toMatch(/^latency regression: requests over \d+ ms/);
  });

  it("counts raw samples over the prior's exact p95", () => {
    const prior = latencies(3, 2000, 100);
    const baseline: Sample = { metrics: { latency: latencies(1, 100, 100) }, prior: { latency: prior } };
    const canary: Sample = { metrics: { latency: latencies(2, 100, 100) } };
    const r = sequentialJudge.decide(baseline, canary, spec({ errorRate: false }));
    const latency = r.details.latency as { thresholdFrom: string; thresholdsMs: number[] };
    expect(latency.thresholdFrom).toBe("prior");
    const sorted = [...prior.samples!].sort((a, b) => a - b);
    expect(latency.thresholdsMs[0]).toBeCloseTo(
      sorted[Math.floor(0.95 * 1999)]! + 0.05 * (sorted[1900]! - sorted[1899]!),
      6,
    );
  });

  it("is pure: the same input gives the same result", () => {
    const baseline: Sample = { metrics: { errorRate: counts(500, 3), latency: latencies(1, 500, 100) } };
    const canary: Sample = { metrics: { errorRate: counts(500, 9), latency: latencies(2, 500, 105) } };
    expect(sequentialJudge.decide(baseline, canary, spec())).toEqual(
      sequentialJudge.decide(baseline, canary, spec()),
    );
  });

  it("validates its spec", () => {
    for (const raw of [
      { alpha: 0 },
      { alpha: 0.6 },
      { errorRate: { minEffect: 0 } },
      { latency: { quantile: 1 } },
      { typo: 1 },
    ]) {
      try {
        sequentialJudge.parseSpec(raw);
        expect.unreachable();
      } catch (err) {
        expect(isSluiceError(err) && err.code).toBe("SLUICE_E_ANALYSIS_CONFIG");
      }
    }
  });
});
