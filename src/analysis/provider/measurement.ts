/** Small helpers every provider shares: building measurements and expanding query templates. */
import type { Measurement, MeasurementWindow, MetricQuery } from "./types";

/** A failed measurement: what every provider returns instead of throwing. */
export function errorMeasurement(error: string, at: Date): Measurement {
  return { phase: "error", error: error.trim() === "" ? "unknown error" : error, at };
}

/**
 * An ok measurement from a scalar and/or observations; non-finite observations are dropped, and an
 * empty or non-finite result becomes an error measurement with the reason (NaN is what PromQL
 * returns for 0/0, i.e. a rate over a window with no requests).
 */
export function valueMeasurement(
  input: { value?: number; samples?: readonly number[] },
  at: Date,
  what: string,
): Measurement {
  if (input.samples !== undefined) {
    const samples = input.samples.filter((v) => Number.isFinite(v));
    if (samples.length === 0) {
      return errorMeasurement(
        input.samples.length === 0
          ? `${what} returned no data points`
          : `${what} returned only NaN or infinite values`,
        at,
      );
    }
    const value = input.value ?? samples[samples.length - 1]!;
    return { phase: "ok", value, samples, count: samples.length, at };
  }
  if (input.value === undefined) return errorMeasurement(`${what} returned no value`, at);
  if (!Number.isFinite(input.value)) {
    return errorMeasurement(
      `${what} returned ${String(input.value)}${Number.isNaN(input.value) ? " (no data in the window, e.g. 0/0)" : ""}`,
      at,
    );
  }
  return { phase: "ok", value: input.value, at };
}

/** A window's length as a Prometheus duration (`90s`), at least one second. */
export function promDuration(window: MeasurementWindow): string {
  const seconds = Math.max(1, Math.round((window.end.getTime() - window.start.getTime()) / 1000));
  return `${seconds}s`;
}

/** Replaces `{{version}}` and `{{window}}` in the query (see MetricQuery.query). */
export function expandQuery(
  metric: MetricQuery,
  window: MeasurementWindow,
  encode = (s: string) => s,
): string {
  return metric.query
    .replaceAll("{{version}}", encode(metric.version ?? ""))
    .replaceAll("{{window}}", encode(promDuration(window)));
}
