/**
 * The `sequential` judge: decides as soon as the evidence is enough, and stays valid however often
 * it is asked. Called on every look with cumulative counts since the analysis began, it fails the
 * canary when an anytime-valid e-value (stats/rate-evidence.ts) against "the canary is no worse than
 * the baseline" reaches 1/α — for the error rate, and for the share of requests over a latency
 * threshold. By Ville's inequality a healthy canary is rolled back with probability at most `alpha`
 * over the whole analysis, whether it looks every second or every request; `alpha` is split evenly
 * between the enabled tests.
 *
 * Undecided looks are `pass` (no regression found so far; `final` false): a per-look `inconclusive`
 * would pause the rollout. The verdict is `pass` with `final` true once every test has shown the
 * canary is not worse by `minEffect` (e-value ≥ 1/beta each, an intersection–union test), and
 * `inconclusive` only while the canary has had no traffic or a metric lacks the data the test needs.
 *
 * Give the baseline the stable version's recent history: a few minutes before the canary's first
 * request inside its window, and the minutes before those as its `prior`. That makes the baseline's
 * rates nearly known — 5 % errors against 0.5 % at 20 requests/s are then caught in about 6 s
 * instead of 20 — and fixes the latency threshold at the stable version's p95.
 *
 * Assumptions behind the guarantee: requests are independent, and each version's error rate and
 * latency distribution stay the same over the windows compared (the stable version's history
 * included — keep it to minutes). The bound is conservative for counts this small: simulated
 * healthy canaries are rolled back far less often than `alpha`.
 */
import { z } from "zod";
import { parseAnalysisConfig } from "../config";
import { errorRateTest, latencyTest } from "./sequential-tests";
import type { TestOutcome } from "./sequential-tests";
import type { Measurement } from "../provider/types";
import { okMeasurement } from "./types";
import type { Judge, JudgeResult, Sample } from "./types";

export const SEQUENTIAL_JUDGE_TYPE = "sequential";

const effect = {
  minEffect: z
    .number()
    .gt(0)
    .default(1)
    .describe("Relative worsening the test is tuned to catch fast: 1 = twice the baseline's rate."),
  tolerance: z
    .number()
    .min(0)
    .default(0)
    .describe(
      "Relative worsening accepted as healthy: 0.2 lets the canary be 20 % worse without a rollback.",
    ),
};

const errorRateSchema = z.strictObject({
  metric: z
    .string()
    .min(1)
    .default("errorRate")
    .describe("Metric whose measurements carry count (requests) and events (errors)."),
  ...effect,
});

const latencySchema = z.strictObject({
  metric: z
    .string()
    .min(1)
    .default("latency")
    .describe("Metric whose measurements carry per-request samples or a histogram (ms)."),
  ...effect,
  quantile: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.95)
    .describe("With a prior, the test counts requests over the stable's quantile."),
  thresholdsMs: z
    .array(z.number().positive())
    .min(1)
    .optional()
    .describe("Candidate thresholds for raw samples; default a log-spaced ladder from 1 ms to 10 s."),
});

export const sequentialSpecSchema = z.strictObject({
  alpha: z
    .number()
    .gt(0)
    .max(0.5)
    .default(0.01)
    .describe(
      "Probability of ever rolling back a healthy canary over the whole analysis, however often it looks.",
    ),
  beta: z
    .number()
    .gt(0)
    .max(0.5)
    .default(0.05)
    .describe("Probability of a final pass for a canary worse by minEffect or more."),
  errorRate: z
    .union([z.literal(false), errorRateSchema])
    .prefault({})
    .describe("The error-rate test, or false to skip it."),
  latency: z
    .union([z.literal(false), latencySchema])
    .prefault({})
    .describe("The latency test, or false to skip it."),
});
export type SequentialSpec = z.output<typeof sequentialSpecSchema>;

interface Named {
  name: "errorRate" | "latency";
  outcome: TestOutcome;
}

export const sequentialJudge: Judge<SequentialSpec> = {
  type: SEQUENTIAL_JUDGE_TYPE,
  specSchema: sequentialSpecSchema,
  parseSpec: (raw) => parseAnalysisConfig(sequentialSpecSchema, raw, "sequential judge"),
  decide(baseline, canary, spec) {
    const enabled = [spec.errorRate, spec.latency].filter((t) => t !== false).length;
    if (enabled === 0) return { verdict: "inconclusive", reason: "both tests are disabled", details: {} };
    const tests: Named[] = [];
    const problems: string[] = [];
    const run = (
      name: Named["name"],
      metric: string,
      test: (c: Measurement, b: Measurement, p?: Measurement) => TestOutcome | string,
    ) => {
      const c = okMeasurement(canary, metric);
      const b = okMeasurement(baseline, metric);
      const prior =
        baseline.prior && Object.hasOwn(baseline.prior, metric) ? baseline.prior[metric] : undefined;
      const outcome = !c || !b ? `no ${!c ? "canary" : "baseline"} measurement` : test(c, b, prior);
      if (typeof outcome === "string") problems.push(`${metric}: ${outcome}`);
      else tests.push({ name, outcome });
    };
    const { errorRate, latency } = spec;
    if (errorRate !== false)
      run("errorRate", errorRate.metric, (c, b, p) => errorRateTest(c, b, p, errorRate));
    if (latency !== false) run("latency", latency.metric, (c, b, p) => latencyTest(c, b, p, latency));
    return combine(tests, problems, spec, enabled, canaryTraffic(canary, spec));
  },
};

function canaryTraffic(canary: Sample, spec: SequentialSpec): number {
  const counts = [spec.errorRate, spec.latency]
    .filter((t) => t !== false)
    .map((t) => okMeasurement(canary, t.metric))
    .map((m) => m?.count ?? m?.samples?.length ?? m?.histogram?.at(-1)?.count ?? 0);
  return Math.max(0, ...counts);
}

function combine(
  tests: Named[],
  problems: string[],
  spec: SequentialSpec,
  enabled: number,
  traffic: number,
): JudgeResult {
  const failLog = Math.log(enabled / spec.alpha);
  const passLog = Math.log(1 / spec.beta);
  const details: Record<string, unknown> = { canaryRequests: traffic };
  for (const { name, outcome } of tests) {
    // Object.assign, not spread: this runs on every look of every simulated canary.
    details[name] = Object.assign(
      {
        eValue: Math.exp(outcome.logWorse),
        failAt: Math.exp(failLog),
        passEValue: Math.exp(outcome.logNotWorse),
        passAt: Math.exp(passLog),
      },
      outcome.details,
    );
  }
  if (problems.length > 0) details.problems = problems;
  // A regression proven by one test is final even if the other lacks data.
  const worst = tests
    .filter((t) => t.outcome.logWorse >= failLog)
    .sort((a, b) => b.outcome.logWorse - a.outcome.logWorse)[0];
  if (worst) {
    const e = formatE(worst.outcome.logWorse);
    return {
      verdict: "fail",
      final: true,
      reason: `${worst.name === "errorRate" ? "error rate" : "latency"} regression: ${worst.outcome.summary()}; e-value ${e} ≥ ${formatE(failLog)} (α ${fmt(spec.alpha / enabled)})`,
      details,
    };
  }
  if (problems.length > 0) return { verdict: "inconclusive", reason: problems.join("; "), details };
  if (traffic === 0) return { verdict: "inconclusive", reason: "no canary traffic yet", details };
  const evidence = tests.map((t) => `${t.name} e = ${formatE(t.outcome.logWorse)}`).join(", ");
  if (tests.every((t) => t.outcome.logNotWorse >= passLog)) {
    return {
      verdict: "pass",
      final: true,
      reason: `canary shown no worse than the baseline by the minimum effect (β ${fmt(spec.beta)}); ${evidence}`,
      details,
    };
  }
  return {
    verdict: "pass",
    final: false,
    reason: `no regression so far (${evidence}; fails at ${formatE(failLog)})`,
    details,
  };
}

function formatE(log: number): string {
  const e = Math.exp(log);
  return e >= 1e6 ? e.toExponential(2) : String(Number(e.toPrecision(3)));
}

function fmt(n: number): string {
  return String(Number(n.toPrecision(3)));
}
