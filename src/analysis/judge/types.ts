/**
 * Judges: pure functions that compare a canary with its baseline and say pass, fail or
 * inconclusive (DESIGN.md "Decisions are pure"). No clock, no randomness, no I/O: the same samples
 * and spec always give the same result, so a decision can be replayed from the store.
 */
import type { z } from "zod";
import type { Measurement } from "../provider/types";

/** One version's measurements, by metric name, over the analysis window so far (cumulative). */
export interface Sample {
  /** The version's label (`canary`, `stable`); used in messages only. */
  version?: string;
  /** Measurements keyed by metric name (`MetricQuery.name`). Error-phase entries count as missing. */
  metrics: Readonly<Record<string, Measurement>>;
  /**
   * The same metrics over a window that ended before `metrics`' window began (the stable version's
   * recent history; e.g. `metrics` over [start − 5 min, now] and `prior` over [start − 10 min,
   * start − 5 min]). Only the sequential judge reads it, and only to form its prior and fix its
   * latency threshold — never as evidence — so the two windows must not overlap.
   */
  prior?: Readonly<Record<string, Measurement>>;
}

export type Verdict = "pass" | "fail" | "inconclusive";

export interface JudgeResult {
  /**
   * `fail`: the canary is worse (roll back); `pass`: no regression found in this measurement;
   * `inconclusive`: the data cannot say (too few samples, missing metrics) and a human should look.
   */
  verdict: Verdict;
  /** A 0–100 score where the judge has one (threshold: share of conditions met; mann-whitney: Kayenta's score). */
  score?: number;
  /** One line a person can act on: which metric, what values, which bound. */
  reason: string;
  /**
   * True when more data cannot change the verdict: a sequential test crossed a boundary. The
   * analysis may then stop early (see assessAnalysis). Absent or false for per-window judges.
   */
  final?: boolean;
  /** Judge-specific figures (per metric or condition), JSON-serialisable, for status views and the store. */
  details: Record<string, unknown>;
}

export interface Judge<Spec = unknown> {
  /** The `type` string config names this judge by. */
  readonly type: string;
  /** The spec's schema: its input is what sluice.yml holds, its output what `decide` takes (defaults filled). */
  readonly specSchema: z.ZodType<Spec>;
  /** Validates a raw spec; throws SLUICE_E_ANALYSIS_CONFIG listing every problem. */
  parseSpec(raw: unknown): Spec;
  /**
   * Compares `canary` with `baseline`. Pure and total: never throws for any measurement content
   * (missing, error-phase, empty) — data problems are an `inconclusive` verdict with the reason.
   */
  decide(baseline: Sample, canary: Sample, spec: Spec): JudgeResult;
}

/** The usable (ok-phase) measurement of `metric` in `sample`, or undefined. */
export function okMeasurement(sample: Sample, metric: string): Measurement | undefined {
  const m = Object.hasOwn(sample.metrics, metric) ? sample.metrics[metric] : undefined;
  return m && m.phase === "ok" ? m : undefined;
}
