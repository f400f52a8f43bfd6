import type { V1Pod } from "@kubernetes/client-node";
import { describe, expect, it } from "vitest";
import type { HealthCheckSpec } from "../../health/types";
import { buildDeployment, buildProbe, containerCommand, scalePatch } from "./manifests";
import { objectName, serviceSelector, versionLabelValue } from "./names";
import { parseKubernetesTargetSettings } from "./options";
import { podInstances, podStatus } from "./pods";

const settings = parseKubernetesTargetSettings({
  service: "shop",
  image: "registry.local/shop:{{version}}",
  port: 3000,
  resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: 1 } },
});

describe("kubernetes names", () => {
  it("keeps DNS-1123 names as they are and hashes what it had to change", () => {
    expect(objectName("shop", "v1")).toBe("shop-v1");
    expect(objectName("shop", "v1.2.3")).toMatch(/^shop-v1-2-3-[0-9a-f]{8}$/);
    expect(objectName("shop", "v1_2_3")).not.toBe(objectName("shop", "v1.2.3"));
    const long = objectName("shop", "x".repeat(100));
    expect(long.length).toBeLessThanOrEqual(63);
    expect(long).toMatch(/^[a-z]([-a-z0-9]*[a-z0-9])?$/);
  });

  it("keeps valid label values and rewrites the others within the label alphabet", () => {
    expect(versionLabelValue("1.4.0")).toBe("1.4.0");
    expect(versionLabelValue("1.4.0+build.7")).toMatch(/^1\.4\.0_build\.7_[0-9a-f]{8}$/);
    expect(versionLabelValue("-x-")).toMatch(/^x_[0-9a-f]{8}$/);
    expect(serviceSelector("shop")).toBe("app.kubernetes.io/name=shop,app.kubernetes.io/managed-by=sluice");
  });
});

describe("buildDeployment", () => {
  it("builds one Deployment per version with labels, env, port, probe, resources and drain", () => {
    const d = buildDeployment(settings, "prod", "v2", {
      command: "node server.js",
      env: { GREETING: "hi", PORT: "1" },
      instances: 3,
      readiness: { type: "http", path: "/healthz", timeoutMs: 1500 },
      drainMs: 20_000,
    });
    const labels = {
      "app.kubernetes.io/name": "shop",
      "sluice.dev/version": "v2",
      "app.kubernetes.io/managed-by": "sluice",
    };
    expect(d).toEqual({
      apiVersion: "apps/v1",
      kind: "Deployment",
      metadata: { name: "shop-v2", namespace: "prod", labels, annotations: { "sluice.dev/version": "v2" } },
      spec: {
        replicas: 3,
        selector: { matchLabels: { "app.kubernetes.io/name": "shop", "sluice.dev/version": "v2" } },
        template: {
          metadata: { labels, annotations: { "sluice.dev/version": "v2" } },
          spec: {
            terminationGracePeriodSeconds: 20,
            containers: [
              {
                name: "app",
                image: "registry.local/shop:v2",
                command: ["/bin/sh", "-c", "exec node server.js"],
                env: [
                  { name: "GREETING", value: "hi" },
                  { name: "HOST", value: "0.0.0.0" },
                  { name: "PORT", value: "3000" },
                  { name: "VERSION", value: "v2" },
                  { name: "SLUICE_INSTANCE", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } },
                ],
                ports: [{ name: "http", containerPort: 3000, protocol: "TCP" }],
                readinessProbe: {
                  httpGet: { path: "/healthz", port: 3000, scheme: "HTTP" },
                  periodSeconds: 1,
                  timeoutSeconds: 2,
                  successThreshold: 1,
                  failureThreshold: 3,
                },
                resources: { requests: { cpu: "100m", memory: "64Mi" }, limits: { cpu: "1" } },
              },
            ],
          },
        },
      },
    });
  });

  it("prefers the spec's image, runs the image's entrypoint for an empty command, and needs an image", () => {
    const d = buildDeployment(settings, "ns", "v1", { command: [], image: "other:1", instances: 1 });
    const c = d.spec!.template.spec!.containers[0]!;
    expect(c.image).toBe("other:1");
    expect(c.command).toBeUndefined();
    expect(d.spec!.template.spec!.terminationGracePeriodSeconds).toBe(10);
    const noImage = parseKubernetesTargetSettings({ service: "shop" });
    expect(() => buildDeployment(noImage, "ns", "v1", { command: [], instances: 1 })).toThrow(
      expect.objectContaining({ code: "SLUICE_E_TARGET" }),
    );
    expect(containerCommand(["node", "a.js"])).toEqual(["node", "a.js"]);
    expect(containerCommand("  ")).toBeUndefined();
    expect(scalePatch(4)).toEqual({ spec: { replicas: 4 } });
  });
});

describe("buildProbe", () => {
  const timing = { periodSeconds: 1, successThreshold: 1, failureThreshold: 3 };
  it("maps http, tcp and command checks to httpGet, tcpSocket and exec probes", () => {
    expect(buildProbe(undefined, 80)).toEqual({ tcpSocket: { port: 80 }, timeoutSeconds: 1, ...timing });
    expect(
      buildProbe({ type: "http", url: "https://example.test:8443/ready?x=1", headers: { "X-A": "b" } }, 80),
    ).toEqual({
      httpGet: {
        host: "example.test",
        port: 8443,
        path: "/ready?x=1",
        scheme: "HTTPS",
        httpHeaders: [{ name: "X-A", value: "b" }],
      },
      timeoutSeconds: 2,
      ...timing,
    });
    expect(buildProbe({ type: "tcp", port: 9000, timeoutMs: 500 }, 80)).toEqual({
      tcpSocket: { port: 9000 },
      timeoutSeconds: 1,
      ...timing,
    });
    expect(buildProbe({ type: "command", command: "check", args: ["--fast"] }, 80)).toEqual({
      exec: { command: ["check", "--fast"] },
      timeoutSeconds: 10,
      ...timing,
    });
  });

  it("refuses checks a probe cannot express rather than weakening them", () => {
    const checks: HealthCheckSpec[] = [
      { type: "http", bodyContains: "ok" },
      { type: "http", expectStatus: [204] },
      { type: "http", method: "POST" },
      { type: "command", command: "check", env: { A: "1" } },
    ];
    for (const check of checks) {
      expect(() => buildProbe(check, 80)).toThrow(expect.objectContaining({ code: "SLUICE_E_TARGET" }));
    }
  });
});

describe("pods → instances and status", () => {
  const pod = (
    name: string,
    version: string,
    extra: Partial<{ ready: boolean; restarts: number; deleting: boolean }> = {},
  ): V1Pod => ({
    metadata: {
      name,
      labels: { "sluice.dev/version": versionLabelValue(version) },
      annotations: { "sluice.dev/version": version },
      ...(extra.deleting ? { deletionTimestamp: new Date() } : {}),
    },
    status: {
      phase: "Running",
      podIP: `10.1.0.${name.length}`,
      conditions: [{ type: "Ready", status: extra.ready === false ? "False" : "True" }],
      containerStatuses: [
        { name: "app", restartCount: extra.restarts ?? 0, ready: true, image: "i", imageID: "i" },
      ],
    },
  });

  it("reports live Pods of managed versions, ordered, with restarts, and zeros for empty versions", () => {
    const pods = [
      pod("shop-b-2", "v2"),
      pod("shop-a-1", "1.0+x", { restarts: 2, ready: false }),
      pod("shop-a-0", "1.0+x"),
      pod("shop-a-9", "1.0+x", { deleting: true }),
      pod("other-1", "v9"),
    ];
    const versions = ["1.0+x", "v2", "v3"];
    expect(podInstances(pods, versions, 8080).map((i) => [i.id, i.ready, i.restarts, i.port, i.pid])).toEqual(
      [
        ["1.0+x#shop-a-0", true, 0, 8080, null],
        ["1.0+x#shop-a-1", false, 2, 8080, null],
        ["v2#shop-b-2", true, 0, 8080, null],
      ],
    );
    expect(podStatus(pods, versions)).toEqual({
      "1.0+x": { ready: 1, restarts: 2 },
      v2: { ready: 1, restarts: 0 },
      v3: { ready: 0, restarts: 0 },
    });
  });
});
