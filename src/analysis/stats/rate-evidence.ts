/**
 * Anytime-valid evidence that one event rate is worse (or better) than another: the e-process the
 * sequential judge runs on error counts and on latency-threshold exceedances.
 *
 * Data: the canary saw `events` out of `trials` (errors among requests), the baseline likewise.
 * Null hypothesis for side `above`: rate_c ≤ κ·rate_b (the canary is no worse than κ times the
 * baseline); for side `below`: rate_c ≥ κ·rate_b. The statistic is a universal-inference ratio
 * (Wasserman, Ramdas & Balakrishnan 2020):
 *
 *   E = m(data) / sup_{H₀} L(data),   m = Σⱼ wⱼ ∫ L(ρⱼ·r, r) Gamma(r; a, β) dr
 *
 * with a Poisson working likelihood for each version. For any true null point θ₀, E ≤ m / L(θ₀), and
 * m / L(θ₀) is a mixture of per-request likelihood-ratio products; each factor (ρr/r₀)^y·e^{−(ρr−r₀)}
 * has expectation e^{−d}(1 + d) ≤ 1 under Bernoulli(r₀) data (d = ρr − r₀), so m / L(θ₀) is a
 * non-negative supermartingale starting at 1 whatever order the requests of both versions arrive in.
 * Ville's inequality then bounds P(E ever ≥ 1/α) ≤ α: looking after every request, every second or
 * at random times never inflates the error rate, and unequal or changing traffic shares and a
 * baseline that includes the stable version's history are all covered.
 *
 * The mixture over the base rate r is conjugate, so E depends on the four counts alone and costs a
 * few logarithms per ratio — cheap enough to recompute from cumulative counts on every look. Power,
 * never validity, depends on the prior: a Gamma fitted to baseline data from *before* the analysis
 * window (the stable version's history) makes the nuisance rate nearly known and roughly halves the
 * time to detect a regression; those data must not also be counted in `baseline`.
 */

import { logGamma, xLogY } from "./special";

/** Events among trials for one version, cumulative over the analysis window. */
export interface RateCounts {
  /** Events seen (errors, requests slower than a threshold); 0 ≤ events ≤ trials is not required. */
  events: number;
  /** Opportunities for an event (requests). */
  trials: number;
}

/** A Gamma(shape, rate) prior on the baseline's per-trial event rate. */
export interface RatePrior {
  /** Shape a > 0: pseudo-events. */
  shape: number;
  /** Rate β > 0: pseudo-trials. */
  rate: number;
}

export interface RateEvidenceOptions {
  /** `above`: evidence the canary's rate exceeds κ·baseline; `below`: that it is under κ·baseline. */
  side: "above" | "below";
  /** κ > 0, the null's boundary ratio. */
  boundary: number;
  /** Alternative ratios ρⱼ (canary rate / baseline rate), weighted equally; all beyond κ on `side`. */
  ratios: readonly number[];
  /** Prior on the baseline rate; see {@link weakRatePrior} and {@link priorFromHistory}. */
  prior: RatePrior;
}

/**
 * A diffuse prior: Gamma(0.25, 1) spreads its mass over rates from about 10⁻⁶ to 1 almost evenly on a
 * log scale, so no particular error rate is favoured when no history is available.
 */
export const weakRatePrior: RatePrior = Object.freeze({ shape: 0.25, rate: 1 });

/** The weak prior updated with history counts: the posterior after seeing them, used as a prior. */
export function priorFromHistory(history: RateCounts | undefined): RatePrior {
  if (!history || !(history.trials > 0)) return weakRatePrior;
  return { shape: weakRatePrior.shape + history.events, rate: weakRatePrior.rate + history.trials };
}

/** Geometric grid κ·start·step^j, j = 0 … n−1 (the alternatives a mixture averages over). */
export function ratioGrid(start: number, step: number, n: number): number[] {
  return Array.from({ length: n }, (_, j) => start * step ** j);
}

/**
 * ln E for the evidence described above; 0 when there is no data. Compare with ln(1/α).
 * Counts must be finite and non-negative (callers validate measurements first).
 */
export function logRateEvidence(
  canary: RateCounts,
  baseline: RateCounts,
  options: RateEvidenceOptions,
): number {
  const { events: xc, trials: nc } = canary;
  const { events: xb, trials: nb } = baseline;
  const { boundary: k, prior, ratios, side } = options;
  const total = xc + xb;
  // Denominator: the Poisson likelihood maximised over the null (factorials cancel with the numerator).
  const inside = side === "above" ? xc * nb <= k * xb * nc : xc * nb >= k * xb * nc;
  let muC = xc;
  let muB = xb;
  if (!inside) {
    const r = total / (k * nc + nb);
    muC = k * nc * r;
    muB = nb * r;
  }
  const logDen = xLogY(xc, muC) - muC + xLogY(xb, muB) - muB;
  // Numerator: ∫ (nc·ρ·r)^xc (nb·r)^xb e^{−(nc·ρ+nb)r} Gamma(r; a, β) dr, averaged over ρ.
  const a = prior.shape;
  const common = a * Math.log(prior.rate) - logGamma(a) + logGamma(total + a) + xLogY(xb, nb);
  // One pass into a reused buffer, no allocation: this runs for every threshold on every look.
  const n = ratios.length;
  const terms = n <= scratch.length ? scratch : new Float64Array(n);
  let max = -Infinity;
  for (let j = 0; j < n; j++) {
    const rho = ratios[j]!;
    const t = xLogY(xc, nc * rho) + common - (total + a) * Math.log(nc * rho + nb + prior.rate);
    terms[j] = t;
    if (t > max) max = t;
  }
  let sum = 0;
  for (let j = 0; j < n; j++) sum += Math.exp(terms[j]! - max);
  return max + Math.log(sum / n) - logDen;
}

const scratch = new Float64Array(32);
