/**
 * The `http` metric provider: GET a URL that answers JSON and pick the metric out of it with a
 * JSON path. For services that expose their own health numbers (`/stats` → `{"errorRate": 0.002}`).
 * A number (or numeric string) becomes `value`; an array of numbers becomes `samples`.
 */
import { z } from "zod";
import { parseAnalysisConfig } from "../config";
import { getJson } from "./http-json";
import { parseJsonPath, selectJsonPath, toNumber } from "./json-path";
import { errorMeasurement, expandQuery, valueMeasurement } from "./measurement";
import type {
  Measurement,
  MeasurementWindow,
  MetricProvider,
  MetricProviderContext,
  MetricQuery,
} from "./types";

export const HTTP_PROVIDER_TYPE = "http";

const jsonPath = z.string().refine((p) => parseJsonPath(p) !== null, {
  error: 'must be a JSON path such as "$.data.errorRate" or "items[0].p95"',
});

export const httpProviderConfigSchema = z.strictObject({
  type: z.literal(HTTP_PROVIDER_TYPE),
  timeoutMs: z
    .int()
    .positive()
    .default(5000)
    .describe("Give up on a request after this many milliseconds (the measurement is then an error)."),
  headers: z.record(z.string(), z.string()).default({}).describe("Headers sent with every request."),
});
export type HttpProviderConfig = z.output<typeof httpProviderConfigSchema>;

/** Per-metric options (`MetricQuery.options`); `query` itself is the URL. */
export const httpQueryOptionsSchema = z.strictObject({
  jsonPath: jsonPath
    .default("$")
    .describe("Where the value is in the JSON answer; default the whole document."),
  countPath: jsonPath.optional().describe("Where the number of observations is (for minimum-sample rules)."),
  eventsPath: jsonPath.optional().describe("Where the number of events (errors) among them is."),
});

export class HttpMetricProvider implements MetricProvider {
  readonly type = HTTP_PROVIDER_TYPE;
  readonly #config: HttpProviderConfig;
  readonly #fetch: typeof fetch;

  constructor(config: HttpProviderConfig, context: MetricProviderContext = {}) {
    this.#config = config;
    this.#fetch = context.fetch ?? globalThis.fetch;
  }

  async query(metric: MetricQuery, window: MeasurementWindow): Promise<Measurement> {
    const at = window.end;
    const options = httpQueryOptionsSchema.safeParse(metric.options ?? {});
    if (!options.success)
      return errorMeasurement(`invalid options for ${metric.name}: ${options.error.message}`, at);
    const url = expandQuery(metric, window, encodeURIComponent);
    const answer = await getJson(url, {
      timeoutMs: this.#config.timeoutMs,
      headers: this.#config.headers,
      fetch: this.#fetch,
    });
    if (!answer.ok) return errorMeasurement(answer.error, at);
    const picked = pick(answer.body, options.data.jsonPath);
    if ("error" in picked) return errorMeasurement(`${metric.name}: ${picked.error}`, at);
    const raw = picked.value;
    let measurement: Measurement;
    if (Array.isArray(raw)) {
      const values = raw.map(toNumber);
      if (values.some((v) => v === undefined))
        return errorMeasurement(`${metric.name}: the array holds non-numbers`, at);
      measurement = valueMeasurement({ samples: values as number[] }, at, metric.name);
    } else {
      const value = toNumber(raw);
      if (value === undefined)
        return errorMeasurement(`${metric.name}: ${describeJson(raw)} is not a number`, at);
      measurement = valueMeasurement({ value }, at, metric.name);
    }
    if (measurement.phase === "error") return measurement;
    for (const [key, path] of [
      ["count", options.data.countPath],
      ["events", options.data.eventsPath],
    ] as const) {
      if (path === undefined) continue;
      const found = pick(answer.body, path);
      const n = "error" in found ? undefined : toNumber(found.value);
      if (n === undefined || !Number.isFinite(n) || n < 0) {
        return errorMeasurement(`${metric.name}: ${key} at ${path} is not a non-negative number`, at);
      }
      measurement[key] = n;
    }
    return measurement;
  }
}

function pick(doc: unknown, path: string): { value: unknown } | { error: string } {
  const found = selectJsonPath(doc, parseJsonPath(path)!);
  return found.found ? { value: found.value } : { error: found.reason };
}

function describeJson(value: unknown): string {
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 60 ? `${text.slice(0, 60)}…` : text;
}

export function createHttpProvider(config: unknown, context: MetricProviderContext): HttpMetricProvider {
  return new HttpMetricProvider(parseAnalysisConfig(httpProviderConfigSchema, config, "provider"), context);
}
