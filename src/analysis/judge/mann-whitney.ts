/**
 * The `mann-whitney` judge, scored as Kayenta's NetflixACAJudge does: each metric's canary samples
 * are compared with the baseline's by a Mann–Whitney U test and classified `pass`, `high` or `low`;
 * the score is the share of classified metrics that pass (a `critical` metric that does not pass
 * makes it 0). A metric is `high` only when the increase is both significant (one-sided p below
 * (1 − confidence)/2, i.e. outside a two-sided `confidence` interval as Kayenta checks it) and larger
 * than its effect-size tolerance (mean ratio canary/baseline above `allowedIncrease`); `low` alike.
 * `direction` says which change is bad: an increase for latency and errors (the default).
 */
import { z } from "zod";
import { parseAnalysisConfig } from "../config";
import { mannWhitneyU } from "../stats/mann-whitney-u";
import { okMeasurement } from "./types";
import type { Judge, JudgeResult, Sample } from "./types";

export const MANN_WHITNEY_JUDGE_TYPE = "mann-whitney";

const metricSchema = z.strictObject({
  name: z.string().min(1).describe("The metric's name (MetricQuery.name)."),
  direction: z
    .enum(["increase", "decrease", "either"])
    .default("increase")
    .describe("Which change is a regression: `increase` for latency and error rates."),
  allowedIncrease: z
    .number()
    .min(1)
    .default(1)
    .describe("Mean ratio canary/baseline tolerated before `high` (1.1 = +10 %)."),
  allowedDecrease: z
    .number()
    .gt(0)
    .max(1)
    .default(1)
    .describe("Mean ratio tolerated before `low` (0.9 = −10 %)."),
  critical: z
    .boolean()
    .default(false)
    .describe("A critical metric that does not pass fails the whole analysis."),
});

export const mannWhitneySpecSchema = z
  .strictObject({
    metrics: z
      .array(metricSchema)
      .optional()
      .describe("Metrics to compare; default every metric the canary has, with direction `increase`."),
    confidence: z
      .number()
      .gt(0.5)
      .lt(1)
      .default(0.98)
      .describe("Two-sided confidence level (Kayenta's default 0.98)."),
    minSamples: z
      .int()
      .positive()
      .default(10)
      .describe("Fewer samples than this on either side: inconclusive."),
    scoreThresholds: z
      .strictObject({
        marginal: z.number().min(0).max(100).default(75).describe("Below this score the canary fails."),
        pass: z
          .number()
          .min(0)
          .max(100)
          .optional()
          .describe("At or above this it passes; between: inconclusive. Default: marginal."),
      })
      .default({ marginal: 75 }),
  })
  .refine(
    (s) => s.scoreThresholds.pass === undefined || s.scoreThresholds.pass >= s.scoreThresholds.marginal,
    {
      error: "scoreThresholds.pass must be at least scoreThresholds.marginal",
      path: ["scoreThresholds", "pass"],
    },
  );
export type MannWhitneySpec = z.output<typeof mannWhitneySpecSchema>;
type MetricSpec = z.output<typeof metricSchema>;

export type Classification = "pass" | "high" | "low" | "nodata" | "insufficient";

export interface MetricClassification {
  metric: string;
  classification: Classification;
  critical: boolean;
  /** The test's p-value for the direction(s) checked; absent when no test ran. */
  p?: number;
  /** U₁ of canary against baseline. */
  u?: number;
  /** mean(canary) / mean(baseline), Kayenta's effect size. */
  ratio?: number;
  canary?: { n: number; mean: number };
  baseline?: { n: number; mean: number };
  message: string;
}

export const mannWhitneyJudge: Judge<MannWhitneySpec> = {
  type: MANN_WHITNEY_JUDGE_TYPE,
  specSchema: mannWhitneySpecSchema,
  parseSpec: (raw) => parseAnalysisConfig(mannWhitneySpecSchema, raw, "mann-whitney judge"),
  decide(baseline, canary, spec) {
    const metrics: MetricSpec[] =
      spec.metrics ??
      Object.keys(canary.metrics)
        .sort()
        .map((name) => metricSchema.parse({ name }));
    const results = metrics.map((m) => classifyMetric(m, baseline, canary, spec));
    return score(results, spec);
  },
};

/** Classifies one metric (exported for tests and status views). */
export function classifyMetric(
  m: MetricSpec,
  baseline: Sample,
  canary: Sample,
  spec: MannWhitneySpec,
): MetricClassification {
  const base = { metric: m.name, critical: m.critical };
  const c = okMeasurement(canary, m.name)?.samples ?? [];
  const b = okMeasurement(baseline, m.name)?.samples ?? [];
  if (c.length === 0 || b.length === 0) {
    const which = c.length === 0 ? (b.length === 0 ? "canary and baseline" : "canary") : "baseline";
    return { ...base, classification: "nodata", message: `${m.name}: no samples for the ${which}` };
  }
  const stats = { canary: { n: c.length, mean: mean(c) }, baseline: { n: b.length, mean: mean(b) } };
  if (c.length < spec.minSamples || b.length < spec.minSamples) {
    return {
      ...base,
      ...stats,
      classification: "insufficient",
      message: `${m.name}: ${c.length} canary and ${b.length} baseline samples, fewer than minSamples ${spec.minSamples}`,
    };
  }
  const ratio = meanRatio(stats.canary.mean, stats.baseline.mean);
  const distinct = new Set([...c, ...b]);
  if (distinct.size === 1)
    return { ...base, ...stats, ratio, classification: "pass", message: `${m.name}: all samples equal` };
  const alpha = 1 - spec.confidence;
  const alternative =
    m.direction === "increase" ? "greater" : m.direction === "decrease" ? "less" : "two-sided";
  const test = mannWhitneyU(c, b, { alternative });
  const significant = alternative === "two-sided" ? test.p < alpha : test.p < alpha / 2;
  const higher = test.effect > 0.5;
  const result = { ...base, ...stats, ratio, p: test.p, u: test.u };
  const pText = `p = ${test.p.toPrecision(3)}, mean ratio ${ratio.toPrecision(3)}`;
  if (significant && higher && m.direction !== "decrease" && ratio > m.allowedIncrease) {
    return { ...result, classification: "high", message: `${m.name} is higher on the canary (${pText})` };
  }
  if (significant && !higher && m.direction !== "increase" && ratio < m.allowedDecrease) {
    return { ...result, classification: "low", message: `${m.name} is lower on the canary (${pText})` };
  }
  return { ...result, classification: "pass", message: `${m.name}: no significant regression (${pText})` };
}

function score(results: MetricClassification[], spec: MannWhitneySpec): JudgeResult {
  const details = { metrics: results };
  const insufficient = results.find((r) => r.classification === "insufficient");
  if (insufficient) return { verdict: "inconclusive", reason: insufficient.message, details };
  const classified = results.filter((r) => r.classification !== "nodata");
  if (classified.length === 0) {
    return { verdict: "inconclusive", reason: "no metric had samples for both canary and baseline", details };
  }
  const passing = classified.filter((r) => r.classification === "pass").length;
  const criticalFailure = classified.find((r) => r.critical && r.classification !== "pass");
  const value = criticalFailure ? 0 : (100 * passing) / classified.length;
  const { marginal, pass = marginal } = spec.scoreThresholds;
  const worst = criticalFailure ?? classified.find((r) => r.classification !== "pass");
  const summary = `score ${round(value)} (${passing}/${classified.length} metrics pass)`;
  if (value >= pass) return { verdict: "pass", score: value, reason: summary, details };
  const why = worst ? `: ${worst.critical ? "critical metric " : ""}${worst.message}` : "";
  if (value < marginal)
    return { verdict: "fail", score: value, reason: `${summary} < marginal ${marginal}${why}`, details };
  return {
    verdict: "inconclusive",
    score: value,
    reason: `${summary} is between marginal ${marginal} and pass ${pass}${why}`,
    details,
  };
}

function mean(values: readonly number[]): number {
  return values.reduce((s, v) => s + v, 0) / values.length;
}

function meanRatio(canary: number, baseline: number): number {
  if (baseline === 0) return canary === 0 ? 1 : canary > 0 ? Infinity : -Infinity;
  return canary / baseline;
}

function round(n: number): number {
  return Math.round(n * 10) / 10;
}
