/**
 * The nginx router against a real nginx (installed with apt when missing; under CI=true a missing
 * nginx fails rather than skips): the Router contract, then what reloads must guarantee.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { nginxProgram } from "../../../../scripts/services/nginx";
import { startNodeBackend } from "../../../../scripts/services/node-backend";
import type { RunningBackend } from "../../../../scripts/services/node-backend";
import { describeRouterContract } from "../contract";
import { createRouter, routerTypes } from "../registry";
import { countVersions, request, runLoad } from "../testing";
import { parseAccessLine } from "./access-log";
import { renderNginxConfig, toHundredths } from "./nginx-config";
import { NginxRouter } from "./nginx-router";
import type { Weights } from "../types";

const nginxPath = nginxProgram();
const suite = nginxPath === null ? describe.skip : describe;

if (nginxPath !== null) describeRouterContract("nginx", () => new NginxRouter({ nginxPath }));

describe("nginx router options and config", () => {
  it("is registered and lists every invalid option", () => {
    expect(routerTypes()).toContain("nginx");
    expect(createRouter({ type: "nginx" }).type).toBe("nginx");
    let err: unknown;
    try {
      createRouter({ type: "nginx", port: 70000, drainTimeoutMs: -1, colour: "red" });
    } catch (e) {
      err = e;
    }
    expect(err).toMatchObject({ code: "SLUICE_E_ROUTER_CONFIG" });
    const message = (err as Error).message;
    for (const what of ["port", "drainTimeoutMs", "colour"]) expect(message).toContain(what);
  });

  it("splits percents into hundredths that sum to exactly 100 %", () => {
    expect(toHundredths([100 / 3, 100 / 3, 100 / 3])).toEqual([3334, 3333, 3333]);
    expect(toHundredths([29, 71])).toEqual([2900, 7100]);
    expect(toHundredths([0.005, 99.995]).reduce((a, b) => a + b)).toBe(10_000);
  });

  it("renders a weighted split, a case-sensitive preview map and a fault split on its own key", () => {
    const conf = renderNginxConfig({
      generation: 7,
      dir: "/tmp/x",
      host: "127.0.0.1",
      port: 8080,
      workers: 1,
      keepalive: 64,
      drainTimeoutMs: 1000,
      upstreamTimeoutMs: 1000,
      versions: [
        { token: "s1", backends: [{ host: "127.0.0.1", port: 1 }] },
        { token: "s2", backends: [] },
      ],
      split: [
        { token: "s1", percent: 90 },
        { token: "s2", percent: 10 },
      ],
      route: { kind: "header", name: "X-Preview", value: 'a.b"c', token: "s2" },
      faults: [{ token: "s2", errorRate: 0.25, status: 500 }],
    });
    expect(conf).toContain('split_clients "${request_id}" $sluice_split {\n    90.00% s1;\n    * s2;');
    expect(conf).toContain('map $http_x_preview $sluice_target {\n    "~^a\\\\.b\\"c$" s2;');
    expect(conf).toContain('split_clients "${request_id}:fault" $sluice_fault_s2 {\n    25.00% 500;');
    expect(conf).not.toContain("upstream sluice_s2");
    expect(conf).toContain('return 200 "7\\n"');
  });

  it("parses its access log lines and counts attempts that never got a header", () => {
    expect(parseAccessLine("1700000000.123|s1|502|0.004|502, 200|-, 0.001|0")).toEqual({
      at: 1_700_000_000_123,
      token: "s1",
      status: 502,
      ms: 4,
      connectionErrors: 1,
      faulted: false,
    });
    expect(parseAccessLine("1700000000.123|s2|503|0.000|-|-|503")!.faulted).toBe(true);
    expect(parseAccessLine("garbage")).toBeNull();
  });
});

suite("nginx router against real nginx", () => {
  let v1: RunningBackend;
  let v2: RunningBackend;
  let router: NginxRouter;
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

  async function start(weights: Record<string, number>, options: Record<string, unknown> = {}) {
    router = new NginxRouter({ nginxPath, ...options });
    await router.setBackends("v1", at(v1));
    await router.setBackends("v2", at(v2));
    await router.setWeights(weights);
    return (await router.start()).port;
  }

  it("splits 10/90 per request within a binomial tolerance", async () => {
    const port = await start({ v1: 90, v2: 10 });
    const n = 2000;
    const counts = await countVersions(port, n);
    // 10 % of 2000: mean 200, sd √(2000·0.1·0.9) ≈ 13.4; ±4.5 sd fails by chance once in ~150 000 runs.
    expect(Math.abs(counts.v2! - 200)).toBeLessThanOrEqual(60);
    expect(counts.v1! + counts.v2!).toBe(n);
  });

  /** Closed-loop load with a new connection per request, while `during` runs. */
  async function loadPerConnection(port: number, durationMs: number, during: () => Promise<void>) {
    const failures: string[] = [];
    const versions: Record<string, number> = {};
    let sent = 0;
    const until = Date.now() + durationMs;
    const worker = async () => {
      while (Date.now() < until) {
        sent++;
        try {
          const reply = await request(port, { path: "/?delay=2" });
          const v = reply.body.trim();
          versions[v] = (versions[v] ?? 0) + 1;
          if (reply.status >= 500) failures.push(`status ${reply.status}`);
        } catch (err) {
          failures.push((err as Error).message);
        }
      }
    };
    await Promise.all([...Array.from({ length: 8 }, worker), during()]);
    return { sent, failures, versions };
  }

  const steps: Weights[] = [{ v1: 90, v2: 10 }, { v1: 75, v2: 25 }, { v1: 50, v2: 50 }, { v2: 100 }];

  it("changes weights under load with zero failed requests", async () => {
    const port = await start({ v1: 100 });
    const reloads: number[] = [];
    const result = await loadPerConnection(port, 2500, async () => {
      for (const w of steps) {
        await sleep(250);
        const t0 = performance.now();
        await router.setWeights(w);
        reloads.push(performance.now() - t0);
      }
    });
    console.info(
      `nginx weight reloads under load: ${result.sent} requests, reload ms ${reloads.map(Math.round).join(" ")}`,
    );
    expect(result.failures).toEqual([]);
    expect(result.versions.v1).toBeGreaterThan(0);
    expect(result.versions.v2).toBeGreaterThan(0);
    expect(await countVersions(port, 20)).toEqual({ v2: 20 });
  });

  it("replaces instances under load with zero failed requests and drains the old ones", async () => {
    const port = await start({ v1: 100 });
    const v1b = await startNodeBackend({ version: "v1" });
    try {
      const result = await loadPerConnection(port, 2000, async () => {
        await sleep(300);
        await router.setBackends("v1", [...at(v1), ...at(v1b)]);
        await sleep(300);
        await router.setBackends("v1", at(v1b));
        // Resolved only after the removed instance's in-flight requests finished.
        expect(v1.stats.inFlight).toBe(0);
        await sleep(300);
        await router.setBackends("v1", at(v1));
      });
      expect(result.failures).toEqual([]);
      expect(v1b.stats.requests).toBeGreaterThan(0);
    } finally {
      await v1b.close();
    }
  });

  it("under keep-alive load, loses only requests nginx never read (safe to retry)", async () => {
    // A reload retires the old workers, which close their idle keep-alive connections: a client
    // that reuses one at that instant sees it closed before any response (nginx has no option like
    // HAProxy's idle-close-on-response). Such a request never reached a backend.
    const port = await start({ v1: 100 });
    const before = v1.stats.requests + v2.stats.requests;
    const result = await runLoad({
      port,
      durationMs: 2500,
      concurrency: 8,
      during: async () => {
        for (const w of steps) {
          await sleep(250);
          await router.setWeights(w);
        }
      },
    });
    const served = Object.values(result.versions).reduce((a, b) => a + b, 0);
    console.info(
      `nginx keep-alive reloads: ${result.sent} requests, ${result.failures.length} closed before a response`,
    );
    expect(result.failures.every((f) => /socket hang up|ECONNRESET/.test(f))).toBe(true);
    expect(v1.stats.requests + v2.stats.requests - before).toBe(served);
    expect(result.failures.length).toBeLessThanOrEqual(8 * steps.length);
  });

  it("keeps serving the old config when nginx refuses a new one", async () => {
    const port = await start({ v1: 100 });
    await expect(
      router.setBackends("v1", [{ host: "no-such-host.invalid", port: 80 }]),
    ).rejects.toMatchObject({
      code: "SLUICE_E_ROUTER_CONFIG",
    });
    expect(await countVersions(port, 5)).toEqual({ v1: 5 });
    await router.setWeights({ v2: 100 });
    expect(await countVersions(port, 5)).toEqual({ v2: 5 });
  });

  it("counts exactly the requests sent, with latency samples, and not its own probes", async () => {
    const port = await start({ v1: 50, v2: 50 });
    await router.setWeights({ v1: 60, v2: 40 });
    const sent = await countVersions(port, 300);
    await request(port, { path: "/?delay=40" }).catch(() => undefined);
    const m1 = (await router.metrics("v1"))!;
    const m2 = (await router.metrics("v2"))!;
    expect(m1.requests + m2.requests).toBe(301);
    expect(m1.requests - sent.v1!).toBeGreaterThanOrEqual(0);
    expect(m1.requests - sent.v1! + m2.requests - sent.v2!).toBe(1);
    expect(m1.latency.count).toBe(m1.requests);
    expect(m1.samples).toHaveLength(m1.requests);
    expect(Math.max(...[...m1.samples, ...m2.samples].map((s) => s.ms))).toBeGreaterThanOrEqual(39);
  });

  it("injects errors at a rate, counts them, refuses latency, and clears at `until`", async () => {
    const port = await start({ v2: 100 });
    await router.injectFault({ version: "v2", errorRate: 0.5, latencyMs: 0, until: Date.now() + 1500 });
    const statuses: number[] = [];
    for (let i = 0; i < 400; i++) statuses.push((await request(port)).status);
    const injected = statuses.filter((s) => s === 503).length;
    expect(injected).toBeGreaterThan(140);
    expect(injected).toBeLessThan(260);
    const m = (await router.metrics("v2"))!;
    expect(m.faultsInjected).toBe(injected);
    expect(m.status["5xx"]).toBe(injected);
    await expect(
      router.injectFault({ errorRate: 0, latencyMs: 50, until: Date.now() + 1000 }),
    ).rejects.toMatchObject({ code: "SLUICE_E_ROUTER_CONFIG" });
    await sleep(Math.max(0, 1700 - 0));
    const after = await countVersions(port, 20);
    expect(after).toEqual({ v2: 20 });
  });

  it("answers 503 for a version without instances, and stops with no process left", async () => {
    const port = await start({ v1: 100 }, { port: 0 });
    await router.setBackends("v1", []);
    expect((await request(port)).status).toBe(503);
    expect((await router.metrics("v1"))!.status["5xx"]).toBe(1);
    const dir = (router as unknown as { dir: string }).dir;
    const pid = Number(readFileSync(path.join(dir, "nginx.pid"), "utf8"));
    await router.stop();
    expect(existsSync(dir)).toBe(false);
    expect(() => process.kill(pid, 0)).toThrow();
    await expect(request(port)).rejects.toThrow();
  });

  it("refuses to start on a port in use", async () => {
    router = new NginxRouter({ nginxPath, port: v1.port, reloadTimeoutMs: 3000 });
    await router.setWeights({ v1: 100 });
    await expect(router.start()).rejects.toMatchObject({ code: "SLUICE_E_ROUTER_START" });
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
