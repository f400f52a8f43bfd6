/**
 * The `prometheus` provider against the real program: a builtin router splits traffic between two
 * real backends (v2 with an injected 20 % fault), serves its counters in the exposition format, a
 * real Prometheus scrapes them every second, and PromQL through the provider tells v2 from v1.
 */
import http from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startNodeBackend } from "../../../scripts/services/node-backend";
import type { RunningBackend } from "../../../scripts/services/node-backend";
import { startPrometheus } from "../../../scripts/services/prometheus";
import type { RunningPrometheus } from "../../../scripts/services/prometheus";
import { BuiltinRouter } from "../../deploy/router/builtin/builtin-router";
import { EXPOSITION_CONTENT_TYPE, renderRouterMetrics } from "../../deploy/router/exposition";
import { runLoad } from "../../deploy/router/testing";
import type { VersionMetrics } from "../../deploy/router/types";
import { thresholdJudge } from "../judge/threshold";
import { createMetricProvider } from "./registry";
import type { Measurement, MeasurementWindow, MetricProvider, MetricQuery } from "./types";

const VERSIONS = ["v1", "v2"];
const errorRate: MetricQuery = {
  name: "errorRate",
  query:
    'sum(rate(sluice_router_requests_total{version="{{version}}",code_class="5xx"}[{{window}}]))' +
    ' / sum(rate(sluice_router_requests_total{version="{{version}}"}[{{window}}]))',
};
const p95: MetricQuery = {
  name: "p95",
  query:
    "histogram_quantile(0.95, sum by (le) " +
    '(rate(sluice_router_request_duration_seconds_bucket{version="{{version}}"}[{{window}}])))',
};

describe("prometheus provider against a real Prometheus scraping the builtin router", () => {
  let backends: RunningBackend[] = [];
  let router: BuiltinRouter;
  let exporter: http.Server;
  let prometheus: RunningPrometheus | null = null;
  let provider: MetricProvider;
  let window: MeasurementWindow;
  const at = (m: MetricQuery, version: string): MetricQuery => ({ ...m, version });

  beforeAll(async () => {
    backends = await Promise.all(VERSIONS.map((version) => startNodeBackend({ version })));
    router = new BuiltinRouter({});
    for (const [i, version] of VERSIONS.entries())
      await router.setBackends(version, [{ host: "127.0.0.1", port: backends[i]!.port }]);
    await router.setWeights({ v1: 50, v2: 50 });
    const { port } = await router.start();

    exporter = http.createServer((_req, res) => {
      void Promise.all(VERSIONS.map((v) => router.metrics(v))).then((all) => {
        const known = all.filter((m): m is VersionMetrics => m !== null);
        res.writeHead(200, { "content-type": EXPOSITION_CONTENT_TYPE });
        res.end(renderRouterMetrics(known, { service: "demo" }));
      });
    });
    await new Promise<void>((resolve) => exporter.listen(0, "127.0.0.1", resolve));
    const target = `127.0.0.1:${(exporter.address() as AddressInfo).port}`;

    // Waits for the first scrape (about 6 s: Prometheus hands targets over on a 5 s timer).
    prometheus = await startPrometheus({ targets: [target], scrapeIntervalSeconds: 1 });
    if (prometheus === null) return; // not installable here, and not CI (ensureProgram throws under CI)
    provider = createMetricProvider({ type: "prometheus", address: prometheus.url, timeoutMs: 3000 });

    await router.injectFault({ version: "v2", errorRate: 0.2, latencyMs: 0, until: Date.now() + 60_000 });
    const started = Date.now();
    await runLoad({ port, durationMs: 4000, concurrency: 4 });
    // Two more scrapes, so the last counters are in the TSDB.
    await new Promise((r) => setTimeout(r, 2200));
    window = { start: new Date(started - 2000), end: new Date() };
  }, 60_000);

  afterAll(async () => {
    await prometheus?.stop();
    await router?.stop();
    await new Promise((r) => exporter?.close(r) ?? r(undefined));
    await Promise.all(backends.map((b) => b.close()));
  });

  it("measures each version's error rate and latency from the scraped counters", async (ctx) => {
    if (prometheus === null) return ctx.skip();
    const [e1, e2, l1, l2] = await Promise.all([
      provider.query(at(errorRate, "v1"), window),
      provider.query(at(errorRate, "v2"), window),
      provider.query(at(p95, "v1"), window),
      provider.query(at(p95, "v2"), window),
    ]);
    for (const m of [e1, e2, l1, l2]) expect(m, m.error).toMatchObject({ phase: "ok", at: window.end });
    expect(e1.value).toBe(0);
    expect(e2.value).toBeGreaterThan(0.1);
    expect(e2.value).toBeLessThan(0.3);
    for (const m of [l1, l2]) {
      expect(m.value).toBeGreaterThan(0);
      expect(m.value).toBeLessThan(1); // seconds
    }

    const sample = (version: string, m: Measurement) => ({ version, metrics: { errorRate: m } });
    const spec = thresholdJudge.parseSpec({ conditions: ["errorRate < 5%"] });
    const stable = sample("v1", e1);
    expect(thresholdJudge.decide(stable, sample("v2", e2), spec)).toMatchObject({ verdict: "fail" });
    expect(thresholdJudge.decide(stable, sample("v1", e1), spec)).toMatchObject({ verdict: "pass" });
  });

  it("returns a range query's points as samples, and no series as an error", async (ctx) => {
    if (prometheus === null) return ctx.skip();
    const range = await provider.query(
      {
        ...at(errorRate, "v2"),
        query: errorRate.query.replaceAll("{{window}}", "2s"),
        options: { range: true, stepSeconds: 1 },
      },
      window,
    );
    expect(range.phase, range.error).toBe("ok");
    expect(range.samples!.length).toBeGreaterThanOrEqual(2);
    expect(Math.max(...range.samples!)).toBeGreaterThan(0.05);
    const missing = await provider.query(at(errorRate, "v9"), window);
    expect(missing).toMatchObject({ phase: "error", error: expect.stringMatching(/empty result/) });
  });

  it("reports a stopped Prometheus as an error measurement", async (ctx) => {
    if (prometheus === null) return ctx.skip();
    await prometheus.stop();
    const m = await provider.query(at(errorRate, "v1"), window);
    expect(m.phase).toBe("error");
    expect(m.error).toMatch(/\S/);
    expect(m.at).toBe(window.end);
  });
});
