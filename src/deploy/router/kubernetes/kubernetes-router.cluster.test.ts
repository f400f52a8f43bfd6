/**
 * The kubernetes router against a real cluster with the Gateway API CRDs installed; runs only when
 * KUBECONFIG is set (this machine has no cluster, DESIGN.md). The shared Router contract
 * (router/contract.ts) does not apply as it stands: its backends are processes on this machine's
 * loopback, which no Service can select, and it counts requests through `metrics()`, which is null
 * here by design. So this suite checks what the cluster makes of the objects: the Services and the
 * weighted HTTPRoute are accepted as written, changes replace them, and `stop` removes them. The
 * Gateway (SLUICE_K8S_GATEWAY, default `sluice-test`) need not exist for that: routing through it
 * is the Gateway implementation's own business.
 */
import { randomBytes } from "node:crypto";
import { afterEach, describe, expect, it } from "vitest";
import { connectKube, isNotFound } from "../../target/kubernetes/kube-client";
import { objectName } from "../../target/kubernetes/names";
import { KubernetesRouter } from "./kubernetes-router";
import { GATEWAY_GROUP, GATEWAY_VERSION } from "./manifests";

const kubeconfig = process.env.KUBECONFIG;
const namespace = process.env.SLUICE_K8S_TEST_NAMESPACE;

describe.skipIf(!kubeconfig)(
  "kubernetes router on the cluster in KUBECONFIG (skipped: no KUBECONFIG, this machine has no cluster)",
  { timeout: 120_000 },
  () => {
    const service = `sluice-router-${randomBytes(3).toString("hex")}`;
    const routers: KubernetesRouter[] = [];
    const make = (): KubernetesRouter => {
      const r = new KubernetesRouter({
        service,
        gateway: { name: process.env.SLUICE_K8S_GATEWAY ?? "sluice-test" },
        ...(namespace ? { namespace } : {}),
      });
      routers.push(r);
      return r;
    };
    afterEach(async () => {
      await Promise.all(routers.splice(0).map((r) => r.stop()));
    });

    async function readRoute(): Promise<{ spec: { rules: unknown[] } } | null> {
      const kube = await connectKube(namespace ? { namespace } : {});
      try {
        return (await kube.custom.getNamespacedCustomObject({
          group: GATEWAY_GROUP,
          version: GATEWAY_VERSION,
          namespace: kube.namespace,
          plural: "httproutes",
          name: service,
        })) as { spec: { rules: unknown[] } };
      } catch (err) {
        if (isNotFound(err)) return null;
        throw err;
      }
    }

    it("applies per-version Services and a weighted HTTPRoute with a header rule, and removes them", async () => {
      const router = make();
      await router.setBackends("v1", [{ host: "10.0.0.1", port: 8080 }]);
      await router.setBackends("v2", [{ host: "10.0.0.2", port: 8080 }]);
      await router.setWeights({ v1: 90, v2: 10 });
      await router.start();
      await router.setHeaderRoute({ header: "X-Preview", value: "green", version: "v2" });
      const route = await readRoute();
      expect(route?.spec.rules).toMatchObject([
        {
          matches: [{ headers: [{ type: "Exact", name: "x-preview", value: "green" }] }],
          backendRefs: [{ name: objectName(service, "v2"), port: 80 }],
        },
        {
          backendRefs: [
            { name: objectName(service, "v1"), port: 80, weight: 90 },
            { name: objectName(service, "v2"), port: 80, weight: 10 },
          ],
        },
      ]);
      await router.setWeights({ v2: 100 });
      await router.setHeaderRoute(null);
      expect((await readRoute())?.spec.rules).toMatchObject([
        { backendRefs: [{ name: objectName(service, "v2"), weight: 100 }] },
      ]);
      await router.stop();
      expect(await readRoute()).toBeNull();
    });

    it("rejects weights that do not sum to 100 and keeps the old ones", async () => {
      const router = make();
      await router.setWeights({ v1: 100 });
      await router.start();
      await expect(router.setWeights({ v1: 50, v2: 40 })).rejects.toMatchObject({
        code: "SLUICE_E_ROUTER_CONFIG",
      });
      expect(await router.getWeights()).toEqual({ v1: 100 });
    });
  },
);
