/**
 * Per-version request counters for routers that see every request (builtin). Recording is on the
 * proxy's hot path, so it allocates nothing: counters are plain fields, the histogram and the sample
 * ring are typed arrays, and objects are built only when `snapshot()` is asked for.
 */
import { LATENCY_BUCKETS_MS } from "./types";
import type { LatencySample, VersionMetrics } from "./types";

/** Samples kept per version unless configured: enough for a Mann-Whitney test at a few hundred req/s. */
export const DEFAULT_SAMPLE_CAPACITY = 2048;

export class MetricsCollector {
  requests = 0;
  connectionErrors = 0;
  faultsInjected = 0;
  private readonly classes = new Float64Array(5);
  private readonly buckets = new Float64Array(LATENCY_BUCKETS_MS.length + 1);
  private sumMs = 0;
  private readonly sampleAt: Float64Array;
  private readonly sampleMs: Float64Array;
  private readonly sampleStatus: Uint16Array;
  /** Next slot to write in the ring; `filled` counts up to capacity. */
  private head = 0;
  private filled = 0;

  constructor(
    readonly version: string,
    readonly sampleCapacity = DEFAULT_SAMPLE_CAPACITY,
  ) {
    this.sampleAt = new Float64Array(sampleCapacity);
    this.sampleMs = new Float64Array(sampleCapacity);
    this.sampleStatus = new Uint16Array(sampleCapacity);
  }

  /** Records one finished request. `status` 0 means the connection failed mid-response. */
  record(status: number, ms: number, at: number): void {
    this.requests++;
    const cls = Math.floor(status / 100) - 1;
    if (cls >= 0 && cls < 5) this.classes[cls]!++;
    this.sumMs += ms;
    // Linear from the low end: most requests land in the first few buckets.
    let b = 0;
    while (b < LATENCY_BUCKETS_MS.length && ms > LATENCY_BUCKETS_MS[b]!) b++;
    this.buckets[b]!++;
    if (this.sampleCapacity > 0) {
      this.sampleAt[this.head] = at;
      this.sampleMs[this.head] = ms;
      this.sampleStatus[this.head] = status;
      this.head = (this.head + 1) % this.sampleCapacity;
      if (this.filled < this.sampleCapacity) this.filled++;
    }
  }

  snapshot(): VersionMetrics {
    const samples: LatencySample[] = [];
    const start = (this.head - this.filled + this.sampleCapacity) % Math.max(1, this.sampleCapacity);
    for (let i = 0; i < this.filled; i++) {
      const j = (start + i) % this.sampleCapacity;
      samples.push({ at: this.sampleAt[j]!, ms: this.sampleMs[j]!, status: this.sampleStatus[j]! });
    }
    const [c1, c2, c3, c4, c5] = this.classes;
    return {
      version: this.version,
      requests: this.requests,
      status: { "1xx": c1!, "2xx": c2!, "3xx": c3!, "4xx": c4!, "5xx": c5! },
      connectionErrors: this.connectionErrors,
      faultsInjected: this.faultsInjected,
      latency: {
        bucketsMs: LATENCY_BUCKETS_MS,
        counts: Array.from(this.buckets),
        sumMs: this.sumMs,
        count: this.requests,
      },
      samples,
    };
  }
}
