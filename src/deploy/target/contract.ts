/**
 * The contract every Target passes (DESIGN.md: one contract suite per plug-in point). Call
 * `describeTargetContract` from an implementation's test with a factory and a deploy spec for a
 * small HTTP server that answers `GET /` with JSON holding its `VERSION` and `PORT`.
 */
import http from "node:http";
import { afterEach, describe, expect, it } from "vitest";
import type { DeploySpec, Target } from "./types";

export function getJson(host: string, port: number, path = "/"): Promise<Record<string, unknown>> {
  return new Promise((resolve, reject) => {
    http
      .get({ host, port, path, agent: false }, (res) => {
        const chunks: Buffer[] = [];
        res.on("data", (c: Buffer) => chunks.push(c));
        res.on("end", () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString("utf8")) as Record<string, unknown>);
          } catch (e) {
            reject(e as Error);
          }
        });
      })
      .on("error", reject);
  });
}

export function describeTargetContract(name: string, make: () => Target, server: () => DeploySpec): void {
  describe(`Target contract: ${name}`, () => {
    const made: Target[] = [];
    const target = (): Target => {
      const t = make();
      made.push(t);
      return t;
    };
    afterEach(async () => {
      await Promise.all(made.splice(0).map((t) => t.close()));
    });

    it("deploys N ready instances that serve their version", async () => {
      const t = target();
      const r = await t.deploy("v1", { ...server(), instances: 2 });
      expect(r).toEqual({ version: "v1", wanted: 2, ready: 2 });
      const list = t.listInstances();
      expect(list).toHaveLength(2);
      // Distinct endpoints: local processes differ by port, Pods by address.
      expect(new Set(list.map((i) => `${i.host}:${i.port}`)).size).toBe(2);
      for (const i of list) {
        expect(i).toMatchObject({ version: "v1", ready: true, restarts: 0 });
        expect(await getJson(i.host, i.port)).toMatchObject({ version: "v1", port: i.port });
      }
      expect(t.status()).toMatchObject({ v1: { ready: 2, restarts: 0 } });
    });

    it("runs versions side by side, scales them, and deploy of a running version is a scale", async () => {
      const t = target();
      await t.deploy("v1", { ...server(), instances: 1 });
      await t.deploy("v2", { ...server(), instances: 1 });
      expect(await t.scale("v2", 3)).toMatchObject({ wanted: 3, ready: 3 });
      expect(await t.deploy("v1", { ...server(), instances: 2 })).toMatchObject({ wanted: 2, ready: 2 });
      // toMatchObject: targets that measure resource use add `usage`.
      expect(t.status()).toMatchObject({ v1: { ready: 2, restarts: 0 }, v2: { ready: 3, restarts: 0 } });
      await t.scale("v2", 1);
      expect(t.status().v2).toMatchObject({ ready: 1, restarts: 0 });
    });

    it("stops a version completely and idempotently", async () => {
      const t = target();
      await t.deploy("v1", { ...server(), instances: 2 });
      await t.stop("v1", { drainMs: 1000 });
      await t.stop("v1");
      await t.stop("never-deployed");
      expect(t.listInstances()).toEqual([]);
      expect(t.status()).toEqual({});
    });

    it("refuses to scale a version it does not run", async () => {
      await expect(target().scale("nope", 1)).rejects.toMatchObject({ code: "SLUICE_E_TARGET" });
    });
  });
}
