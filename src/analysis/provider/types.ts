/**
 * Metric providers: where analysis measurements come from (DESIGN.md "Plug-in points"). A provider
 * turns a metric query and a time window into a {@link Measurement}. Failure is data: a query that
 * times out, is refused or returns nothing usable comes back as a measurement with `phase: "error"`,
 * which counts toward the analysis' `consecutiveErrorLimit` — `query` never rejects.
 */
import type { Router } from "../../deploy/router/types";

/** One cumulative bucket of a latency histogram, Prometheus style. */
export interface HistogramBucket {
  /** Upper bound in milliseconds (`Infinity` for the +Inf bucket). */
  le: number;
  /** Observations ≤ `le` (cumulative: never decreases as `le` grows). */
  count: number;
}

/**
 * What one query returned, for one version over one window. The fields fit the three shapes judges
 * read: a scalar (`value`), counts (`count` requests of which `events` errors) and distributions
 * (`samples`, or a `histogram` when per-request values are not kept).
 */
export interface Measurement {
  /** `ok`: the query answered with usable data; `error`: it did not, and `error` says why. */
  phase: "ok" | "error";
  /** The metric's scalar value (an error rate, a p95 in ms, a request count). Finite when present. */
  value?: number;
  /**
   * Individual observations in arrival order: per-request latencies in ms from the router, or a
   * range query's points. Finite numbers only (providers drop NaN and report an error when none remain).
   */
  samples?: number[];
  /** How many observations the measurement summarises (requests in the window); minimum-sample rules read it. */
  count?: number;
  /** Of `count`, how many were events (errors, or requests over a threshold); 0 ≤ events ≤ count. */
  events?: number;
  /** Cumulative latency histogram over the window, sorted by `le`; the last bucket holds `count`. */
  histogram?: HistogramBucket[];
  /** Why the query failed; set exactly when `phase` is `error`, never empty then. */
  error?: string;
  /** The instant the measurement describes: the end of the queried window (not the wall clock). */
  at: Date;
}

/** What to measure. Providers interpret `query`; the other fields are common to all of them. */
export interface MetricQuery {
  /** The metric's name in the analysis (`errorRate`, `latency`); judges look measurements up by it. */
  name: string;
  /**
   * The provider-specific query: PromQL for `prometheus`, a URL for `http`, a counter for `router`.
   * `{{version}}` is replaced with {@link MetricQuery.version} and `{{window}}` with the window's
   * length as a Prometheus duration (`90s`), so one template serves canary and baseline.
   */
  query: string;
  /** The version measured (`canary`, `stable`), substituted for `{{version}}`; optional. */
  version?: string;
  /**
   * Provider-specific options, already validated by the provider's schema: `jsonPath` for `http`,
   * `range`/`stepSeconds` for `prometheus`.
   */
  options?: Readonly<Record<string, string | number | boolean>>;
}

/** A half-open time window [start, end) to measure over. */
export interface MeasurementWindow {
  start: Date;
  end: Date;
}

export interface MetricProvider {
  /** The registry `type` this provider was created from (`http`, `prometheus`, `router`). */
  readonly type: string;
  /**
   * Measures `metric` over `window`. Resolves, never rejects: every failure (network, timeout, HTTP
   * status, unparsable or empty answer, NaN) is a measurement with `phase: "error"`. Safe to call
   * concurrently; `at` is always `window.end`, so results are reproducible. Stateless, except the
   * `router` provider, which keeps readings of cumulative counters to turn them into window figures
   * (see router.ts): give each analysis its own instance.
   */
  query(metric: MetricQuery, window: MeasurementWindow): Promise<Measurement>;
}

/** What factories may use besides their config; injected so tests need no globals. */
export interface MetricProviderContext {
  /** The fetch implementation HTTP-based providers call; default `globalThis.fetch`. */
  fetch?: typeof fetch;
  /**
   * What the `router` provider reads: the Router splitting the deployment's traffic, or anything with
   * its `metrics(version)` (null for a version it never knew). Without it, `router` queries are error
   * measurements.
   */
  router?: Pick<Router, "metrics">;
  /** Epoch milliseconds, for providers that stamp readings (router); default `Date.now`. */
  now?: () => number;
}

/**
 * Builds a provider from its validated-on-entry config (the `provider:` block of an analysis in
 * sluice.yml, `type` included). Invalid options throw SLUICE_E_ANALYSIS_CONFIG listing every problem.
 */
export type MetricProviderFactory = (config: unknown, context: MetricProviderContext) => MetricProvider;
