/**
 * The contract every Router passes (DESIGN.md: one contract suite per plug-in point). Call
 * `describeRouterContract` from an implementation's test file with a factory; the suite starts two
 * real backends (v1, v2) on loopback and checks the behaviour strategies rely on.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { startNodeBackend } from "../../../scripts/services/node-backend";
import type { RunningBackend } from "../../../scripts/services/node-backend";
import { countVersions, request } from "./testing";
import type { Router } from "./types";

export function describeRouterContract(name: string, makeRouter: () => Router): void {
  describe(`Router contract: ${name}`, () => {
    let v1: RunningBackend;
    let v2: RunningBackend;
    let router: Router;
    let port: number;

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

    async function startWith(weights: Record<string, number>): Promise<void> {
      router = makeRouter();
      await router.setBackends("v1", [{ host: "127.0.0.1", port: v1.port }]);
      await router.setBackends("v2", [{ host: "127.0.0.1", port: v2.port }]);
      await router.setWeights(weights);
      ({ port } = await router.start());
    }

    it("rejects weights that do not sum to 100 and keeps the old ones", async () => {
      await startWith({ v1: 100 });
      await expect(router.setWeights({ v1: 50, v2: 40 })).rejects.toMatchObject({
        code: "SLUICE_E_ROUTER_CONFIG",
      });
      await expect(router.setWeights({ v1: 110, v2: -10 })).rejects.toMatchObject({
        code: "SLUICE_E_ROUTER_CONFIG",
      });
      expect(await router.getWeights()).toEqual({ v1: 100 });
    });

    it("reports the weights it was given, idempotently", async () => {
      await startWith({ v1: 75, v2: 25 });
      await router.setWeights({ v2: 25, v1: 75 });
      expect(await router.getWeights()).toEqual({ v1: 75, v2: 25 });
      expect(await router.start()).toEqual({ host: "127.0.0.1", port });
    });

    it("splits traffic by weight and switches completely", async () => {
      await startWith({ v1: 80, v2: 20 });
      const split = await countVersions(port, 200);
      expect(split.v1! / 200).toBeGreaterThan(0.7);
      expect(split.v2! / 200).toBeGreaterThan(0.1);
      await router.setWeights({ v1: 0, v2: 100 });
      expect(await countVersions(port, 30)).toEqual({ v2: 30 });
    });

    it("sends a preview header to its version whatever the weights", async () => {
      await startWith({ v1: 100 });
      await router.setHeaderRoute({ header: "X-Preview", value: "green", version: "v2" });
      expect(await countVersions(port, 10, { "x-preview": "green" })).toEqual({ v2: 10 });
      expect(await countVersions(port, 10, { "x-preview": "other" })).toEqual({ v1: 10 });
      await router.setHeaderRoute(null);
      expect(await countVersions(port, 5, { "x-preview": "green" })).toEqual({ v1: 5 });
    });

    it("counts requests and status classes per version", async () => {
      await startWith({ v1: 100 });
      for (const status of [200, 200, 302, 404, 500]) await request(port, { path: `/x?status=${status}` });
      const m = await router.metrics("v1");
      expect(m).not.toBeNull();
      expect(m!.requests).toBe(5);
      expect(m!.status).toMatchObject({ "2xx": 2, "3xx": 1, "4xx": 1, "5xx": 1 });
      expect(m!.latency.counts.reduce((a, b) => a + b, 0)).toBe(5);
      expect((await router.metrics("v2"))!.requests).toBe(0);
      expect(await router.metrics("never-seen")).toBeNull();
    });
  });
}
