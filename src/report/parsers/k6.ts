/**
 * k6 end-of-test summaries, in both shapes k6 writes:
 * - `k6 run --summary-export=summary.json`: `metrics.<name>` holds the figures directly
 *   (`http_req_duration: { avg, min, med, max, "p(90)", "p(95)" }`, `http_reqs: { count, rate }`,
 *   `http_req_failed: { passes, fails, value }`);
 * - the data given to `handleSummary()` (saved with `JSON.stringify(data)`): the same figures under
 *   `metrics.<name>.values`, with `rate` for the rate metrics.
 *
 * `http_req_failed` is a rate whose "true" samples are failed requests, so its `passes` count (k6's
 * name for true samples) is the number of failures: confusing, but how k6 counts it.
 */
import { JsonInput } from "./json-input";
import type { JsonObject } from "./json-input";
import type { PerfSummary, ReportParser } from "../types";

/** A metric's figures, whichever of the two shapes holds them. */
function figures(input: JsonInput, metrics: JsonObject, name: string): JsonObject | undefined {
  const metric = input.optionalObject(metrics[name], ["metrics", name]);
  if (!metric) return undefined;
  return metric.values === undefined ? metric : input.object(metric.values, ["metrics", name, "values"]);
}

function pathOf(metrics: JsonObject, name: string, key: string): (string | number)[] {
  const metric = metrics[name] as JsonObject;
  return metric.values === undefined ? ["metrics", name, key] : ["metrics", name, "values", key];
}

/** Parses a k6 summary into load-test figures (latencies are http_req_duration, in ms). */
export const k6Parser: ReportParser = {
  format: "k6",
  detect(head) {
    return /^\s*\{/.test(head) && /"metrics"\s*:/.test(head) && /"http_req_duration"\s*:/.test(head);
  },
  parse(content, file) {
    const input: JsonInput = new JsonInput(content, file, "k6");
    const root = input.object(input.root, []);
    const metrics = input.object(root.metrics, ["metrics"]);
    const duration = figures(input, metrics, "http_req_duration");
    if (!duration) input.fail(["metrics"], "no http_req_duration metric: the test made no HTTP requests");
    const reqs = figures(input, metrics, "http_reqs");
    if (!reqs) input.fail(["metrics"], "no http_reqs metric");
    const num = (name: string, values: JsonObject, key: string): number =>
      input.number(values[key], pathOf(metrics, name, key));
    const opt = (values: JsonObject, key: string): number | undefined =>
      input.optionalNumber(values[key], pathOf(metrics, "http_req_duration", key));
    const requests = num("http_reqs", reqs, "count");
    const failed = figures(input, metrics, "http_req_failed");
    let errors = 0;
    let errorRate = 0;
    if (failed) {
      // --summary-export names the rate `value`, handleSummary names it `rate`.
      const rateKey = failed.rate !== undefined ? "rate" : "value";
      errorRate = num("http_req_failed", failed, rateKey);
      errors =
        failed.passes !== undefined
          ? num("http_req_failed", failed, "passes")
          : Math.round(errorRate * requests);
    }
    const p50 = opt(duration, "med");
    const p90 = opt(duration, "p(90)");
    const p95 = opt(duration, "p(95)");
    const p99 = opt(duration, "p(99)");
    const perf: PerfSummary = {
      requests,
      throughput: num("http_reqs", reqs, "rate"),
      errors,
      errorRate,
      latency: {
        avg: num("http_req_duration", duration, "avg"),
        ...(p50 !== undefined ? { p50 } : {}),
        ...(p90 !== undefined ? { p90 } : {}),
        ...(p95 !== undefined ? { p95 } : {}),
        ...(p99 !== undefined ? { p99 } : {}),
        max: num("http_req_duration", duration, "max"),
      },
    };
    return { format: "k6", file, perf };
  },
};
