/**
 * The kubernetes target against a fake API server (fake-kube-api.ts): these tests check the client
 * wiring — which calls, paths, content types, parameters and bodies go out, and how answers are read
 * back — not Kubernetes semantics (scheduling, probes, real deletion), which only the cluster suite
 * (kubernetes-target.cluster.test.ts, with KUBECONFIG) exercises.
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { createTarget } from "../registry";
import type { DeploySpec } from "../types";
import { startFakeKubeApi } from "./fake-kube-api";
import type { FakeKubeApi } from "./fake-kube-api";
import { KubernetesTarget } from "./kubernetes-target";
import { buildDeployment } from "./manifests";
import { parseKubernetesTargetSettings } from "./options";

const NS = "sluice-test";
const DEPLOYMENTS = `/apis/apps/v1/namespaces/${NS}/deployments`;
const PODS = `/api/v1/namespaces/${NS}/pods`;

let api: FakeKubeApi;
const targets: KubernetesTarget[] = [];
beforeEach(async () => {
  api = await startFakeKubeApi(NS);
});
afterEach(async () => {
  await Promise.all(targets.splice(0).map((t) => t.close()));
  await api.close();
});

function target(extra: Record<string, unknown> = {}): KubernetesTarget {
  const settings = {
    service: "shop",
    image: "shop:{{version}}",
    kubeconfig: api.kubeconfig,
    pollInterval: 20,
    ...extra,
  };
  const t = new KubernetesTarget({ settings });
  targets.push(t);
  return t;
}

const spec: DeploySpec = { command: [], instances: 2, readyTimeoutMs: 500, drainMs: 4000 };
const calls = (): string[] =>
  api.requests.filter((r) => !(r.method === "GET" && r.path === PODS)).map((r) => `${r.method} ${r.path}`);

describe("kubernetes target: API wiring", () => {
  it("server-side applies the version's Deployment and waits for its Pods", async () => {
    const t = target();
    expect(await t.deploy("v1", spec)).toEqual({ version: "v1", wanted: 2, ready: 2 });
    expect(calls()).toEqual([`GET ${DEPLOYMENTS}/shop-v1`, `PATCH ${DEPLOYMENTS}/shop-v1`]);
    const apply = api.requests.find((r) => r.method === "PATCH")!;
    expect(apply.contentType).toBe("application/apply-patch+yaml");
    expect(apply.query).toMatchObject({ fieldManager: "sluice", force: "true" });
    expect(apply.authorization).toBe("Bearer fake-token");
    expect(apply.body).toEqual(
      JSON.parse(JSON.stringify(buildDeployment(t.settings, NS, "v1", spec))) as unknown,
    );
    const podList = api.requests.find((r) => r.path === PODS)!;
    expect(podList.query.labelSelector).toBe(
      "app.kubernetes.io/name=shop,app.kubernetes.io/managed-by=sluice",
    );
    const list = t.listInstances();
    expect(list.map((i) => [i.version, i.port, i.ready, i.restarts])).toEqual([
      ["v1", 8080, true, 0],
      ["v1", 8080, true, 0],
    ]);
    expect(list[0]!.host).toMatch(/^10\.0\.0\.\d+$/);
    expect(list[0]!.id).toMatch(/^v1#shop-v1-/);
    expect(t.status()).toEqual({ v1: { ready: 2, restarts: 0 } });
  });

  it("scales with a merge patch, and deploying a running version scales it", async () => {
    const t = target();
    await t.deploy("v1", spec);
    api.requests.length = 0;
    expect(await t.deploy("v1", { ...spec, instances: 3 })).toMatchObject({ wanted: 3, ready: 3 });
    expect(calls()).toEqual([`GET ${DEPLOYMENTS}/shop-v1`, `PATCH ${DEPLOYMENTS}/shop-v1`]);
    const patch = api.requests.find((r) => r.method === "PATCH")!;
    expect(patch.contentType).toBe("application/merge-patch+json");
    expect(patch.body).toEqual({ spec: { replicas: 3 } });
    expect(await t.scale("v1", 1)).toEqual({ version: "v1", wanted: 1, ready: 1 });
    expect(t.status()).toEqual({ v1: { ready: 1, restarts: 0 } });
  });

  it("refuses to scale a version without a Deployment", async () => {
    await expect(target().scale("nope", 1)).rejects.toMatchObject({ code: "SLUICE_E_TARGET" });
  });

  it("returns the ready count it reached when Pods stay unready past readyTimeoutMs", async () => {
    api.podsReady = false;
    const t = target();
    expect(await t.deploy("v1", { ...spec, readyTimeoutMs: 100 })).toEqual({
      version: "v1",
      wanted: 2,
      ready: 0,
    });
    expect(t.status()).toEqual({ v1: { ready: 0, restarts: 0 } });
  });

  it("stops: scale to 0, delete the Pods with the drain as grace period, delete the Deployment", async () => {
    const t = target();
    await t.deploy("v1", spec);
    api.requests.length = 0;
    await t.stop("v1", { drainMs: 2500 });
    // Writes only: a read the deploy left in flight may land after the reset above on a loaded machine.
    expect(calls().filter((c) => !c.startsWith("GET "))).toEqual([
      `PATCH ${DEPLOYMENTS}/shop-v1`,
      `DELETE ${PODS}`,
      `DELETE ${DEPLOYMENTS}/shop-v1`,
    ]);
    expect(api.requests[0]!.body).toEqual({ spec: { replicas: 0 } });
    const del = api.requests.find((r) => r.method === "DELETE" && r.path === PODS)!;
    expect(del.query).toMatchObject({
      gracePeriodSeconds: "3",
      labelSelector: "app.kubernetes.io/name=shop,sluice.dev/version=v1",
    });
    expect(
      api.requests.find((r) => r.path === `${DEPLOYMENTS}/shop-v1` && r.method === "DELETE")!.query,
    ).toMatchObject({
      propagationPolicy: "Background",
    });
    expect(api.get(DEPLOYMENTS, "shop-v1")).toBeUndefined();
    await t.stop("v1");
    await t.stop("never");
    expect(t.status()).toEqual({});
    expect(t.listInstances()).toEqual([]);
  });

  it("recovers the service's Deployments by label, or deletes them with adopt: false", async () => {
    await target().deploy("v1", spec);
    await target().deploy("1.0+build", spec);
    const fresh = target();
    expect((await fresh.recover()).sort()).toEqual(["1.0+build", "v1"]);
    const listed = api.requests.find((r) => r.method === "GET" && r.path === DEPLOYMENTS)!;
    expect(listed.query.labelSelector).toBe(
      "app.kubernetes.io/name=shop,app.kubernetes.io/managed-by=sluice",
    );
    expect(fresh.status()).toEqual({ v1: { ready: 2, restarts: 0 }, "1.0+build": { ready: 2, restarts: 0 } });
    expect(await target().recover({ adopt: false })).toEqual([]);
    expect(api.objects.get(DEPLOYMENTS)?.size ?? 0).toBe(0);
  });

  it("is built by the registry from sluice.yml settings and validates them", async () => {
    const t = createTarget("kubernetes", {
      settings: {
        type: "kubernetes",
        command: [],
        service: "shop",
        image: "shop:1",
        kubeconfig: api.kubeconfig,
      },
    });
    expect(t.type).toBe("kubernetes");
    expect(() => createTarget("kubernetes", { settings: { image: "x" } })).toThrow(
      expect.objectContaining({ code: "SLUICE_E_CONFIG" }),
    );
    expect(parseKubernetesTargetSettings({ service: "shop" })).toMatchObject({
      port: 8080,
      pollInterval: 1000,
    });
    await t.close();
  });

  it("refuses an unusable kubeconfig context before any call", async () => {
    await expect(target({ context: "nope" }).deploy("v1", spec)).rejects.toMatchObject({
      code: "SLUICE_E_CONFIG",
    });
    expect(api.requests).toEqual([]);
  });
});
