/**
 * Statistics of one measurement, shared by both kinds of condition the threshold judge reads: the
 * threshold language (`latency.p95 < 500ms`, condition.ts) asks for one statistic by name, and CEL
 * conditions (cel-condition.ts) get every statistic a measurement has, as a map. One function
 * computes them, so `latency.p95` means the same number in both.
 */
import { histogramQuantile, quantile } from "../stats/quantile";
import type { Measurement } from "../provider/types";

/** Statistics the threshold language accepts: these, plus any `pNN`. */
export const STAT_PATTERN = /^(?:value|count|events|rate|mean|min|max|median|p\d{1,2})$/;

/** The statistics a CEL condition sees for each metric (each only when the measurement has it). */
export const CEL_STATS = [
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
] as const;

/**
 * How many observations a measurement summarises: `count`, else the samples, else the histogram's
 * total. Undefined for a provider that cannot count (a PromQL scalar).
 */
export function observations(m: Measurement): number | undefined {
  return m.count ?? m.samples?.length ?? m.histogram?.at(-1)?.count;
}

/** A statistic of a measurement; NaN when the measurement lacks what it needs. */
export function statOf(m: Measurement, stat: string): number {
  const samples = m.samples;
  const total = observations(m);
  switch (stat) {
    case "value":
      return m.value ?? NaN;
    case "count":
      return total ?? NaN;
    case "events":
      return m.events ?? NaN;
    case "rate":
      return m.events !== undefined && total ? m.events / total : (m.value ?? NaN);
    case "mean":
      return samples && samples.length > 0 ? samples.reduce((s, v) => s + v, 0) / samples.length : NaN;
    case "min":
      // A loop, not Math.min(...samples): spreading a large sample array overflows the stack.
      return samples && samples.length > 0 ? samples.reduce((a, v) => (v < a ? v : a), Infinity) : NaN;
    case "max":
      return samples && samples.length > 0 ? samples.reduce((a, v) => (v > a ? v : a), -Infinity) : NaN;
    default: {
      const q = stat === "median" ? 0.5 : Number(stat.slice(1)) / 100;
      if (samples && samples.length > 0) return quantile(samples, q);
      return m.histogram ? histogramQuantile(m.histogram, q) : NaN;
    }
  }
}

/** Every statistic in {@link CEL_STATS} the measurement has (finite), by name. */
export function statsOf(m: Measurement): Record<string, number> {
  const out: Record<string, number> = {};
  for (const stat of CEL_STATS) {
    const v = statOf(m, stat);
    if (Number.isFinite(v)) out[stat] = v;
  }
  return out;
}
