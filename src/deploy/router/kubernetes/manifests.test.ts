import { describe, expect, it } from "vitest";
import { buildHttpRoute, buildVersionService, gatewayAddress, toGatewayWeights } from "./manifests";
import { parseKubernetesRouterOptions } from "./options";

const options = parseKubernetesRouterOptions({
  service: "shop",
  gateway: { name: "public", namespace: "infra", sectionName: "http" },
  hostnames: ["shop.example.com"],
});

describe("kubernetes router manifests", () => {
  it("builds a weighted HTTPRoute on the Gateway, with a header rule for the preview route", () => {
    expect(
      buildHttpRoute(
        options,
        "prod",
        { v1: 90, v2: 10 },
        { header: "x-preview", value: "green", version: "v2" },
      ),
    ).toEqual({
      apiVersion: "gateway.networking.k8s.io/v1",
      kind: "HTTPRoute",
      metadata: {
        name: "shop",
        namespace: "prod",
        labels: { "app.kubernetes.io/name": "shop", "app.kubernetes.io/managed-by": "sluice" },
      },
      spec: {
        parentRefs: [
          {
            group: "gateway.networking.k8s.io",
            kind: "Gateway",
            name: "public",
            namespace: "infra",
            sectionName: "http",
          },
        ],
        hostnames: ["shop.example.com"],
        rules: [
          {
            matches: [{ headers: [{ type: "Exact", name: "x-preview", value: "green" }] }],
            backendRefs: [{ name: "shop-v2", port: 80 }],
          },
          {
            backendRefs: [
              { name: "shop-v1", port: 80, weight: 90 },
              { name: "shop-v2", port: 80, weight: 10 },
            ],
          },
        ],
      },
    });
  });

  it("leaves out unset options and zero weights, and keeps fractional splits as integers", () => {
    const plain = parseKubernetesRouterOptions({
      service: "shop",
      gateway: { name: "gw" },
      route: "shop-route",
    });
    const route = buildHttpRoute(plain, "ns", { v1: 0, v2: 100 }, null);
    expect(route.metadata.name).toBe("shop-route");
    expect(route.spec).toEqual({
      parentRefs: [{ group: "gateway.networking.k8s.io", kind: "Gateway", name: "gw" }],
      rules: [{ backendRefs: [{ name: "shop-v2", port: 80, weight: 100 }] }],
    });
    expect(toGatewayWeights({ a: 33.3, b: 33.3, c: 33.4 })).toEqual({ a: 33300, b: 33300, c: 33400 });
  });

  it("builds each version's Service selecting its Pods by the target's labels", () => {
    expect(buildVersionService(options, "prod", "1.0+b", 8080)).toEqual({
      apiVersion: "v1",
      kind: "Service",
      metadata: {
        name: expect.stringMatching(/^shop-1-0-b-[0-9a-f]{8}$/) as unknown,
        namespace: "prod",
        labels: {
          "app.kubernetes.io/name": "shop",
          "sluice.dev/version": expect.stringMatching(/^1\.0_b_[0-9a-f]{8}$/) as unknown,
          "app.kubernetes.io/managed-by": "sluice",
        },
        annotations: { "sluice.dev/version": "1.0+b" },
      },
      spec: {
        selector: {
          "app.kubernetes.io/name": "shop",
          "sluice.dev/version": expect.stringMatching(/^1\.0_b_/) as unknown,
        },
        ports: [{ name: "http", port: 80, targetPort: 8080, protocol: "TCP" }],
      },
    });
  });

  it("reads the Gateway's address from its status and the chosen listener", () => {
    const gateway = {
      spec: {
        listeners: [
          { name: "https", port: 443, protocol: "HTTPS" },
          { name: "http", port: 8081, protocol: "HTTP" },
        ],
      },
      status: { addresses: [{ type: "IPAddress", value: "203.0.113.7" }] },
    };
    expect(gatewayAddress(gateway)).toEqual({ host: "203.0.113.7", port: 8081 });
    expect(gatewayAddress(gateway, "https")).toEqual({ host: "203.0.113.7", port: 443 });
    expect(gatewayAddress({ spec: gateway.spec })).toBeNull();
    expect(gatewayAddress(undefined)).toBeNull();
  });

  it("validates its options with SLUICE_E_ROUTER_CONFIG", () => {
    expect(() => parseKubernetesRouterOptions({ service: "Shop", gateway: { name: "gw" } })).toThrow(
      expect.objectContaining({ code: "SLUICE_E_ROUTER_CONFIG" }),
    );
    expect(() => parseKubernetesRouterOptions({ service: "shop" })).toThrow(
      expect.objectContaining({ code: "SLUICE_E_ROUTER_CONFIG" }),
    );
  });
});
