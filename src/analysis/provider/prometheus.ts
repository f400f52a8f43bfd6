/**
 * The `prometheus` metric provider: PromQL over Prometheus' HTTP API. An instant query
 * (`/api/v1/query` at the window's end) gives one `value`; a range query (`/api/v1/query_range` over
 * the window, `range: true`) gives the series' points as `samples`, which is what the Mann–Whitney
 * judge compares. A query must reduce to one series (use `sum(...)`): several series, no series,
 * NaN (0/0 when a window had no requests) and API errors are all error measurements with the reason.
 */
import { z } from "zod";
import { parseAnalysisConfig } from "../config";
import { getJson } from "./http-json";
import { toNumber } from "./json-path";
import { errorMeasurement, expandQuery, valueMeasurement } from "./measurement";
import type {
  Measurement,
  MeasurementWindow,
  MetricProvider,
  MetricProviderContext,
  MetricQuery,
} from "./types";

export const PROMETHEUS_PROVIDER_TYPE = "prometheus";

export const prometheusProviderConfigSchema = z.strictObject({
  type: z.literal(PROMETHEUS_PROVIDER_TYPE),
  address: z
    .url({ protocol: /^https?$/, error: "must be an http(s) URL such as http://127.0.0.1:9090" })
    .describe("Prometheus' base URL; the API lives under /api/v1."),
  timeoutMs: z.int().positive().default(10_000).describe("Give up on a query after this many milliseconds."),
  headers: z.record(z.string(), z.string()).default({}).describe("Headers sent with every query (auth)."),
});
export type PrometheusProviderConfig = z.output<typeof prometheusProviderConfigSchema>;

/** Per-metric options (`MetricQuery.options`); `query` itself is the PromQL. */
export const prometheusQueryOptionsSchema = z.strictObject({
  range: z
    .boolean()
    .default(false)
    .describe("Run a range query over the window and return its points as samples."),
  stepSeconds: z
    .number()
    .positive()
    .optional()
    .describe("Resolution of a range query; default the window split in about 250 points, at least 1 s."),
});

interface PromSample {
  metric?: Record<string, string>;
  value?: [number, string];
  values?: Array<[number, string]>;
}

export class PrometheusMetricProvider implements MetricProvider {
  readonly type = PROMETHEUS_PROVIDER_TYPE;
  readonly #config: PrometheusProviderConfig;
  readonly #fetch: typeof fetch;

  constructor(config: PrometheusProviderConfig, context: MetricProviderContext = {}) {
    this.#config = config;
    this.#fetch = context.fetch ?? globalThis.fetch;
  }

  async query(metric: MetricQuery, window: MeasurementWindow): Promise<Measurement> {
    const at = window.end;
    const options = prometheusQueryOptionsSchema.safeParse(metric.options ?? {});
    if (!options.success)
      return errorMeasurement(`invalid options for ${metric.name}: ${options.error.message}`, at);
    const promql = expandQuery(metric, window);
    const params = new URLSearchParams({ query: promql });
    const seconds = (d: Date) => (d.getTime() / 1000).toFixed(3);
    let path = "/api/v1/query";
    if (options.data.range) {
      const span = (window.end.getTime() - window.start.getTime()) / 1000;
      const step = options.data.stepSeconds ?? Math.max(1, Math.ceil(span / 250));
      params.set("start", seconds(window.start));
      params.set("end", seconds(window.end));
      params.set("step", String(step));
      path = "/api/v1/query_range";
    } else {
      params.set("time", seconds(window.end));
    }
    const url = `${this.#config.address.replace(/\/+$/, "")}${path}?${params}`;
    const answer = await getJson(url, {
      timeoutMs: this.#config.timeoutMs,
      headers: this.#config.headers,
      fetch: this.#fetch,
    });
    const body = answer.body as
      { status?: string; errorType?: string; error?: string; data?: unknown } | undefined;
    if (body?.status === "error") {
      return errorMeasurement(
        `prometheus rejected ${metric.name} (${body.errorType ?? "error"}): ${body.error ?? ""}`,
        at,
      );
    }
    if (!answer.ok) return errorMeasurement(answer.error, at);
    return readResult(body?.data, metric.name, at);
  }
}

/** Turns the API's `data` (scalar, vector or matrix) into a measurement. */
function readResult(data: unknown, name: string, at: Date): Measurement {
  const d = data as { resultType?: string; result?: unknown } | undefined;
  if (!d || typeof d !== "object" || !("result" in d))
    return errorMeasurement(`${name}: malformed Prometheus answer`, at);
  const what = `query ${name}`;
  switch (d.resultType) {
    case "scalar": {
      const pair = d.result as [number, string];
      return valueMeasurement({ value: toNumber(pair?.[1]) ?? NaN }, at, what);
    }
    case "vector":
    case "matrix": {
      const series = (Array.isArray(d.result) ? d.result : []) as PromSample[];
      if (series.length === 0) {
        return errorMeasurement(`${what} returned an empty result (no series matched in the window)`, at);
      }
      if (series.length > 1) {
        const labels = series
          .slice(0, 3)
          .map((s) => JSON.stringify(s.metric ?? {}))
          .join(", ");
        return errorMeasurement(
          `${what} returned ${series.length} series (${labels}${series.length > 3 ? ", …" : ""}); aggregate it to one, e.g. with sum(...)`,
          at,
        );
      }
      const only = series[0]!;
      if (d.resultType === "vector")
        return valueMeasurement({ value: toNumber(only.value?.[1]) ?? NaN }, at, what);
      return valueMeasurement({ samples: (only.values ?? []).map(([, v]) => toNumber(v) ?? NaN) }, at, what);
    }
    default:
      return errorMeasurement(
        `${what} returned a ${String(d.resultType)} result; expected a scalar, vector or matrix`,
        at,
      );
  }
}

export function createPrometheusProvider(
  config: unknown,
  context: MetricProviderContext,
): PrometheusMetricProvider {
  return new PrometheusMetricProvider(
    parseAnalysisConfig(prometheusProviderConfigSchema, config, "provider"),
    context,
  );
}
