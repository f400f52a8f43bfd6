/**
 * The `router` metric provider (the default): measures a version through the Router that splits its
 * traffic, so an analysis needs nothing but Sluice itself. Queries (`MetricQuery.query`):
 *
 *   requests   requests that finished in the window (value and count)
 *   errorRate  share of them that failed: 5xx responses, plus responses cut off mid-way (status 0)
 *              (value = events / count; count and events set)
 *   latency    per-request milliseconds (samples) and a cumulative histogram over the window;
 *              value = p95, or the `quantile` option
 *   p50 p95 p99  one latency quantile in ms
 *   rps        requests per second over the window
 *
 * Windows. A Router reports cumulative counters and the most recent requests (`samples`, each with
 * its finish time), so the provider derives window figures in one of two ways:
 *
 * 1. Exact, from samples, whenever they hold every request in the window: the router has dropped no
 *    sample yet, or its oldest kept sample finished before the window began.
 * 2. Otherwise from counter readings: the provider is stateful — every query keeps a reading of the
 *    version's counters, stamped with the provider's clock — and a window's figures are the
 *    difference between the latest reading at or before its start and the earliest at or after its
 *    end (the current reading when there is none). The figures then describe that slightly wider
 *    span, and `rps` divides by it. With no reading at or before the start (the provider first saw
 *    the version inside the window), the span starts at whichever is earlier: the first reading,
 *    or the oldest kept sample (the samples are complete from there on); a window that ended
 *    before both is an error measurement — its traffic is unknown, not zero. Counters that went down
 *    mean the router restarted: older readings are dropped, and the new counters count from zero at
 *    the last reading before the restart. Per-request `samples` of a latency measurement are then
 *    the window's most recent requests only, and its `value` comes from the histogram.
 *
 * A window is exact while the router's sample capacity covers its traffic; beyond that, since every
 * analysis look takes a reading, a window is off by at most the time between two looks. Keep one
 * provider per analysis for the process' life (the readings are its memory).
 *
 * A version the router never knew is an error measurement; a known version without requests in the
 * window is an ok measurement with `count: 0` and no `value` (judges call that inconclusive; it is
 * no query failure). A router that does not answer within `timeoutMs` is an error measurement.
 */
import { z } from "zod";
import type { VersionMetrics } from "../../deploy/router/types";
import { parseAnalysisConfig } from "../config";
import { histogramQuantile, quantile } from "../stats/quantile";
import { errorMeasurement } from "./measurement";
import type {
  HistogramBucket,
  Measurement,
  MeasurementWindow,
  MetricProvider,
  MetricProviderContext,
  MetricQuery,
} from "./types";

export const ROUTER_PROVIDER_TYPE = "router";

export const routerProviderConfigSchema = z.strictObject({
  type: z.literal(ROUTER_PROVIDER_TYPE),
  timeoutMs: z
    .int()
    .positive()
    .default(5000)
    .describe("Give up on a router that has not reported within this many milliseconds."),
});
export type RouterProviderConfig = z.output<typeof routerProviderConfigSchema>;

/** What `query` may name. */
export const ROUTER_QUERIES = ["requests", "errorRate", "latency", "p50", "p95", "p99", "rps"] as const;
export type RouterQueryName = (typeof ROUTER_QUERIES)[number];

/** Per-metric options (`MetricQuery.options`). */
export const routerQueryOptionsSchema = z.strictObject({
  quantile: z
    .number()
    .gt(0)
    .lt(1)
    .default(0.95)
    .describe("For `latency`: the quantile reported as `value` (samples and histogram come too)."),
});

/**
 * Readings kept per version. Past this, every other reading of the older half is dropped: the
 * history keeps its whole span (a long analysis keeps its start) at a coarser grain.
 */
export const MAX_READINGS_PER_VERSION = 1024;

/** A version's counters as seen at one instant. */
interface Reading {
  at: number;
  requests: number;
  errors: number;
  /** Requests per latency bucket, not cumulative; the last entry is +Inf. */
  buckets: number[];
}

/** What a window holds, however it was derived. */
interface WindowFigures {
  requests: number;
  errors: number;
  buckets: number[];
  /** Per-request ms finishing inside the window, oldest first (all of them when `exact`). */
  samples: number[];
  exact: boolean;
  /** The span the figures describe, epoch ms (the window itself when exact). */
  from: number;
  to: number;
}

export class RouterMetricProvider implements MetricProvider {
  readonly type = ROUTER_PROVIDER_TYPE;
  readonly #config: RouterProviderConfig;
  readonly #context: MetricProviderContext;
  readonly #now: () => number;
  readonly #readings = new Map<string, Reading[]>();

  constructor(config: RouterProviderConfig, context: MetricProviderContext = {}) {
    this.#config = config;
    this.#context = context;
    this.#now = context.now ?? Date.now;
  }

  async query(metric: MetricQuery, window: MeasurementWindow): Promise<Measurement> {
    const at = window.end;
    const name = metric.query.trim() as RouterQueryName;
    if (!ROUTER_QUERIES.includes(name)) {
      return errorMeasurement(
        `${metric.name}: unknown router query ${JSON.stringify(metric.query)}; expected one of: ${ROUTER_QUERIES.join(", ")}`,
        at,
      );
    }
    const options = routerQueryOptionsSchema.safeParse(metric.options ?? {});
    if (!options.success)
      return errorMeasurement(`invalid options for ${metric.name}: ${options.error.message}`, at);
    const version = metric.version;
    if (version === undefined || version === "")
      return errorMeasurement(`${metric.name}: the router provider needs the version to measure`, at);
    const router = this.#context.router;
    if (router === undefined)
      return errorMeasurement(`${metric.name}: no router to read (the controller passes none)`, at);
    // Stamped before asking, so readings of concurrent queries keep their order.
    const now = this.#now();
    let snapshot: VersionMetrics | null;
    let timer: NodeJS.Timeout | undefined;
    const ms = this.#config.timeoutMs;
    try {
      snapshot = await Promise.race([
        router.metrics(version),
        new Promise<never>((_, reject) => {
          timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
        }),
      ]);
    } catch (err) {
      const why = err instanceof Error ? err.message : String(err);
      return errorMeasurement(`${metric.name}: the router failed to report ${version}: ${why}`, at);
    } finally {
      clearTimeout(timer);
    }
    if (snapshot === null) return errorMeasurement(`no traffic data for version ${version}`, at);
    const figures = this.#figures(version, snapshot, window, now);
    if ("error" in figures) return errorMeasurement(`${metric.name}: ${figures.error}`, at);
    return toMeasurement(name, figures, snapshot.latency.bucketsMs, options.data.quantile, at);
  }

  /** Records the reading and derives the window's figures (see the module comment). */
  #figures(
    version: string,
    m: VersionMetrics,
    window: MeasurementWindow,
    now: number,
  ): WindowFigures | { error: string } {
    const readings = this.#record(version, readingOf(m, now));
    const start = window.start.getTime();
    const end = window.end.getTime();
    const to = Math.min(end, now);
    // Samples are complete after the oldest kept one, or entirely when none was dropped.
    const completeAfter = m.samples.length >= m.requests ? -Infinity : (m.samples[0]?.at ?? Infinity);
    if (start > completeAfter) return fromSamples(m, start, end, start, to);
    const first = readings.findLast((r) => r.at <= start);
    if (first === undefined) {
      // What came before the first reading and the oldest kept sample is unknown, not zero.
      const known = Math.min(readings[0]!.at, completeAfter);
      if (known >= end) {
        return {
          error: `the router's data for ${version} begins at ${new Date(known).toISOString()}, after this window`,
        };
      }
      if (completeAfter < readings[0]!.at) return fromSamples(m, completeAfter, end, completeAfter, to);
    }
    const from = first ?? readings[0]!;
    const until = readings.find((r) => r.at >= end) ?? readings.at(-1)!;
    if (until.at <= from.at) {
      return { error: `one reading of ${version} so far: the window has no data yet` };
    }
    return {
      requests: until.requests - from.requests,
      errors: until.errors - from.errors,
      buckets: until.buckets.map((n, i) => n - (from.buckets[i] ?? 0)),
      samples: m.samples.filter((s) => s.at >= start && s.at < end).map((s) => s.ms),
      exact: false,
      from: from.at,
      to: until.at,
    };
  }

  /** Appends a reading (dropping history on a counter reset) and returns the version's readings. */
  #record(version: string, reading: Reading): Reading[] {
    let list = this.#readings.get(version) ?? [];
    this.#readings.set(version, list);
    // Sorted by time, even if the clock stepped back or answers arrived out of order.
    let i = list.length;
    while (i > 0 && list[i - 1]!.at > reading.at) i--;
    const before = list[i - 1];
    if (before !== undefined && reading.requests < before.requests) {
      // A restart: the new counters started from zero after the reading before it, not earlier.
      const zero = { at: before.at, requests: 0, errors: 0, buckets: reading.buckets.map(() => 0) };
      list = [zero, reading];
      this.#readings.set(version, list);
      return list;
    }
    if (before !== undefined && before.at === reading.at) {
      // Metrics of one look are queried together: one reading per instant, the latest counters.
      list[i - 1] = reading;
      return list;
    }
    list.splice(i, 0, reading);
    if (list.length > MAX_READINGS_PER_VERSION) {
      const half = list.length >> 1;
      const older = list.slice(0, half).filter((_, k) => k % 2 === 0);
      list.splice(0, half, ...older);
    }
    return list;
  }
}

function readingOf(m: VersionMetrics, at: number): Reading {
  const s = m.status;
  const answered = s["1xx"] + s["2xx"] + s["3xx"] + s["4xx"] + s["5xx"];
  return {
    at,
    requests: m.requests,
    errors: s["5xx"] + Math.max(0, m.requests - answered),
    buckets: [...m.latency.counts],
  };
}

/** Window figures from the samples finishing in [start, end); `from`–`to` is the span described. */
function fromSamples(m: VersionMetrics, start: number, end: number, from: number, to: number): WindowFigures {
  const bounds = m.latency.bucketsMs;
  const buckets = new Array<number>(bounds.length + 1).fill(0);
  const samples: number[] = [];
  let errors = 0;
  for (const s of m.samples) {
    if (!(s.at >= start && s.at < end)) continue;
    samples.push(s.ms);
    if (s.status === 0 || (s.status >= 500 && s.status < 600)) errors++;
    let b = 0;
    while (b < bounds.length && s.ms > bounds[b]!) b++;
    buckets[b]!++;
  }
  return { requests: samples.length, errors, buckets, samples, exact: true, from, to };
}

function cumulative(bounds: readonly number[], buckets: readonly number[]): HistogramBucket[] {
  let total = 0;
  return buckets.map((n, i) => ({ le: bounds[i] ?? Infinity, count: (total += n) }));
}

function toMeasurement(
  name: RouterQueryName,
  f: WindowFigures,
  bounds: readonly number[],
  q: number,
  at: Date,
): Measurement {
  const count = f.requests;
  switch (name) {
    case "requests":
      return { phase: "ok", value: count, count, at };
    case "rps": {
      const seconds = (f.to - f.from) / 1000;
      if (!(seconds > 0)) return errorMeasurement("rps: the window has no length yet", at);
      return { phase: "ok", value: count / seconds, count, at };
    }
    case "errorRate":
      return { phase: "ok", ...(count > 0 ? { value: f.errors / count } : {}), count, events: f.errors, at };
    default: {
      const histogram = cumulative(bounds, f.buckets);
      const quant = name === "latency" ? q : Number(name.slice(1)) / 100;
      // Exact samples give the true quantile; partial ones would favour the latest requests.
      const value =
        count === 0 ? NaN : f.exact ? quantile(f.samples, quant) : histogramQuantile(histogram, quant);
      const scalar = Number.isFinite(value) ? { value } : {};
      if (name !== "latency") return { phase: "ok", ...scalar, count, at };
      return { phase: "ok", ...scalar, samples: f.samples, histogram, count, at };
    }
  }
}

/**
 * Builds the provider. The router comes through the context: `createMetricProvider({ type: "router" },
 * { router })` with the deployment's Router (or anything with its `metrics(version)`).
 */
export function createRouterProvider(config: unknown, context: MetricProviderContext): RouterMetricProvider {
  return new RouterMetricProvider(
    parseAnalysisConfig(routerProviderConfigSchema, config, "provider"),
    context,
  );
}
