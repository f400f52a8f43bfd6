/**
 * autocannon's `--json` output (`autocannon --json http://… > result.json`, or the result object of
 * its API saved as JSON): `requests` (per-second samples: `average` is the throughput; `total` the
 * completed responses), `latency` (ms: `average`, `p50`, `p90`, `p99`, `max`, …), `throughput`
 * (bytes), and the counters `errors`, `timeouts`, `non2xx`, `2xx`….
 *
 * Failures are the requests that got no response (`errors`, which already includes `timeouts`:
 * autocannon counts a timeout as both) plus the responses outside 2xx (`non2xx`). The rate divides
 * them by every attempt, i.e. the responses plus the requests that got none, so it stays within 0..1.
 */
import { JsonInput } from "./json-input";
import type { PerfSummary, ReportParser } from "../types";

/** Parses autocannon JSON into load-test figures. */
export const autocannonParser: ReportParser = {
  format: "autocannon",
  detect(head) {
    return (
      /^\s*\{/.test(head) &&
      /"latency"\s*:/.test(head) &&
      /"requests"\s*:/.test(head) &&
      /"throughput"\s*:/.test(head)
    );
  },
  parse(content, file) {
    const input: JsonInput = new JsonInput(content, file, "autocannon");
    const root = input.object(input.root, []);
    const requests = input.object(root.requests, ["requests"]);
    const latency = input.object(root.latency, ["latency"]);
    const responses = input.number(requests.total, ["requests", "total"]);
    const failedRequests = input.optionalNumber(root.errors, ["errors"]) ?? 0;
    const non2xx = input.optionalNumber(root.non2xx, ["non2xx"]) ?? 0;
    const attempts = responses + failedRequests;
    const errors = failedRequests + non2xx;
    const opt = (key: string): number | undefined => input.optionalNumber(latency[key], ["latency", key]);
    const p50 = opt("p50");
    const p90 = opt("p90");
    const p99 = opt("p99");
    const perf: PerfSummary = {
      requests: attempts,
      throughput: input.number(requests.average, ["requests", "average"]),
      errors,
      errorRate: attempts === 0 ? 0 : Math.min(1, errors / attempts),
      latency: {
        avg: input.number(latency.average, ["latency", "average"]),
        ...(p50 !== undefined ? { p50 } : {}),
        ...(p90 !== undefined ? { p90 } : {}),
        ...(p99 !== undefined ? { p99 } : {}),
        max: input.number(latency.max, ["latency", "max"]),
      },
    };
    return { format: "autocannon", file, perf };
  },
};
