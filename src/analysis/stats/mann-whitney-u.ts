/**
 * The Mann–Whitney U test (Wilcoxon rank-sum): does one sample tend to hold larger values than the
 * other? Conventions follow R's wilcox.test and SciPy's mannwhitneyu so results can be checked
 * against them: U is U₁ = R₁ − n₁(n₁+1)/2 for the first sample `x`; the exact null distribution is
 * used when both samples have fewer than 50 values and nothing is tied, otherwise the normal
 * approximation with the tie-corrected variance and a continuity correction.
 */

import { normalCdf, normalSf } from "./special";

/** Which departure the test looks for: `greater` means `x` tends to be larger than `y`. */
export type Alternative = "two-sided" | "greater" | "less";

export interface MannWhitneyOptions {
  /** Default `two-sided`. */
  alternative?: Alternative;
  /** `auto` (default): exact when both n < 50 and there are no ties, asymptotic otherwise. */
  method?: "auto" | "exact" | "asymptotic";
  /** Continuity correction for the normal approximation; default true (as R and SciPy). */
  continuity?: boolean;
}

export interface MannWhitneyResult {
  /** U₁: the number of (xᵢ, yⱼ) pairs with xᵢ > yⱼ, ties counting one half. */
  u: number;
  /** The p-value for the chosen alternative, in [0, 1]. */
  p: number;
  /** Which distribution produced `p`. Exact is only possible without ties. */
  method: "exact" | "asymptotic";
  /** The standardised statistic of the normal approximation (continuity-corrected); NaN when exact. */
  z: number;
  /** U₁ / (n₁·n₂): the probability that a random x exceeds a random y (common-language effect size). */
  effect: number;
}

const EXACT_LIMIT = 50;

/** Ranks of `values` (1-based, ties get their average rank) and the sizes of the tie groups. */
export function rankWithTies(values: readonly number[]): { ranks: Float64Array; ties: number[] } {
  const order = values.map((_, i) => i).sort((a, b) => values[a]! - values[b]!);
  const ranks = new Float64Array(values.length);
  const ties: number[] = [];
  for (let i = 0; i < order.length;) {
    let j = i + 1;
    while (j < order.length && values[order[j]!] === values[order[i]!]) j++;
    const average = (i + 1 + j) / 2;
    for (let k = i; k < j; k++) ranks[order[k]!] = average;
    if (j - i > 1) ties.push(j - i);
    i = j;
  }
  return { ranks, ties };
}

/**
 * Runs the test. Both samples must be non-empty and free of NaN (callers drop missing values);
 * otherwise this throws a RangeError, a programming error rather than bad user input.
 */
export function mannWhitneyU(
  x: readonly number[],
  y: readonly number[],
  options: MannWhitneyOptions = {},
): MannWhitneyResult {
  const { alternative = "two-sided", method = "auto", continuity = true } = options;
  const n1 = x.length;
  const n2 = y.length;
  if (n1 === 0 || n2 === 0) throw new RangeError("mannWhitneyU needs two non-empty samples");
  if (x.some(Number.isNaN) || y.some(Number.isNaN)) throw new RangeError("mannWhitneyU: NaN in a sample");
  const { ranks, ties } = rankWithTies([...x, ...y]);
  let r1 = 0;
  for (let i = 0; i < n1; i++) r1 += ranks[i]!;
  const u = r1 - (n1 * (n1 + 1)) / 2;
  const effect = u / (n1 * n2);
  const exact =
    method === "exact" || (method === "auto" && ties.length === 0 && n1 < EXACT_LIMIT && n2 < EXACT_LIMIT);
  if (exact) {
    if (ties.length > 0) throw new RangeError("mannWhitneyU: the exact distribution assumes no ties");
    return { u, p: exactP(u, n1, n2, alternative), method: "exact", z: NaN, effect };
  }
  const n = n1 + n2;
  const tieTerm = ties.reduce((s, t) => s + t * t * t - t, 0);
  const sigma = Math.sqrt(((n1 * n2) / 12) * (n + 1 - tieTerm / (n * (n - 1))));
  const mu = (n1 * n2) / 2;
  if (sigma === 0) return { u, p: 1, method: "asymptotic", z: 0, effect }; // every value tied
  const c = continuity ? 0.5 : 0;
  let z: number;
  let p: number;
  if (alternative === "greater") {
    z = (u - mu - c) / sigma;
    p = normalSf(z);
  } else if (alternative === "less") {
    z = (u - mu + c) / sigma;
    p = normalCdf(z);
  } else {
    // Two-sided on the larger of U₁ and U₂ = n₁n₂ − U₁, as SciPy does.
    z = (Math.max(u, n1 * n2 - u) - mu - c) / sigma;
    p = Math.min(1, 2 * normalSf(z));
  }
  return { u, p, method: "asymptotic", z, effect };
}

/** P-value from the exact null distribution of U (all C(n₁+n₂, n₁) rank arrangements equally likely). */
function exactP(u: number, n1: number, n2: number, alternative: Alternative): number {
  const freq = exactFrequencies(n1, n2);
  let total = 0;
  for (const f of freq) total += f;
  const upper = tail(freq, Math.ceil(u), freq.length - 1) / total; // P(U ≥ u)
  const lower = tail(freq, 0, Math.floor(u)) / total; // P(U ≤ u)
  if (alternative === "greater") return upper;
  if (alternative === "less") return lower;
  return Math.min(1, 2 * Math.min(upper, lower));
}

function tail(freq: Float64Array, from: number, to: number): number {
  let s = 0;
  for (let i = Math.max(0, from); i <= Math.min(to, freq.length - 1); i++) s += freq[i]!;
  return s;
}

/**
 * Frequencies of U = 0 … n₁n₂: the coefficients of the Gaussian binomial [n₁+n₂ choose n₁]_q, built as
 * ∏ᵢ (1 − q^{n₂+i}) / (1 − q^i). Each step keeps integer coefficients, so doubles stay exact while
 * the counts fit in 53 bits and only lose relative precision far beyond what a p-value needs.
 */
function exactFrequencies(n1: number, n2: number): Float64Array {
  const m = Math.min(n1, n2);
  const k = Math.max(n1, n2);
  const size = m * k + 1;
  const poly = new Float64Array(size);
  poly[0] = 1;
  for (let i = 1; i <= m; i++) {
    const up = k + i;
    for (let d = size - 1; d >= up; d--) poly[d]! -= poly[d - up]!; // × (1 − q^{k+i})
    for (let d = i; d < size; d++) poly[d]! += poly[d - i]!; // ÷ (1 − q^i): a running sum with stride i
  }
  return poly;
}
