/**
 * The two tests the sequential judge runs, each reduced to rate evidence (stats/rate-evidence.ts):
 * errors among requests, and requests slower than a latency threshold. Each returns the log
 * e-values for "the canary is worse" and for "the canary is not worse by minEffect".
 */
import type { HistogramBucket, Measurement } from "../provider/types";
import { countAbove, quantile } from "../stats/quantile";
import { logRateEvidence, priorFromHistory, ratioGrid, weakRatePrior } from "../stats/rate-evidence";
import type { RateCounts, RatePrior } from "../stats/rate-evidence";

/**
 * Default latency thresholds (ms) when samples come without histogram buckets: a log-spaced ladder
 * fine enough that one bound sits near any p95 a web service has. A router that keeps histograms
 * should use these bounds too.
 */
export const DEFAULT_LATENCY_BUCKETS_MS: readonly number[] = Object.freeze([
  1, 2.5, 5, 10, 25, 50, 75, 100, 150, 200, 250, 300, 400, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000,
]);

export interface EffectSpec {
  /** Relative worsening to detect quickly: 1 means "twice the baseline's rate". */
  minEffect: number;
  /** Relative worsening tolerated: the null is rate_c ≤ (1 + tolerance)·rate_b. */
  tolerance: number;
}

export interface TestOutcome {
  /** ln e-value against "the canary is no worse than (1 + tolerance) × baseline". */
  logWorse: number;
  /** ln e-value against "the canary is worse by (1 + tolerance)(1 + minEffect) or more". */
  logNotWorse: number;
  /** What was compared, for the reason line: "errors 12/400 (3 %) vs 3/400 (0.75 %)". A function: only failures need it. */
  summary: () => string;
  details: Record<string, unknown>;
}

// Alternatives from κ(1+minEffect) up 16-fold in √2 steps for "worse"; from κ down 4-fold for "not worse".
const WORSE_STEPS = 9;
const NOT_WORSE_STEPS = 5;

interface Alternatives {
  kappa: number;
  worse: number[];
  notWorse: number[];
}

// Memoised (a pure function of two numbers): specs rarely change, looks are frequent.
const alternativesCache = new Map<string, Alternatives>();

function alternativesFor(effect: EffectSpec): Alternatives {
  const key = `${effect.minEffect}/${effect.tolerance}`;
  let alt = alternativesCache.get(key);
  if (!alt) {
    const kappa = 1 + effect.tolerance;
    alt = {
      kappa,
      worse: ratioGrid(kappa * (1 + effect.minEffect), Math.SQRT2, WORSE_STEPS),
      notWorse: ratioGrid(kappa, Math.SQRT1_2, NOT_WORSE_STEPS),
    };
    if (alternativesCache.size > 64) alternativesCache.clear();
    alternativesCache.set(key, alt);
  }
  return alt;
}

/** Both e-values for one pair of counts. */
function rateTest(canary: RateCounts, baseline: RateCounts, prior: RatePrior, alt: Alternatives) {
  const logWorse = logRateEvidence(canary, baseline, {
    side: "above",
    boundary: alt.kappa,
    ratios: alt.worse,
    prior,
  });
  const logNotWorse = logRateEvidence(canary, baseline, {
    side: "below",
    boundary: alt.worse[0]!,
    ratios: alt.notWorse,
    prior,
  });
  return { logWorse, logNotWorse };
}

/** Errors among requests: `events` of `count`, or `value` (a rate) × `count`. */
export function errorCounts(m: Measurement | undefined): RateCounts | string {
  if (!m) return "no measurement";
  const trials = m.count;
  const events =
    m.events ?? (m.value !== undefined && trials !== undefined ? Math.round(m.value * trials) : undefined);
  if (trials === undefined || events === undefined)
    return "needs a request count and an error count (count, events)";
  if (!(trials >= 0) || !(events >= 0) || events > trials)
    return `inconsistent counts: ${events} errors of ${trials}`;
  return { events, trials };
}

export function errorRateTest(
  canary: Measurement,
  baseline: Measurement,
  prior: Measurement | undefined,
  effect: EffectSpec,
): TestOutcome | string {
  const c = errorCounts(canary);
  const b = errorCounts(baseline);
  if (typeof c === "string") return `canary: ${c}`;
  if (typeof b === "string") return `baseline: ${b}`;
  const history = prior && prior.phase === "ok" ? errorCounts(prior) : undefined;
  const gamma = priorFromHistory(typeof history === "object" ? history : undefined);
  const { logWorse, logNotWorse } = rateTest(c, b, gamma, alternativesFor(effect));
  return {
    logWorse,
    logNotWorse,
    summary: () => `errors ${describeCounts(c)} vs baseline ${describeCounts(b)}`,
    details: { canary: c, baseline: b, prior: gamma },
  };
}

type LatencySource = Pick<Measurement, "samples" | "histogram">;

/**
 * Requests over a threshold. With a prior (stable history) one threshold is fixed from it before any
 * analysed request is seen — its `quantile` (p95 by default), or the histogram bound nearest to it —
 * which keeps the test valid. Without one, the e-values of every candidate threshold are averaged
 * (an average of e-processes is one), paying ln(K) for not knowing where the tail is.
 */
export function latencyTest(
  canary: Measurement,
  baseline: Measurement,
  prior: Measurement | undefined,
  effect: EffectSpec & { quantile: number; thresholdsMs?: readonly number[] },
): TestOutcome | string {
  if (!usable(canary) && canary.count !== 0) return "canary: needs per-request samples or a histogram";
  if (!usable(baseline) && baseline.count !== 0) return "baseline: needs per-request samples or a histogram";
  const history = prior && prior.phase === "ok" && usable(prior) ? prior : undefined;
  const anyThreshold = !canary.histogram && !baseline.histogram;
  let thresholds = anyThreshold
    ? [...(effect.thresholdsMs ?? DEFAULT_LATENCY_BUCKETS_MS)]
    : sharedBounds(canary, baseline);
  if (history) {
    const fixed = thresholdFromPrior(history, thresholds, effect.quantile, anyThreshold);
    if (fixed !== undefined) thresholds = [fixed];
  }
  if (thresholds.length === 0) return "canary and baseline histograms share no bucket bound";
  const alt = alternativesFor(effect);
  const perThreshold = thresholds.map((le) => {
    const c = countAbove(canary, le) ?? { above: 0, total: 0 };
    const b = countAbove(baseline, le) ?? { above: 0, total: 0 };
    const h = history ? countAbove(history, le) : undefined;
    const gamma = h ? priorFromHistory({ events: h.above, trials: h.total }) : weakRatePrior;
    const cc = { events: c.above, trials: c.total };
    const bb = { events: b.above, trials: b.total };
    const { logWorse, logNotWorse } = rateTest(cc, bb, gamma, alt);
    return { le, canary: cc, baseline: bb, logWorse, logNotWorse };
  });
  const logWorse = logMean(perThreshold.map((t) => t.logWorse));
  // "Not worse" must hold at every threshold (an intersection–union test needs no correction).
  const logNotWorse = Math.min(...perThreshold.map((t) => t.logNotWorse));
  const strongest = perThreshold.reduce((a, b) => (b.logWorse > a.logWorse ? b : a));
  return {
    logWorse,
    logNotWorse,
    summary: () =>
      `requests over ${strongest.le} ms ${describeCounts(strongest.canary)} vs baseline ${describeCounts(strongest.baseline)}`,
    details: {
      thresholdsMs: perThreshold.length === 1 ? [strongest.le] : thresholds,
      thresholdFrom: perThreshold.length === 1 && history ? "prior" : "ladder",
      strongest: { thresholdMs: strongest.le, canary: strongest.canary, baseline: strongest.baseline },
    },
  };
}

function usable(m: LatencySource): boolean {
  return (
    (m.samples !== undefined && m.samples.length > 0) || (m.histogram !== undefined && m.histogram.length > 0)
  );
}

/** Finite bucket bounds present in every histogram given (raw samples can be counted against any). */
function sharedBounds(a: LatencySource, b: LatencySource): number[] {
  const finite = (h: readonly HistogramBucket[]) => h.filter((x) => Number.isFinite(x.le)).map((x) => x.le);
  if (a.histogram && b.histogram) {
    const same =
      a.histogram.length === b.histogram.length && a.histogram.every((x, i) => x.le === b.histogram![i]!.le);
    if (same) return finite(a.histogram);
    const other = new Set(finite(b.histogram));
    return finite(a.histogram).filter((le) => other.has(le));
  }
  return finite((a.histogram ?? b.histogram)!);
}

/**
 * The threshold the prior fixes: its exact quantile when raw samples can be counted against any
 * value, else the candidate whose share of prior requests above it is nearest 1 − quantile.
 */
function thresholdFromPrior(
  prior: LatencySource,
  candidates: readonly number[],
  q: number,
  anyThreshold: boolean,
): number | undefined {
  if (anyThreshold && prior.samples && prior.samples.length > 0) return quantile(prior.samples, q);
  const target = 1 - q;
  let best: number | undefined;
  let bestGap = Infinity;
  for (const le of candidates) {
    const c = countAbove(prior, le);
    if (!c || c.total === 0) continue;
    const gap = Math.abs(c.above / c.total - target);
    if (gap < bestGap || (gap === bestGap && best !== undefined && le > best)) {
      best = le;
      bestGap = gap;
    }
  }
  return best;
}

function logMean(logs: readonly number[]): number {
  const max = Math.max(...logs);
  if (!Number.isFinite(max)) return max;
  return max + Math.log(logs.reduce((s, l) => s + Math.exp(l - max), 0) / logs.length);
}

function describeCounts(c: RateCounts): string {
  const pct = c.trials > 0 ? `${Number(((100 * c.events) / c.trials).toPrecision(3))} %` : "n/a";
  return `${c.events}/${c.trials} (${pct})`;
}
