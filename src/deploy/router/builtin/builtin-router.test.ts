import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startNodeBackend } from "../../../../scripts/services/node-backend";
import type { RunningBackend } from "../../../../scripts/services/node-backend";
import { describeRouterContract } from "../contract";
import { createRouter, routerTypes } from "../registry";
import { countVersions, request } from "../testing";
import { BuiltinRouter } from "./builtin-router";

describeRouterContract("builtin", () => new BuiltinRouter({}));

/** A seeded generator (mulberry32), so fault-injection tests see the same draws every run. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("router registry", () => {
  it("knows builtin and refuses an unknown type as a config error", () => {
    expect(routerTypes()).toContain("builtin");
    expect(createRouter({ type: "builtin" }).type).toBe("builtin");
    expect(() => createRouter({ type: "envoy" })).toThrow(
      expect.objectContaining({ code: "SLUICE_E_CONFIG" }),
    );
  });

  it("rejects unknown or invalid builtin options", () => {
    expect(() => createRouter({ type: "builtin", stickiness: true })).toThrow(
      expect.objectContaining({ code: "SLUICE_E_ROUTER_CONFIG" }),
    );
    expect(() => createRouter({ type: "builtin", listen: { port: 70000 } })).toThrow(
      expect.objectContaining({ code: "SLUICE_E_ROUTER_CONFIG" }),
    );
  });
});

describe("builtin router", () => {
  let v1: RunningBackend;
  let v2: RunningBackend;
  let router: BuiltinRouter;
  const at = (b: RunningBackend) => [{ host: "127.0.0.1", port: b.port }];

  beforeAll(async () => {
    v1 = await startNodeBackend({ version: "v1" });
    v2 = await startNodeBackend({ version: "v2" });
  });
  afterAll(async () => {
    await Promise.all([v1.close(), v2.close()]);
  });
  afterEach(async () => {
    await router.stop();
  });

  async function start(options: Record<string, unknown> = {}, deps = {}): Promise<number> {
    router = new BuiltinRouter(options, deps);
    await router.setBackends("v1", at(v1));
    await router.setBackends("v2", at(v2));
    await router.setWeights({ v1: 90, v2: 10 });
    return (await router.start()).port;
  }

  it("honours weights exactly over a round-robin cycle and within tolerance over many", async () => {
    const port = await start();
    expect(await countVersions(port, 100)).toEqual({ v1: 90, v2: 10 });
    await router.setWeights({ v1: 67, v2: 33 });
    const counts = await countVersions(port, 300);
    expect(Math.abs(counts.v2! - 99)).toBeLessThanOrEqual(3);
  });

  it("refuses to listen on a port in use", async () => {
    await start();
    const other = new BuiltinRouter({ listen: { port: v1.port } });
    await expect(other.start()).rejects.toMatchObject({ code: "SLUICE_E_ROUTER_START" });
  });

  it("keeps a sticky user on one version while weights grow, and spreads users by weight", async () => {
    const port = await start({ sticky: { cookie: "session" } });
    await router.setWeights({ v1: 75, v2: 25 });
    const users = Array.from({ length: 200 }, (_, i) => `user-${i}`);
    const first = new Map<string, string>();
    for (const u of users) {
      const seen = await countVersions(port, 3, { cookie: `theme=dark; session=${u}` });
      expect(Object.keys(seen)).toHaveLength(1);
      first.set(u, Object.keys(seen)[0]!);
    }
    const onV2 = [...first.values()].filter((v) => v === "v2").length;
    expect(onV2).toBeGreaterThan(30);
    expect(onV2).toBeLessThan(70);
    // The canary grows: everyone it had stays, some v1 users move.
    await router.setWeights({ v1: 50, v2: 50 });
    for (const u of users.filter((x) => first.get(x) === "v2")) {
      expect(await countVersions(port, 1, { cookie: `session=${u}` })).toEqual({ v2: 1 });
    }
  });

  it("sticks by a header hash too", async () => {
    const port = await start({ sticky: { header: "X-User" } });
    await router.setWeights({ v1: 50, v2: 50 });
    const seen = await countVersions(port, 20, { "x-user": "alice" });
    expect(Object.values(seen)).toEqual([20]);
  });

  it("routes a preview cookie to its version", async () => {
    const port = await start();
    await router.setWeights({ v1: 100 });
    await router.setHeaderRoute({ cookie: "canary", value: "yes", version: "v2" });
    expect(await countVersions(port, 5, { cookie: "a=b; canary=yes" })).toEqual({ v2: 5 });
    expect(await countVersions(port, 5, { cookie: "canary=no" })).toEqual({ v1: 5 });
  });

  it("records latency in the histogram buckets and the recent samples", async () => {
    let now = 1_000_000;
    const port = await start({ sampleCapacity: 4 }, { now: () => now++ });
    await router.setWeights({ v1: 100 });
    for (let i = 0; i < 3; i++) await request(port, { path: "/?delay=40" });
    for (let i = 0; i < 3; i++) await request(port);
    const m = (await router.metrics("v1"))!;
    const slowBuckets = m.latency.bucketsMs.map((b, i) => (b > 30 ? m.latency.counts[i]! : 0));
    expect(slowBuckets.reduce((a, b) => a + b, 0)).toBe(3);
    expect(m.latency.count).toBe(6);
    expect(m.latency.sumMs).toBeGreaterThanOrEqual(120);
    expect(m.samples).toHaveLength(4);
    expect(m.samples.map((s) => s.at)).toEqual([...m.samples.map((s) => s.at)].sort((a, b) => a - b));
    expect(m.samples[0]!.ms).toBeGreaterThanOrEqual(39);
    expect(m.samples.at(-1)!.status).toBe(200);
  });

  it("injects errors at the configured rate and latency, then stops at `until`", async () => {
    let now = 0;
    const port = await start({}, { now: () => now, random: seeded(7) });
    await router.injectFault({ version: "v2", errorRate: 0.5, latencyMs: 0, until: 1000 });
    await router.setWeights({ v2: 100 });
    const statuses = [];
    for (let i = 0; i < 200; i++) statuses.push((await request(port)).status);
    const injected = statuses.filter((s) => s === 503).length;
    expect(injected).toBeGreaterThan(70);
    expect(injected).toBeLessThan(130);
    const m = (await router.metrics("v2"))!;
    expect(m.faultsInjected).toBe(injected);
    expect(m.status["5xx"]).toBe(injected);
    now = 1000;
    expect((await request(port)).status).toBe(200);
    await router.injectFault({ errorRate: 0, latencyMs: 60, until: 5000 });
    const t0 = performance.now();
    expect((await request(port)).body).toBe("v2\n");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
    await expect(router.injectFault({ errorRate: 2, latencyMs: 0, until: 1 })).rejects.toMatchObject({
      code: "SLUICE_E_ROUTER_CONFIG",
    });
  });

  it("answers 503 when the chosen version has no instances, and counts it", async () => {
    const port = await start();
    await router.setBackends("v2", []);
    await router.setWeights({ v2: 100 });
    expect((await request(port)).status).toBe(503);
    expect((await router.metrics("v2"))!.status["5xx"]).toBe(1);
  });

  it("answers 502 for a refused backend, counts it, and retries on another instance", async () => {
    const port = await start();
    const closed = await startNodeBackend({ version: "gone" });
    await closed.close();
    await router.setWeights({ v1: 100 });
    await router.setBackends("v1", [{ host: "127.0.0.1", port: closed.port }]);
    expect((await request(port)).status).toBe(502);
    expect((await router.metrics("v1"))!.connectionErrors).toBe(1);
    // Two instances, one dead: every request succeeds through the retry.
    await router.setBackends("v1", [...at(v1), { host: "127.0.0.1", port: closed.port }]);
    expect(await countVersions(port, 10)).toEqual({ v1: 10 });
    const m = (await router.metrics("v1"))!;
    expect(m.connectionErrors).toBeGreaterThanOrEqual(2);
    expect(m.status["5xx"]).toBe(1);
  });
});
