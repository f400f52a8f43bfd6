/**
 * Zero-downtime behaviour of the builtin router under continuous load: weight switches, instance
 * replacement, drain, and backends that close keep-alive connections under it. Loads are bounded in
 * time (≈ 2–3 s) and count.
 */
import http from "node:http";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startNodeBackend } from "../../../../scripts/services/node-backend";
import type { RunningBackend } from "../../../../scripts/services/node-backend";
import { request, runLoad } from "../testing";
import { BuiltinRouter } from "./builtin-router";

const LOAD = { durationMs: 2500, concurrency: 16, maxRequests: 40_000 };

describe("builtin router under load", () => {
  let blue: RunningBackend;
  let green: RunningBackend;
  let router: BuiltinRouter;
  let port: number;
  const at = (b: RunningBackend) => ({ host: "127.0.0.1", port: b.port });

  beforeAll(async () => {
    blue = await startNodeBackend({ version: "blue" });
    green = await startNodeBackend({ version: "green" });
  });
  afterAll(async () => {
    await Promise.all([blue.close(), green.close()]);
  });
  afterEach(async () => {
    await router.stop();
  });

  async function start(): Promise<void> {
    router = new BuiltinRouter({ drainTimeoutMs: 5000 });
    await router.setBackends("blue", [at(blue)]);
    await router.setBackends("green", [at(green)]);
    await router.setWeights({ blue: 100 });
    ({ port } = await router.start());
  }

  it("switches blue → canary steps → green → back with zero failed requests at ≥ 500 req/s", async () => {
    await start();
    const steps: Record<string, number>[] = [
      { blue: 90, green: 10 },
      { blue: 50, green: 50 },
      { green: 100 },
      { blue: 100 },
      { green: 100 },
    ];
    const result = await runLoad({
      port,
      ...LOAD,
      during: async () => {
        for (const w of steps) {
          await new Promise((r) => setTimeout(r, 400));
          await router.setWeights(w);
        }
      },
    });
    expect(result.failures).toEqual([]);
    expect(result.rps).toBeGreaterThanOrEqual(500);
    expect(result.versions.blue).toBeGreaterThan(0);
    expect(result.versions.green).toBeGreaterThan(0);
    const m = (await router.metrics("green"))!;
    expect(m.requests).toBe(result.versions.green);
    expect(m.connectionErrors).toBe(0);
  });

  it("replaces a version's instances under load without dropping a request", async () => {
    await start();
    const next = await startNodeBackend({ version: "blue" });
    let drained = false;
    const result = await runLoad({
      port,
      ...LOAD,
      during: async () => {
        await new Promise((r) => setTimeout(r, 500));
        await router.setBackends("blue", [at(blue), at(next)]);
        await new Promise((r) => setTimeout(r, 500));
        // Old instance out: setBackends resolves once its in-flight requests are done.
        await router.setBackends("blue", [at(next)]);
        drained = true;
        const servedBefore = blue.stats.requests;
        await new Promise((r) => setTimeout(r, 300));
        expect(blue.stats.requests).toBe(servedBefore);
      },
    });
    expect(drained).toBe(true);
    expect(result.failures).toEqual([]);
    expect(result.rps).toBeGreaterThanOrEqual(500);
    expect(next.stats.requests).toBeGreaterThan(0);
    await next.close();
  });

  it("lets in-flight requests finish on a removed instance before resolving", async () => {
    await start();
    const slow = [1, 2, 3].map(() => request(port, { path: "/?delay=300" }));
    await new Promise((r) => setTimeout(r, 100));
    expect(blue.stats.inFlight).toBe(3);
    const t0 = Date.now();
    await router.setBackends("blue", [at(green)]);
    expect(Date.now() - t0).toBeGreaterThanOrEqual(150);
    expect((await Promise.all(slow)).map((r) => [r.status, r.body])).toEqual([
      [200, "blue\n"],
      [200, "blue\n"],
      [200, "blue\n"],
    ]);
    expect((await request(port)).body).toBe("green\n");
  });

  it("cuts requests that outlive the drain timeout", async () => {
    router = new BuiltinRouter({ drainTimeoutMs: 100 });
    await router.setBackends("blue", [at(blue)]);
    await router.setWeights({ blue: 100 });
    ({ port } = await router.start());
    const stuck = request(port, { path: "/?delay=2000" });
    await new Promise((r) => setTimeout(r, 50));
    await router.setBackends("blue", [at(green)]);
    expect((await stuck).status).toBe(502);
  });

  it("survives backends closing idle keep-alive connections (retrying the stale-connection race)", async () => {
    const quick = await startNodeBackend({ version: "quick" });
    // Closes idle connections after 50 ms, often just as the proxy reuses one.
    quick.server.keepAliveTimeout = 50;
    await start();
    await router.setBackends("quick", [at(quick)]);
    await router.setWeights({ quick: 100 });
    const agent = new http.Agent({ keepAlive: true, maxSockets: 4 });
    const failures: number[] = [];
    const loops = [0, 1, 2, 3].map(async (i) => {
      for (let n = 0; n < 25; n++) {
        await new Promise((r) => setTimeout(r, 40 + ((n + i) % 5) * 5));
        const { status } = await request(port, { agent });
        if (status !== 200) failures.push(status);
      }
    });
    await Promise.all(loops);
    agent.destroy();
    expect(failures).toEqual([]);
    await quick.close();
  });

  it("stop() finishes in-flight requests and closes idle connections", async () => {
    await start();
    const slow = request(port, { path: "/?delay=200" });
    await new Promise((r) => setTimeout(r, 50));
    await router.stop();
    expect((await slow).status).toBe(200);
    await expect(request(port)).rejects.toThrow();
  });
});
