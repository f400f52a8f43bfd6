/**
 * The kubernetes router against a fake API server (target/kubernetes/fake-kube-api.ts): these tests
 * check the client wiring — the calls, content types, parameters and bodies that go out — not what a
 * Gateway implementation does with the HTTPRoute (only a cluster shows that: the cluster suite).
 */
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { startFakeKubeApi } from "../../target/kubernetes/fake-kube-api";
import type { FakeKubeApi } from "../../target/kubernetes/fake-kube-api";
import { createRouter, routerTypes } from "../registry";
import { KubernetesRouter } from "./kubernetes-router";
import { buildHttpRoute, buildVersionService } from "./manifests";

const NS = "sluice-test";
const ROUTES = `/apis/gateway.networking.k8s.io/v1/namespaces/${NS}/httproutes`;
const GATEWAYS = `/apis/gateway.networking.k8s.io/v1/namespaces/infra/gateways`;
const SERVICES = `/api/v1/namespaces/${NS}/services`;

let api: FakeKubeApi;
beforeEach(async () => {
  api = await startFakeKubeApi(NS);
});
afterEach(async () => {
  await api.close();
});

function router(extra: Record<string, unknown> = {}): KubernetesRouter {
  return new KubernetesRouter(
    {
      service: "shop",
      gateway: { name: "public", namespace: "infra" },
      kubeconfig: api.kubeconfig,
      ...extra,
    },
    { now: () => 1_000 },
  );
}
const calls = (): string[] => api.requests.map((r) => `${r.method} ${r.path}`);

describe("kubernetes router: API wiring", () => {
  it("applies a Service per version, then the HTTPRoute on start and on every change", async () => {
    const r = router();
    await r.setBackends("v1", [{ host: "10.0.0.1", port: 8080 }]);
    await r.setBackends("v1", [{ host: "10.0.0.2", port: 8080 }]);
    await r.setBackends("v2", [{ host: "10.0.0.3", port: 8080 }]);
    await r.setWeights({ v1: 100 });
    expect(calls()).toEqual([`PATCH ${SERVICES}/shop-v1`, `PATCH ${SERVICES}/shop-v2`]);
    const svc = api.requests[0]!;
    expect(svc.contentType).toBe("application/apply-patch+yaml");
    expect(svc.query).toMatchObject({ fieldManager: "sluice", force: "true" });
    expect(svc.body).toEqual(
      JSON.parse(JSON.stringify(buildVersionService(r.options, NS, "v1", 8080))) as unknown,
    );

    api.requests.length = 0;
    expect(await r.start()).toEqual({ host: "127.0.0.1", port: 8080 });
    await r.setWeights({ v1: 80, v2: 20 });
    await r.setHeaderRoute({ header: "X-Preview", value: "green", version: "v2" });
    expect(calls()).toEqual([
      `PATCH ${ROUTES}/shop`,
      `GET ${GATEWAYS}/public`,
      `PATCH ${ROUTES}/shop`,
      `PATCH ${ROUTES}/shop`,
    ]);
    const last = api.requests.at(-1)!;
    expect(last.contentType).toBe("application/apply-patch+yaml");
    expect(last.body).toEqual(
      buildHttpRoute(
        r.options,
        NS,
        { v1: 80, v2: 20 },
        { header: "x-preview", value: "green", version: "v2" },
      ),
    );
    expect(await r.getWeights()).toEqual({ v1: 80, v2: 20 });
  });

  it("rejects bad weights without a call and keeps the old ones", async () => {
    const r = router();
    await r.setWeights({ v1: 100 });
    await r.start();
    api.requests.length = 0;
    await expect(r.setWeights({ v1: 50, v2: 40 })).rejects.toMatchObject({ code: "SLUICE_E_ROUTER_CONFIG" });
    expect(api.requests).toEqual([]);
    expect(await r.getWeights()).toEqual({ v1: 100 });
  });

  it("reports the Gateway's address from its status, or the address option", async () => {
    api.put(GATEWAYS, {
      metadata: { name: "public" },
      spec: { listeners: [{ name: "web", port: 8000, protocol: "HTTP" }] },
      status: { addresses: [{ type: "IPAddress", value: "192.0.2.10" }] },
    });
    const r = router();
    expect(await r.start()).toEqual({ host: "192.0.2.10", port: 8000 });
    expect(await r.start()).toEqual({ host: "192.0.2.10", port: 8000 });
    expect(await router({ address: { host: "shop.test", port: 80 } }).start()).toEqual({
      host: "shop.test",
      port: 80,
    });
  });

  it("deletes a version's Service for an empty backend list, and everything on stop", async () => {
    const r = router();
    await r.setBackends("v1", [{ host: "10.0.0.1", port: 8080 }]);
    await r.setBackends("v2", [{ host: "10.0.0.2", port: 8080 }]);
    await r.setWeights({ v1: 100 });
    await r.start();
    await r.setBackends("v2", []);
    expect(api.get(SERVICES, "shop-v2")).toBeUndefined();
    expect(api.get(SERVICES, "shop-v1")).toBeDefined();
    await r.stop();
    await r.stop();
    expect(api.get(ROUTES, "shop")).toBeUndefined();
    expect(api.get(SERVICES, "shop-v1")).toBeUndefined();
  });

  it("has no metrics, refuses faults and cookie routes, and is registered", async () => {
    const r = router();
    expect(await r.metrics("v1")).toBeNull();
    await expect(r.injectFault({ errorRate: 0.5, latencyMs: 0, until: 2_000 })).rejects.toMatchObject({
      code: "SLUICE_E_ROUTER_CONFIG",
    });
    await r.injectFault({ errorRate: 0, latencyMs: 0, until: 0 });
    await expect(r.setHeaderRoute({ cookie: "canary", value: "1", version: "v2" })).rejects.toMatchObject({
      code: "SLUICE_E_ROUTER_CONFIG",
    });
    await r.stop();
    expect(api.requests).toEqual([]);
    expect(routerTypes()).toContain("kubernetes");
    const made = createRouter({
      type: "kubernetes",
      host: "127.0.0.1",
      port: 8080,
      service: "shop",
      gateway: { name: "gw" },
    });
    expect(made.type).toBe("kubernetes");
    expect(() => createRouter({ type: "kubernetes", service: "shop" })).toThrow(
      expect.objectContaining({ code: "SLUICE_E_ROUTER_CONFIG" }),
    );
  });
});
