import { describe, expect, it } from "vitest";
import { autocannonParser } from "./autocannon";
import { k6Parser } from "./k6";

describe("k6Parser", () => {
  it("works without http_req_failed (k6 before 0.31) and estimates failures from a bare rate", () => {
    const old = {
      metrics: { http_req_duration: { avg: 10, max: 50, med: 8 }, http_reqs: { count: 10, rate: 2 } },
    };
    expect(k6Parser.parse(JSON.stringify(old), "k6.json").perf).toEqual({
      requests: 10,
      throughput: 2,
      errors: 0,
      errorRate: 0,
      latency: { avg: 10, p50: 8, max: 50 },
    });
    const rateOnly = {
      metrics: { ...old.metrics, http_req_failed: { type: "rate", values: { rate: 0.2 } } },
    };
    expect(k6Parser.parse(JSON.stringify(rateOnly), "k6.json").perf!.errors).toBe(2);
  });

  it("rejects a summary without HTTP metrics", () => {
    expect(() => k6Parser.parse('{"metrics":{"iterations":{"count":1}}}', "k6.json")).toThrow(
      expect.objectContaining({ code: "SLUICE_E_REPORT_PARSE" }),
    );
  });
});

describe("autocannonParser", () => {
  it("counts timeouts once: autocannon already includes them in errors", () => {
    const result = {
      requests: { average: 90, total: 900 },
      latency: { average: 5, p50: 4, p90: 9, p99: 20, max: 40 },
      throughput: { average: 1 },
      errors: 100,
      timeouts: 60,
      non2xx: 50,
    };
    expect(autocannonParser.parse(JSON.stringify(result), "ac.json").perf).toEqual({
      requests: 1000,
      throughput: 90,
      errors: 150,
      errorRate: 0.15,
      latency: { avg: 5, p50: 4, p90: 9, p99: 20, max: 40 },
    });
  });
});
