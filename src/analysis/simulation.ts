/**
 * Simulated canaries for the statistical property tests and the analysis benchmark: each simulated
 * second both versions serve `requestsPerSecond` requests with Bernoulli errors and log-normal
 * latencies, the router-style cumulative counts (requests, errors, a latency histogram) are handed to
 * a judge, and the first second it fails (or finally passes) the canary is recorded. Randomness comes
 * only from the injected PRNG, so a seed reproduces a run exactly.
 */
import type { Judge, JudgeResult, Sample } from "./judge/types";
import { DEFAULT_LATENCY_BUCKETS_MS } from "./judge/sequential-tests";
import type { Measurement } from "./provider/types";
import { binomialDraw } from "./stats/prng";
import { normalCdf } from "./stats/special";
import type { Prng } from "./stats/prng";

/** How a version behaves. */
export interface VersionProfile {
  /** Probability that a request fails. */
  errorRate: number;
  /** Median latency in ms of the log-normal distribution. */
  medianMs: number;
  /** σ of log-latency; 0.5 puts p95 at 2.28 × the median. */
  sigma: number;
}

export interface SimulationOptions<S> {
  rng: Prng;
  judge: Judge<S>;
  spec: S;
  baseline: VersionProfile;
  canary: VersionProfile;
  /** Requests per second to each version (20 in the benchmark). */
  requestsPerSecond: number;
  /** Seconds to monitor; the judge is asked once per simulated second. */
  seconds: number;
  /**
   * Seconds of stable history included in the baseline's counts (its window starts this long before
   * the canary's first request), as a controller querying the stable version's counters would.
   */
  lookbackSeconds?: number;
  /** Seconds of stable history before the lookback, given to the judge as the baseline's `prior`. */
  priorSeconds?: number;
  /** Stop at a final pass (as a controller would); default true. False monitors every second regardless. */
  stopOnPass?: boolean;
  /** Histogram bounds in ms; default DEFAULT_LATENCY_BUCKETS_MS. */
  bucketsMs?: readonly number[];
}

export interface SimulationResult {
  /** `fail`: rolled back; `pass`: a final pass; `none`: still undecided when the time ran out. */
  decision: "fail" | "pass" | "none";
  /** The simulated second of the decision (1-based), or null for `none`. */
  second: number | null;
  last: JudgeResult | null;
}

/** A version's cumulative traffic: requests, errors and histogram bucket counts (non-cumulative per bucket). */
class Traffic {
  requests = 0;
  errors = 0;
  readonly buckets: number[];
  constructor(readonly bounds: readonly number[]) {
    this.buckets = new Array<number>(bounds.length + 1).fill(0);
  }

  serve(rng: Prng, profile: VersionProfile, n: number): void {
    this.requests += n;
    this.errors += binomialDraw(rng, n, profile.errorRate);
    // Only bucket counts are kept, so draw the bucket directly: P(bucket) from the log-normal CDF.
    const cumulative = this.#bucketProbabilities(profile);
    for (let i = 0; i < n; i++) {
      const u = rng();
      let lo = 0;
      let hi = cumulative.length - 1; // the last entry is 1 (+Inf)
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (cumulative[mid]! > u) hi = mid;
        else lo = mid + 1;
      }
      this.buckets[lo]! += 1;
    }
  }

  #cache = new Map<VersionProfile, Float64Array>();
  #bucketProbabilities(profile: VersionProfile): Float64Array {
    let cumulative = this.#cache.get(profile);
    if (!cumulative) {
      const mu = Math.log(profile.medianMs);
      cumulative = Float64Array.from([
        ...this.bounds.map((b) => normalCdf((Math.log(b) - mu) / profile.sigma)),
        1,
      ]);
      this.#cache.set(profile, cumulative);
    }
    return cumulative;
  }

  measurements(at: Date): Record<string, Measurement> {
    const histogram = [];
    let cumulative = 0;
    for (let i = 0; i <= this.bounds.length; i++) {
      cumulative += this.buckets[i]!;
      histogram.push({ le: i < this.bounds.length ? this.bounds[i]! : Infinity, count: cumulative });
    }
    const value = this.requests > 0 ? this.errors / this.requests : 0;
    return {
      errorRate: { phase: "ok", value, count: this.requests, events: this.errors, at },
      latency: { phase: "ok", count: this.requests, histogram, at },
    };
  }
}

export function simulateCanary<S>(options: SimulationOptions<S>): SimulationResult {
  const { rng, judge, spec, requestsPerSecond: rate, seconds, stopOnPass = true } = options;
  const bounds = options.bucketsMs ?? DEFAULT_LATENCY_BUCKETS_MS;
  const epoch = 0; // simulated time: measurement instants are seconds since the analysis began
  let prior: Record<string, Measurement> | undefined;
  if (options.priorSeconds && options.priorSeconds > 0) {
    const history = new Traffic(bounds);
    history.serve(rng, options.baseline, rate * options.priorSeconds);
    prior = history.measurements(new Date(epoch));
  }
  const base = new Traffic(bounds);
  if (options.lookbackSeconds && options.lookbackSeconds > 0)
    base.serve(rng, options.baseline, rate * options.lookbackSeconds);
  const can = new Traffic(bounds);
  let last: JudgeResult | null = null;
  for (let t = 1; t <= seconds; t++) {
    base.serve(rng, options.baseline, rate);
    can.serve(rng, options.canary, rate);
    const at = new Date(epoch + t * 1000);
    const baseline: Sample = { version: "baseline", metrics: base.measurements(at) };
    if (prior) baseline.prior = prior;
    const canary: Sample = { version: "canary", metrics: can.measurements(at) };
    last = judge.decide(baseline, canary, spec);
    if (last.verdict === "fail") return { decision: "fail", second: t, last };
    if (stopOnPass && last.verdict === "pass" && last.final) return { decision: "pass", second: t, last };
  }
  return { decision: "none", second: null, last };
}

/** The median of the decision seconds of runs that decided `decision`; null when none did. */
export function medianSecond(
  results: readonly SimulationResult[],
  decision: "fail" | "pass" = "fail",
): number | null {
  const seconds = results.filter((r) => r.decision === decision).map((r) => r.second!);
  if (seconds.length === 0) return null;
  seconds.sort((a, b) => a - b);
  const mid = seconds.length >> 1;
  return seconds.length % 2 ? seconds[mid]! : (seconds[mid - 1]! + seconds[mid]!) / 2;
}
