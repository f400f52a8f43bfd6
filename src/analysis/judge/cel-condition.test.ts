import { describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import type { Measurement } from "../provider/types";
import { celMetrics, compileCel } from "./cel-condition";
import { statOf } from "./condition";
import { thresholdJudge } from "./threshold";
import type { ThresholdSpec } from "./threshold";
import type { Sample } from "./types";

const at = new Date(0);
const sample = (metrics: Record<string, Partial<Measurement>>): Sample => ({
  metrics: Object.fromEntries(
    Object.entries(metrics).map(([k, m]) => [k, { phase: "ok", at, ...m } as Measurement]),
  ),
});
type Conditions = ThresholdSpec["conditions"];
const decide = (conditions: Conditions, baseline: Sample, canary: Sample, minSamples = 20) =>
  thresholdJudge.decide(baseline, canary, thresholdJudge.parseSpec({ conditions, minSamples }));
const detail = (r: ReturnType<typeof decide>, i = 0) =>
  (r.details as { conditions: Array<Record<string, unknown>> }).conditions[i];
const problemsOf = (raw: unknown): string[] => {
  try {
    thresholdJudge.parseSpec(raw);
  } catch (err) {
    if (isSluiceError(err) && err.code === "SLUICE_E_ANALYSIS_CONFIG")
      return err.problems.map((p) => p.message);
    throw err;
  }
  return [];
};

const latencies = Array.from({ length: 100 }, (_, i) => i + 1);
const baseline = sample({
  errorRate: { count: 1000, events: 10 },
  latency: { samples: latencies.map((v) => v * 3) },
});
const healthy = sample({
  errorRate: { count: 400, events: 4 },
  latency: { samples: latencies },
});

describe("CEL conditions in the threshold judge", () => {
  it("passes when the expression is true, with the values it read", () => {
    const r = decide(
      [{ cel: "canary.errorRate.rate < 0.05 && canary.latency.p95 < 500" }],
      baseline,
      healthy,
    );
    expect(r).toMatchObject({ verdict: "pass", score: 100 });
    expect(detail(r)).toEqual({
      kind: "cel",
      condition: "canary.errorRate.rate < 0.05 && canary.latency.p95 < 500",
      cel: "canary.errorRate.rate < 0.05 && canary.latency.p95 < 500",
      status: "passed",
      values: {
        "canary.errorRate.rate": 0.01,
        "canary.latency.p95": statOf(healthy.metrics.latency!, "p95"),
      },
      message: "",
    });
  });

  it("fails when false, naming the values so a person sees why", () => {
    const canary = sample({ errorRate: { count: 400, events: 40 }, latency: { samples: latencies } });
    const r = decide(
      [{ cel: "canary.errorRate.rate <= baseline.errorRate.rate * 2", name: "error budget" }],
      baseline,
      canary,
    );
    expect(r.verdict).toBe("fail");
    expect(r.reason).toBe(
      '"error budget" does not hold: canary.errorRate.rate = 0.1, baseline.errorRate.rate = 0.01',
    );
    expect(detail(r)).toMatchObject({ condition: "error budget", status: "failed" });
  });

  it("is inconclusive when a metric it names has fewer observations than minSamples", () => {
    const canary = sample({ errorRate: { count: 3, events: 1 }, latency: { samples: latencies } });
    const r = decide([{ cel: "canary.errorRate.rate < 0.05" }], baseline, canary);
    expect(r.verdict).toBe("inconclusive");
    expect(r.reason).toBe(
      "canary.errorRate.rate < 0.05: canary.errorRate has 3 observations, fewer than minSamples 20",
    );
    expect(detail(r)).toMatchObject({ values: { "canary.errorRate.rate": 1 / 3 } });
    expect(decide([{ cel: "canary.errorRate.rate < 0.05" }], baseline, canary, 3).verdict).toBe("fail");
    // Metrics it does not name do not matter…
    expect(decide([{ cel: "canary.latency.p50 < 100" }], baseline, canary).verdict).toBe("pass");
    // …unless it reads the map as a whole: then every metric of that version counts.
    const all = decide(
      [{ cel: 'canary.all(m, !("rate" in canary[m]) || canary[m].rate < 0.5)' }],
      baseline,
      canary,
    );
    expect(all.reason).toMatch(/canary.errorRate has 3 observations/);
    expect(
      decide([{ cel: 'canary.all(m, !("rate" in canary[m]) || canary[m].rate < 0.5)' }], baseline, canary, 0)
        .verdict,
    ).toBe("pass");
  });

  it("is inconclusive, never failed, on a missing metric or statistic", () => {
    const canary: Sample = {
      metrics: { errorRate: { phase: "error", error: "timeout", at }, latency: healthy.metrics.latency! },
    };
    const r = decide([{ cel: "canary.errorRate.rate < 0.05" }], baseline, canary);
    expect(r.verdict).toBe("inconclusive");
    expect(r.reason).toMatch(/^canary\.errorRate\.rate < 0\.05: no data for canary\.errorRate \(.*errorRate/);
    expect(detail(r)).toMatchObject({ status: "inconclusive", values: { "canary.errorRate.rate": null } });
    // A scalar has no p95: absent, not zero.
    const scalar = sample({ latency: { value: 120 } });
    const p95 = decide([{ cel: "canary.latency.p95 < 500" }], baseline, scalar);
    expect(p95.verdict).toBe("inconclusive");
    expect(p95.reason).toMatch(/no data for canary\.latency\.p95/);
    // has() lets a condition decide what absence means.
    expect(
      decide(
        [{ cel: "has(canary.latency.p95) ? canary.latency.p95 < 500 : canary.latency.value < 500" }],
        baseline,
        scalar,
      ).verdict,
    ).toBe("pass");
  });

  it("is inconclusive when a dyn expression gives something other than a bool", () => {
    const r = decide([{ cel: "dyn(canary.errorRate.rate)" }], baseline, healthy);
    expect(r.verdict).toBe("inconclusive");
    expect(r.reason).toBe("dyn(canary.errorRate.rate): gives double 0.01, not a bool");
  });

  it("mixes with threshold conditions; a failure of either fails the judge", () => {
    const conditions: Conditions = [
      "errorRate.rate < 5%",
      { cel: "canary.latency.p99 <= baseline.latency.p99 * 1.2" },
      "latency.p95 <= baseline.latency.p95",
    ];
    const r = decide(conditions, baseline, healthy);
    expect(r).toMatchObject({ verdict: "pass", score: 100 });
    expect((r.details as { conditions: Array<{ kind: string }> }).conditions.map((c) => c.kind)).toEqual([
      "threshold",
      "cel",
      "threshold",
    ]);
    const slow = sample({
      errorRate: { count: 400, events: 4 },
      latency: { samples: latencies.map((v) => v * 4) },
    });
    const f = decide(conditions, baseline, slow);
    expect(f.verdict).toBe("fail");
    expect(f.score).toBe(100 / 3);
    expect(f.reason).toMatch(
      /^"canary.latency.p99 <= baseline.latency.p99 \* 1.2" does not hold: canary.latency.p99 = /,
    );
  });

  it("sees the same statistics as threshold conditions", () => {
    const m = { phase: "ok", at, count: 50, events: 5, samples: latencies } as Measurement;
    const vars = celMetrics({ metrics: { m } });
    for (const stat of [
      "value",
      "count",
      "events",
      "rate",
      "mean",
      "min",
      "max",
      "median",
      "p50",
      "p90",
      "p95",
      "p99",
    ]) {
      const v = statOf(m, stat);
      expect(vars.m?.[stat], stat).toBe(Number.isFinite(v) ? v : undefined);
    }
    expect(Object.keys(vars.m!)).not.toContain("value");
  });
});

describe("CEL conditions at spec time", () => {
  it("accepts valid expressions and keeps them as written", () => {
    const spec = thresholdJudge.parseSpec({
      conditions: ["errorRate < 1%", { cel: 'canary["errorRate"].rate < 0.01', name: "errors" }],
    });
    expect(spec.conditions[1]).toEqual({ cel: 'canary["errorRate"].rate < 0.01', name: "errors" });
  });

  it("reports every syntax and type error with SLUICE_E_ANALYSIS_CONFIG", () => {
    const problems = problemsOf({
      conditions: [
        { cel: "canary.errorRate.rate <" },
        { cel: "canary.errorRate.rate" },
        { cel: "latency.p95 < 3" },
        { cel: 'canary.errorRate.rate + "x" > 1' },
        { cel: "canary.errorRate.rate < 1", extra: true },
        { cel: "" },
        42,
        "errorRate < 1%",
      ],
    });
    expect(problems).toEqual([
      expect.stringMatching(
        /^threshold judge\.conditions\.0\.cel: CEL "canary.errorRate.rate <": Unexpected/,
      ),
      'threshold judge.conditions.1.cel: CEL "canary.errorRate.rate": gives double, not bool',
      expect.stringMatching(/^threshold judge\.conditions\.2\.cel: .*Unknown variable: latency/),
      expect.stringMatching(/^threshold judge\.conditions\.3\.cel: .*no such overload/),
      expect.stringMatching(/^threshold judge\.conditions\.4: Unrecognized key: "extra"/),
      'threshold judge.conditions.5.cel: CEL "": must be a CEL expression',
      "threshold judge.conditions.6: a condition is a threshold string or { cel: <expression> }",
    ]);
  });

  it("hints when a string that is not a threshold condition is valid CEL", () => {
    expect(
      problemsOf({ conditions: ["canary.errorRate.rate < 0.05 && canary.latency.p95 < 500.0"] }),
    ).toEqual([expect.stringMatching(/it is valid CEL: write it as \{ cel: "canary\.errorRate/)]);
    expect(problemsOf({ conditions: ["errorRate < 1% && p95 < 2s"] })[0]).not.toMatch(/valid CEL/);
  });

  it("gives syntax errors in the author's own text, with a column", () => {
    // The parser sees `5.0 %`; the message must be about what was written.
    expect(problemsOf({ conditions: [{ cel: "canary.errorRate.rate < 5%" }] })).toEqual([
      'threshold judge.conditions.0.cel: CEL "canary.errorRate.rate < 5%": Unexpected token: EOF at column 27',
    ]);
  });

  it("compiles the examples in docs/analysis.md", () => {
    const examples = [
      "canary.errorRate.rate < 0.05 && canary.latency.p95 < 500",
      "canary.errorRate.rate <= baseline.errorRate.rate * 2 &&\ncanary.latency.p99 <= baseline.latency.p99 * 1.2\n",
      "has(canary.latency.p95) ? canary.latency.p95 < 500 : canary.latency.value < 500\n",
      'canary.all(m, !("rate" in canary[m]) || canary[m].rate < 0.05)',
      'canary["error-rate"].value < 0.01',
    ];
    expect(problemsOf({ conditions: examples.map((cel) => ({ cel })) })).toEqual([]);
  });

  it("records which metrics an expression names and whether it reads a map as a whole", () => {
    const c = compileCel('has(canary.a.p95) && canary["b-c"]["rate"] < baseline.a.p95 && "x" in baseline');
    expect("error" in c).toBe(false);
    if ("error" in c) return;
    expect(c.metrics).toEqual([
      { version: "canary", metric: "a" },
      { version: "canary", metric: "b-c" },
      { version: "baseline", metric: "a" },
    ]);
    expect(c.paths.map((p) => p.text)).toEqual(["canary.a.p95", 'canary["b-c"].rate', "baseline.a.p95"]);
    expect([...c.dynamic]).toEqual(["baseline"]);
  });
});
