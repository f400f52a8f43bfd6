import { describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import { createPrng, logNormalDraw } from "../stats/prng";
import { mannWhitneyJudge } from "./mann-whitney";
import type { Sample } from "./types";

const at = new Date(0);
const sample = (metrics: Record<string, number[]>): Sample => ({
  metrics: Object.fromEntries(
    Object.entries(metrics).map(([k, samples]) => [k, { phase: "ok" as const, samples, at }]),
  ),
});
const draw = (seed: number, n: number, median: number) => {
  const rng = createPrng(seed);
  return Array.from({ length: n }, () => logNormalDraw(rng, Math.log(median), 0.3));
};

describe("mann-whitney judge (Kayenta-style scoring)", () => {
  const spec = (raw: object = {}) => mannWhitneyJudge.parseSpec(raw);
  const baseline = sample({
    latency: draw(1, 60, 100),
    errors: draw(2, 60, 5),
    cpu: draw(3, 60, 40),
    rss: draw(4, 60, 200),
  });

  it("passes a canary from the same distribution", () => {
    const canary = sample({
      latency: draw(11, 60, 100),
      errors: draw(12, 60, 5),
      cpu: draw(13, 60, 40),
      rss: draw(14, 60, 200),
    });
    expect(mannWhitneyJudge.decide(baseline, canary, spec())).toMatchObject({ verdict: "pass", score: 100 });
  });

  it("classifies a clear increase as high and scores the share passing", () => {
    const canary = sample({
      latency: draw(11, 60, 160),
      errors: draw(12, 60, 5),
      cpu: draw(13, 60, 40),
      rss: draw(14, 60, 200),
    });
    const r = mannWhitneyJudge.decide(baseline, canary, spec());
    expect(r.score).toBe(75);
    expect(r.verdict).toBe("pass"); // 75 ≥ marginal 75
    const latency = (r.details.metrics as Array<{ metric: string; classification: string }>).find(
      (m) => m.metric === "latency",
    );
    expect(latency?.classification).toBe("high");
    expect(
      mannWhitneyJudge.decide(baseline, canary, spec({ scoreThresholds: { marginal: 80 } })).verdict,
    ).toBe("fail");
    expect(
      mannWhitneyJudge.decide(baseline, canary, spec({ scoreThresholds: { marginal: 50, pass: 95 } }))
        .verdict,
    ).toBe("inconclusive");
  });

  it("ignores changes in the harmless direction and within the effect-size tolerance", () => {
    const faster = sample({ latency: draw(11, 60, 60) });
    const slower = sample({ latency: draw(11, 60, 125) });
    const metrics = [{ name: "latency" }];
    expect(mannWhitneyJudge.decide(baseline, faster, spec({ metrics })).verdict).toBe("pass");
    expect(
      mannWhitneyJudge.decide(baseline, faster, spec({ metrics: [{ name: "latency", direction: "either" }] }))
        .verdict,
    ).toBe("fail");
    expect(mannWhitneyJudge.decide(baseline, slower, spec({ metrics })).verdict).toBe("fail");
    expect(
      mannWhitneyJudge.decide(
        baseline,
        slower,
        spec({ metrics: [{ name: "latency", allowedIncrease: 1.35 }] }),
      ).verdict,
    ).toBe("pass");
  });

  it("fails on a critical metric whatever the score", () => {
    const canary = sample({
      latency: draw(11, 60, 100),
      errors: draw(12, 60, 9),
      cpu: draw(13, 60, 40),
      rss: draw(14, 60, 200),
    });
    const metrics = ["latency", "cpu", "rss"]
      .map((name) => ({ name }))
      .concat([{ name: "errors", critical: true } as never]);
    const r = mannWhitneyJudge.decide(baseline, canary, spec({ metrics }));
    expect(r).toMatchObject({ verdict: "fail", score: 0 });
    expect(r.reason).toMatch(/critical metric errors is higher/);
  });

  it("is inconclusive with too few samples, and skips metrics without data", () => {
    const few = sample({ latency: draw(11, 5, 300) });
    expect(mannWhitneyJudge.decide(baseline, few, spec({ metrics: [{ name: "latency" }] })).verdict).toBe(
      "inconclusive",
    );
    const partial = sample({ latency: draw(11, 60, 100) });
    const r = mannWhitneyJudge.decide(
      baseline,
      partial,
      spec({ metrics: [{ name: "latency" }, { name: "missing" }] }),
    );
    expect(r).toMatchObject({ verdict: "pass", score: 100 });
    expect(
      mannWhitneyJudge.decide(baseline, sample({}), spec({ metrics: [{ name: "missing" }] })).verdict,
    ).toBe("inconclusive");
  });

  it("validates its spec", () => {
    for (const raw of [
      { confidence: 1 },
      { scoreThresholds: { marginal: 90, pass: 80 } },
      { metrics: [{ name: "x", direction: "up" }] },
    ]) {
      try {
        mannWhitneyJudge.parseSpec(raw);
        expect.unreachable();
      } catch (err) {
        expect(isSluiceError(err) && err.code).toBe("SLUICE_E_ANALYSIS_CONFIG");
      }
    }
  });
});
