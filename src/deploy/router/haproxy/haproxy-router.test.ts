/**
 * The haproxy router against a real HAProxy (installed with apt when missing; under CI=true a missing
 * haproxy fails in ensureProgram rather than skipping).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { ensureProgram } from "../../../../scripts/services/programs";
import { startNodeBackend } from "../../../../scripts/services/node-backend";
import type { RunningBackend } from "../../../../scripts/services/node-backend";
import { describeRouterContract } from "../contract";
import { createRouter, routerTypes } from "../registry";
import { countVersions, request, runLoad } from "../testing";
import { renderConfig, splitEntries } from "./config";
import { HAPROXY_PID_FILE, HaproxyRouter } from "./haproxy-router";
import { recordedRouterProcess, stopOrphanRouter } from "../orphan";
import type { HaproxyProcess } from "./process";

const hasHaproxy = ensureProgram("haproxy") !== null;

if (hasHaproxy) describeRouterContract("haproxy", () => new HaproxyRouter({ threads: 1 }));

describe("haproxy router config", () => {
  it("is registered and validates its options, listing every problem", () => {
    expect(routerTypes()).toContain("haproxy");
    expect(createRouter({ type: "haproxy" }).type).toBe("haproxy");
    expect(() => createRouter({ type: "haproxy", port: 70000, listen: 1 })).toThrow(
      expect.objectContaining({
        code: "SLUICE_E_ROUTER_CONFIG",
        message: expect.stringMatching(/port.*listen|listen.*port/),
      }),
    );
  });

  it("maps weights to exact ranges of a 0.01 % resolution split", () => {
    const name = (v: string) => `be_${v}`;
    expect(splitEntries({ a: 1, b: 99 }, name)).toEqual([
      ["0:99", "be_a"],
      ["100:9999", "be_b"],
    ]);
    expect(splitEntries({ a: 33.33, b: 33.33, c: 33.34 }, name).map(([k]) => k)).toEqual([
      "0:3332",
      "3333:6665",
      "6666:9999",
    ]);
    expect(splitEntries({ a: 100 }, name)).toEqual([["0:9999", "be_a"]]);
  });

  it("quotes preview values so they cannot break out of the config", () => {
    const cfg = renderConfig({
      host: "127.0.0.1",
      port: 1,
      adminSocket: "/tmp/a.sock",
      splitMap: "/tmp/s.map",
      luaFile: "/tmp/x.lua",
      logPort: 2,
      connectTimeoutMs: 1,
      upstreamTimeoutMs: 1,
      clientTimeoutMs: 1,
      drainTimeoutMs: 1,
      backends: [],
      route: { header: "x-p", value: 'a"b $HOME', version: "v", backend: "be_0" },
      faults: [],
    });
    expect(cfg).toContain('-m str "a\\"b \\$HOME"');
  });
});

describe.skipIf(!hasHaproxy)("haproxy router", () => {
  let v1: RunningBackend;
  let v2: RunningBackend;
  let v1b: RunningBackend;
  let router: HaproxyRouter;
  const at = (...b: RunningBackend[]) => b.map((x) => ({ host: "127.0.0.1", port: x.port }));

  beforeAll(async () => {
    v1 = await startNodeBackend({ version: "v1" });
    v2 = await startNodeBackend({ version: "v2" });
    v1b = await startNodeBackend({ version: "v1" });
  });
  afterAll(async () => {
    await Promise.all([v1.close(), v2.close(), v1b.close()]);
  });
  afterEach(async () => {
    await router.stop();
  });

  async function start(
    weights: Record<string, number>,
    options: Record<string, unknown> = {},
  ): Promise<number> {
    router = new HaproxyRouter({ threads: 1, ...options });
    await router.setBackends("v1", at(v1));
    await router.setBackends("v2", at(v2));
    await router.setWeights(weights);
    return (await router.start()).port;
  }

  it("keeps 10/90 and 1/99 splits within binomial tolerance", async () => {
    const port = await start({ v1: 10, v2: 90 });
    const n = 2000;
    const counts = await countVersions(port, n);
    // 4 standard deviations of Binomial(2000, 0.1): 4 × 13.4.
    expect(Math.abs(counts.v1! - 200)).toBeLessThan(54);
    await router.setWeights({ v1: 1, v2: 99 });
    const small = await countVersions(port, n);
    expect(Math.abs((small.v1 ?? 0) - 20)).toBeLessThan(18);
  });

  it("changes weights live under continuous keep-alive load with no failed request", async () => {
    const port = await start({ v1: 100 });
    const steps = [90, 75, 50, 25, 0, 50, 100];
    const result = await runLoad({
      port,
      durationMs: 2500,
      concurrency: 8,
      during: async () => {
        for (const w of steps) {
          await new Promise((r) => setTimeout(r, 250));
          await router.setWeights(w === 100 ? { v1: 100 } : w === 0 ? { v2: 100 } : { v1: w, v2: 100 - w });
        }
      },
    });
    expect(result.failures).toEqual([]);
    expect(result.versions.v2).toBeGreaterThan(0);
    expect(result.sent).toBeGreaterThan(500);
  });

  it("adds and removes instances, live and by reload, under load with no failed request", async () => {
    const port = await start({ v1: 100 }, { minSlots: 1 });
    const reloads: number[] = [];
    const result = await runLoad({
      port,
      durationMs: 3000,
      concurrency: 8,
      during: async () => {
        for (const set of [at(v1, v1b), at(v1b), at(v1), at(v1, v1b), at(v1)]) {
          await new Promise((r) => setTimeout(r, 300));
          const t0 = performance.now();
          await router.setBackends("v1", set);
          reloads.push(Math.round(performance.now() - t0));
        }
        // A new version: a reload with a new backend, while traffic flows.
        await router.setBackends("v3", at(v2));
        await router.setWeights({ v1: 50, v3: 50 });
      },
    });
    expect(result.failures).toEqual([]);
    expect(result.sent).toBeGreaterThan(500);
    expect(v1b.stats.requests).toBeGreaterThan(0);
    expect(await countVersions(port, 20)).toMatchObject({ v1: expect.any(Number), v2: expect.any(Number) });
  });

  it("routes a preview cookie to its version", async () => {
    const port = await start({ v1: 100 });
    await router.setHeaderRoute({ cookie: "canary", value: "yes", version: "v2" });
    expect(await countVersions(port, 5, { cookie: "a=b; canary=yes" })).toEqual({ v2: 5 });
    expect(await countVersions(port, 5, { cookie: "canary=no" })).toEqual({ v1: 5 });
  });

  it("counts every request in metrics exactly, across a reload, with per-request latency", async () => {
    const port = await start({ v1: 50, v2: 50 });
    const seen = await countVersions(port, 300);
    // A reload starts a new worker (whose `show stat` counters start at 0); the log carries on.
    await router.setHeaderRoute({ header: "X-P", value: "1", version: "v2" });
    for (let i = 0; i < 3; i++) await request(port, { path: "/?delay=40", headers: { "x-p": "1" } });
    const [m1, m2] = [(await router.metrics("v1"))!, (await router.metrics("v2"))!];
    expect(m1.requests).toBe(seen.v1);
    expect(m2.requests).toBe(seen.v2! + 3);
    expect(m1.samples.length + m2.samples.length).toBe(303);
    expect(m2.latency.count).toBe(m2.requests);
    expect(m2.latency.sumMs).toBeGreaterThanOrEqual(120);
    expect(m2.samples.slice(-3).every((s) => s.ms >= 39 && s.status === 200)).toBe(true);
  });

  it("injects errors and latency with HAProxy rules, then clears them at `until`", async () => {
    let now = 0;
    router = new HaproxyRouter({ threads: 1 }, { now: () => now });
    await router.setBackends("v2", at(v2));
    await router.setWeights({ v2: 100 });
    const { port } = await router.start();
    await router.injectFault({ version: "v2", errorRate: 0.5, latencyMs: 0, until: 60_000 });
    const statuses: number[] = [];
    for (let i = 0; i < 200; i++) statuses.push((await request(port)).status);
    const injected = statuses.filter((s) => s === 503).length;
    expect(injected).toBeGreaterThan(70);
    expect(injected).toBeLessThan(130);
    const m = (await router.metrics("v2"))!;
    expect(m.faultsInjected).toBe(injected);
    expect(m.status["5xx"]).toBe(injected);
    // A version's own fault wins over an all-versions one: clear it first.
    await router.injectFault({ version: "v2", errorRate: 0, latencyMs: 0, until: 0 });
    await router.injectFault({ errorRate: 0, latencyMs: 60, until: 60_000 });
    const t0 = performance.now();
    expect((await request(port)).body).toBe("v2\n");
    expect(performance.now() - t0).toBeGreaterThanOrEqual(55);
    now = 60_000;
    await router.injectFault({ errorRate: 0, latencyMs: 0, until: 0 });
    const t1 = performance.now();
    expect((await request(port)).status).toBe(200);
    expect(performance.now() - t1).toBeLessThan(50);
    await expect(router.injectFault({ errorRate: 2, latencyMs: 0, until: 1 })).rejects.toMatchObject({
      code: "SLUICE_E_ROUTER_CONFIG",
    });
  });

  it("refuses a port in use, and leaves no HAProxy process after stop", async () => {
    const port = await start({ v1: 100 });
    const other = new HaproxyRouter({ port });
    await expect(other.start()).rejects.toMatchObject({ code: "SLUICE_E_ROUTER_START" });
    const pids = await (router as unknown as { proc: HaproxyProcess }).proc.workerPids();
    expect(pids.length).toBeGreaterThan(0);
    await router.stop();
    await expect(request(port)).rejects.toThrow();
    for (const pid of pids) expect(() => process.kill(pid, 0)).toThrow();
  });

  it("replaces the HAProxy a killed agent left on its port, and records its own", async () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), "sluice-haproxy-state-"));
    try {
      const port = await start({ v1: 100 }, {});
      // The orphan: a router started with the state dir, whose agent died without stopping it.
      const orphan = new HaproxyRouter({ threads: 1, port: 0 }, { stateDir });
      await orphan.setBackends("v1", at(v1));
      await orphan.setWeights({ v1: 100 });
      const orphanPort = (await orphan.start()).port;
      const orphanPid = (orphan as unknown as { proc: HaproxyProcess }).proc.pid;
      expect(recordedRouterProcess(path.join(stateDir, HAPROXY_PID_FILE))).toBe(orphanPid);
      expect((await request(orphanPort)).status).toBe(200);
      await router.stop();
      router = new HaproxyRouter({ threads: 1, port: orphanPort, drainTimeoutMs: 500 }, { stateDir });
      await router.setBackends("v2", at(v2));
      await router.setWeights({ v2: 100 });
      await router.start();
      expect((await request(orphanPort)).body).toContain("v2");
      expect(() => process.kill(orphanPid, 0)).toThrow();
      expect(port).toBeGreaterThan(0);
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });

  it("sluice stop's clean-up ends an orphaned HAProxy from its record", async () => {
    const stateDir = mkdtempSync(path.join(tmpdir(), "sluice-haproxy-state-"));
    try {
      router = new HaproxyRouter({ threads: 1 }, { stateDir });
      await router.setBackends("v1", at(v1));
      await router.setWeights({ v1: 100 });
      const { port } = await router.start();
      const pid = (router as unknown as { proc: HaproxyProcess }).proc.pid;
      expect(await stopOrphanRouter(path.join(stateDir, HAPROXY_PID_FILE), 1000, "SIGUSR1")).toBe(pid);
      expect(() => process.kill(pid, 0)).toThrow();
      await expect(request(port)).rejects.toThrow();
    } finally {
      rmSync(stateDir, { recursive: true, force: true });
    }
  });
});
