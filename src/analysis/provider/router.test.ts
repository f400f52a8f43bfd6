import http from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startNodeBackend } from "../../../scripts/services/node-backend";
import type { RunningBackend } from "../../../scripts/services/node-backend";
import { BuiltinRouter } from "../../deploy/router/builtin/builtin-router";
import { MetricsCollector } from "../../deploy/router/metrics";
import { request } from "../../deploy/router/testing";
import type { VersionMetrics } from "../../deploy/router/types";
import { thresholdJudge } from "../judge/threshold";
import { quantile } from "../stats/quantile";
import { contractWindow, describeMetricProviderContract } from "./contract";
import { createMetricProvider, metricProviderTypes } from "./registry";
import { MAX_READINGS_PER_VERSION } from "./router";
import type { RouterMetricProvider } from "./router";
import type { MeasurementWindow, MetricQuery } from "./types";

const T0 = Date.parse("2030-01-01T00:00:00Z");
const win = (fromMs: number, toMs: number): MeasurementWindow => ({
  start: new Date(T0 + fromMs),
  end: new Date(T0 + toMs),
});
const q = (query: string, version = "v1", options?: MetricQuery["options"]): MetricQuery => ({
  name: query,
  query,
  version,
  ...(options ? { options } : {}),
});

/** A clock the router and the provider share, so sample times and readings line up. */
function fakeClock(start = T0) {
  const clock = { t: start, now: () => clock.t, set: (ms: number) => (clock.t = T0 + ms) };
  return clock;
}

describe("router metric provider with the builtin router and real backends", () => {
  let v1: RunningBackend;
  let v2: RunningBackend;
  let router: BuiltinRouter;
  let port: number;
  const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
  const send = async (n: number, path = "/") => {
    for (let i = 0; i < n; i++) await request(port, { path, agent });
  };

  beforeAll(async () => {
    v1 = await startNodeBackend({ version: "v1" });
    v2 = await startNodeBackend({ version: "v2" });
  });
  afterAll(async () => {
    agent.destroy();
    await Promise.all([v1.close(), v2.close()]);
  });
  afterEach(async () => {
    await router.stop();
  });

  async function start(
    clock: { now: () => number },
    options: Record<string, unknown> = {},
    random = () => 0.5,
  ) {
    router = new BuiltinRouter(options, { now: clock.now, random });
    await router.setBackends("v1", [{ host: "127.0.0.1", port: v1.port }]);
    await router.setBackends("v2", [{ host: "127.0.0.1", port: v2.port }]);
    await router.setWeights({ v1: 100, v2: 0 });
    port = (await router.start()).port;
    return createMetricProvider({ type: "router" }, { router, now: clock.now }) as RouterMetricProvider;
  }

  it("measures requests, error rate, latency and rps exactly from the router's samples", async () => {
    const clock = fakeClock();
    const provider = await start(clock);
    clock.set(1000);
    await send(2, "/?status=503");
    await send(6, "/?delay=40");
    await send(12);
    clock.set(10_000);
    const window = win(0, 10_000);

    expect(await provider.query(q("requests"), window)).toEqual({
      phase: "ok",
      value: 20,
      count: 20,
      at: window.end,
    });
    const errors = await provider.query(q("errorRate"), window);
    expect(errors).toMatchObject({ phase: "ok", value: 0.1, count: 20, events: 2 });
    expect(await provider.query(q("rps"), window)).toMatchObject({ phase: "ok", value: 2, count: 20 });
    // Concurrent looks agree (readings are kept, but the window here is exact).
    const looks = await Promise.all(Array.from({ length: 5 }, () => provider.query(q("errorRate"), window)));
    for (const look of looks) expect(look).toEqual(errors);

    const latency = await provider.query(q("latency"), window);
    expect(latency.phase).toBe("ok");
    expect(latency.samples).toHaveLength(20);
    expect(latency.count).toBe(20);
    expect(latency.histogram?.at(-1)).toEqual({ le: Infinity, count: 20 });
    expect(latency.histogram?.find((b) => b.le === 30)?.count).toBe(14); // 6 waited 40 ms
    expect(latency.value).toBe(quantile(latency.samples!, 0.95));
    expect(latency.value).toBeGreaterThanOrEqual(40);
    const p50 = await provider.query(q("p50"), window);
    expect(p50.value).toBe(quantile(latency.samples!, 0.5));
    expect(p50.value).toBeLessThan(30);
    const median = await provider.query(q("latency", "v1", { quantile: 0.5 }), window);
    expect(median.value).toBe(p50.value);

    // v2 is known (it has backends) but had no traffic: ok, count 0, no value.
    expect(await provider.query(q("errorRate", "v2"), window)).toEqual({
      phase: "ok",
      count: 0,
      events: 0,
      at: window.end,
    });
    // A later window sees none of these requests; an earlier one neither.
    expect((await provider.query(q("requests"), win(1001, 10_000))).value).toBe(0);
    expect((await provider.query(q("requests"), win(0, 1000))).value).toBe(0);
  });

  it("derives windows from counter readings once the sample ring has wrapped", async () => {
    const clock = fakeClock();
    const provider = await start(clock, { sampleCapacity: 4 });
    // A first reading at T0, before any traffic (the analysis' first look).
    expect((await provider.query(q("requests"), win(-5000, 0))).value).toBe(0);
    clock.set(1000);
    await send(6, "/?status=500");
    await send(4);
    clock.set(2000);
    const first = win(0, 2000);
    expect(await provider.query(q("errorRate"), first)).toMatchObject({
      phase: "ok",
      value: 0.6,
      count: 10,
      events: 6,
    });
    expect(await provider.query(q("rps"), first)).toMatchObject({ value: 5 });
    const latency = await provider.query(q("latency"), first);
    expect(latency.count).toBe(10);
    expect(latency.histogram?.at(-1)?.count).toBe(10);
    expect(latency.samples).toHaveLength(4); // only the most recent ones are kept

    clock.set(3000);
    await send(5);
    clock.set(4000);
    // The reading taken at 2000 starts the next window: only the 5 new requests count.
    expect(await provider.query(q("errorRate"), win(2000, 4000))).toMatchObject({
      value: 0,
      count: 5,
      events: 0,
    });
    // A window starting before the first reading starts at that reading (nothing is older).
    expect((await provider.query(q("requests"), win(-60_000, 4000))).value).toBe(15);
  });

  it("starts at the oldest kept sample when it first sees a version whose ring has wrapped", async () => {
    const clock = fakeClock();
    const provider = await start(clock, { sampleCapacity: 4 });
    clock.set(1000);
    await send(10);
    clock.set(3000);
    await send(2, "/?status=502");
    clock.set(5000);
    const m = await provider.query(q("errorRate"), win(0, 5000));
    // The ring holds 2 requests from 1000 and the 2 errors; the 8 older ones are unknown.
    expect(m).toMatchObject({ phase: "ok", count: 4, events: 2, value: 0.5 });
    // A window that ended before the oldest kept sample is unknown, not empty (e.g. a prior).
    const prior = await provider.query(q("requests"), win(-5000, 500));
    expect(prior).toMatchObject({
      phase: "error",
      error: expect.stringMatching(/begins at .*after this window/),
    });
  });

  it("is an error when the router keeps no samples and this is the first reading", async () => {
    const clock = fakeClock();
    const provider = await start(clock, { sampleCapacity: 0 });
    clock.set(1000);
    await send(3);
    const m = await provider.query(q("requests"), win(0, 1000));
    expect(m.phase).toBe("error");
    expect(m.error).toMatch(/begins at .*after this window/);
    clock.set(2000);
    await send(2);
    expect((await provider.query(q("requests"), win(1000, 2000))).value).toBe(2);
  });

  it("lets a threshold judge fail a version with an injected fault", async () => {
    const clock = fakeClock();
    let draw = 0;
    // Fault draws alternate below and above 0.5: every other faulty v2 request fails.
    const provider = await start(clock, {}, () => (draw++ % 2 === 0 ? 0.1 : 0.9));
    await router.setWeights({ v1: 50, v2: 50 });
    await router.injectFault({ version: "v2", errorRate: 0.5, latencyMs: 0, until: T0 + 60_000 });
    clock.set(1000);
    await send(80);
    clock.set(2000);
    const window = win(0, 2000);
    const sample = async (version: string) => ({
      version,
      metrics: { errorRate: await provider.query(q("errorRate", version), window) },
    });
    const [stable, canary] = [await sample("v1"), await sample("v2")];
    expect(stable.metrics.errorRate).toMatchObject({ value: 0, events: 0 });
    expect(canary.metrics.errorRate.events).toBeGreaterThan(10);
    const spec = thresholdJudge.parseSpec({ conditions: ["errorRate < 5%"], minSamples: 20 });
    expect(thresholdJudge.decide(stable, canary, spec).verdict).toBe("fail");
    expect(thresholdJudge.decide(canary, stable, spec).verdict).toBe("pass");
  });
});

describeMetricProviderContract("router", async () => {
  const collector = new MetricsCollector("v1");
  for (let i = 0; i < 7; i++) collector.record(200, 3, contractWindow.start.getTime() + 1000 * i);
  const router = {
    metrics: async (v: string): Promise<VersionMetrics | null> => {
      if (v === "hang") return new Promise(() => {});
      if (v === "down") throw new Error("connect ECONNREFUSED 127.0.0.1:1");
      return v === "v1" ? collector.snapshot() : null;
    },
  };
  const context = { router, now: () => contractWindow.end.getTime() };
  const provider = createMetricProvider({ type: "router" }, context);
  return {
    provider,
    okQuery: q("requests"),
    expected: 7,
    badQuery: q("errors"),
    unreachable: { provider, query: q("requests", "down") },
    hanging: {
      provider: createMetricProvider({ type: "router", timeoutMs: 300 }, context),
      query: q("requests", "hang"),
      timeoutMs: 300,
    },
    close: async () => {},
  };
});

describe("router metric provider without a real router", () => {
  const window = win(0, 1000);

  it("is registered and validates its config", () => {
    expect(metricProviderTypes).toContain("router");
    expect(() => createMetricProvider({ type: "router", address: "x" })).toThrow(
      expect.objectContaining({ code: "SLUICE_E_ANALYSIS_CONFIG" }),
    );
  });

  it("turns every problem into an error measurement, never a throw", async () => {
    const known = new MetricsCollector("v1");
    const router = {
      metrics: async (v: string): Promise<VersionMetrics | null> => {
        if (v === "boom") throw new Error("router gone");
        return v === "v1" ? known.snapshot() : null;
      },
    };
    const provider = createMetricProvider({ type: "router" }, { router });
    const cases: Array<[MetricQuery, RegExp]> = [
      [q("errorRate", "v9"), /^no traffic data for version v9$/],
      [q("errorRate", "boom"), /router gone/],
      [q("errors"), /unknown router query "errors"/],
      [q("latency", "v1", { quantile: 2 }), /invalid options/],
      [{ name: "errorRate", query: "errorRate" }, /needs the version/],
    ];
    for (const [query, error] of cases) {
      const m = await provider.query(query, window);
      expect(m).toMatchObject({ phase: "error", error: expect.stringMatching(error), at: window.end });
    }
    const lonely = createMetricProvider({ type: "router" });
    expect((await lonely.query(q("requests"), window)).error).toMatch(/no router/);
  });

  it("counts from a router restart when its counters go down", async () => {
    const clock = fakeClock();
    let current = new MetricsCollector("v1", 0);
    const router = { metrics: async () => current.snapshot() };
    const provider = createMetricProvider({ type: "router" }, { router, now: clock.now });
    const record = (n: number, status = 200) => {
      for (let i = 0; i < n; i++) current.record(status, 5, clock.t);
    };
    record(50);
    await provider.query(q("requests"), win(-1000, 0));
    clock.set(1000);
    record(10, 503);
    expect(await provider.query(q("errorRate"), win(0, 1000))).toMatchObject({ count: 10, events: 10 });
    // The router restarts: fresh counters, lower than the last reading.
    current = new MetricsCollector("v1", 0);
    clock.set(2000);
    record(4);
    expect(await provider.query(q("requests"), win(1000, 2000))).toMatchObject({ phase: "ok", value: 4 });
    clock.set(3000);
    record(6);
    expect(await provider.query(q("requests"), win(2000, 3000))).toMatchObject({ value: 6 });
    expect((await provider.query(q("rps"), win(2000, 3000))).value).toBe(6);
  });

  it("keeps the span of its readings when it thins them", async () => {
    const clock = fakeClock();
    const c = new MetricsCollector("v1", 0);
    const provider = createMetricProvider(
      { type: "router" },
      { router: { metrics: async () => c.snapshot() }, now: clock.now },
    );
    const looks = MAX_READINGS_PER_VERSION * 3;
    for (let i = 0; i <= looks; i++) {
      clock.set(i * 1000);
      c.record(200, 1, clock.t);
      await provider.query(q("requests"), win(i * 1000 - 1000, i * 1000));
    }
    // The reading at 0 s (1 request) survives, so a window from the start is still whole.
    expect((await provider.query(q("requests"), win(0, looks * 1000))).value).toBe(looks);
    // A recent window still has 1 s resolution.
    expect((await provider.query(q("rps"), win((looks - 5) * 1000, looks * 1000))).value).toBe(1);
  });

  it("reads latency quantiles from the histogram when samples do not cover the window", async () => {
    const clock = fakeClock();
    const c = new MetricsCollector("v1", 0);
    const provider = createMetricProvider(
      { type: "router" },
      { router: { metrics: async () => c.snapshot() }, now: clock.now },
    );
    await provider.query(q("latency"), win(-1000, 0));
    for (let i = 0; i < 100; i++) c.record(200, i < 90 ? 4 : 80, clock.t);
    clock.set(1000);
    const m = await provider.query(q("latency"), win(0, 1000));
    expect(m.samples).toEqual([]);
    expect(m.count).toBe(100);
    expect(m.histogram?.find((b) => b.le === 5)?.count).toBe(90);
    // p95 lies in the (75, 100] bucket, interpolated as histogram_quantile does.
    expect(m.value).toBeCloseTo(87.5, 6);
    expect((await provider.query(q("p99"), win(0, 1000))).value).toBeCloseTo(97.5, 6);
  });
});
