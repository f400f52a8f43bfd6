/** Quantiles and threshold exceedances from raw samples or from cumulative histograms. */
import type { HistogramBucket } from "../provider/types";

/** The q-quantile of `values` with linear interpolation between order statistics (R type 7, NumPy's default). */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const h = (sorted.length - 1) * Math.min(1, Math.max(0, q));
  const lo = Math.floor(h);
  const hi = Math.min(lo + 1, sorted.length - 1);
  return sorted[lo]! + (h - lo) * (sorted[hi]! - sorted[lo]!);
}

/**
 * The q-quantile of a cumulative histogram, interpolating linearly inside the bucket it falls in, as
 * PromQL's histogram_quantile does (the first bucket starts at 0; a quantile in +Inf returns the
 * largest finite bound).
 */
export function histogramQuantile(buckets: readonly HistogramBucket[], q: number): number {
  const total = buckets.length > 0 ? buckets[buckets.length - 1]!.count : 0;
  if (total <= 0) return NaN;
  const rank = Math.min(1, Math.max(0, q)) * total;
  let lowerBound = 0;
  let lowerCount = 0;
  for (const b of buckets) {
    if (b.count >= rank) {
      if (!Number.isFinite(b.le)) return lowerBound;
      const inBucket = b.count - lowerCount;
      return inBucket <= 0 ? b.le : lowerBound + ((b.le - lowerBound) * (rank - lowerCount)) / inBucket;
    }
    lowerBound = b.le;
    lowerCount = b.count;
  }
  return lowerBound;
}

/** How many observations exceed `threshold`: counted in samples, or total − cumulative(≤ threshold). */
export function countAbove(
  source: { samples?: readonly number[]; histogram?: readonly HistogramBucket[] },
  threshold: number,
): { above: number; total: number } | undefined {
  if (source.samples) {
    let above = 0;
    for (const v of source.samples) if (v > threshold) above++;
    return { above, total: source.samples.length };
  }
  const h = source.histogram;
  if (h && h.length > 0) {
    const total = h[h.length - 1]!.count;
    const bucket = h.find((b) => b.le === threshold);
    if (!bucket) return undefined;
    return { above: total - bucket.count, total };
  }
  return undefined;
}
