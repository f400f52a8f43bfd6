/** sluice.yml's `target: { type: kubernetes }` → the run spec → the Deployment, without a cluster. */
import { describe, expect, it } from "vitest";
import { SluiceError } from "../../../core/errors";
import { parseConfig } from "../../../config/load";
import { versionRun } from "../../controller/deployment-spec";
import { KubernetesTarget } from "./kubernetes-target";
import { buildDeployment } from "./manifests";

const yaml = (target: string[]): string =>
  ["version: 1", "environments:", "  prod:", "    target:", ...target.map((l) => `      ${l}`)].join("\n");

async function configError(text: string): Promise<SluiceError> {
  try {
    await parseConfig(text, "sluice.yml");
  } catch (err) {
    if (err instanceof SluiceError) return err;
    throw err;
  }
  throw new Error("expected a config error");
}

describe("kubernetes target in sluice.yml", () => {
  it("reads the kubernetes variant and carries it to the Deployment", async () => {
    const config = await parseConfig(
      yaml([
        "type: kubernetes",
        "service: shop",
        "image: registry.local/shop:{{version}}",
        "namespace: prod",
        "port: 3000",
        "instances: 3",
        "pollInterval: 2s",
        "env: { MODE: '{{version}}' }",
        "resources: { requests: { cpu: 100m }, limits: { memory: 256Mi } }",
        "readiness: { type: http, path: /healthz }",
      ]),
      "sluice.yml",
    );
    const env = config.environments.prod!;
    expect(env.target).toMatchObject({ type: "kubernetes", service: "shop", port: 3000, pollInterval: 2000 });
    const run = versionRun(env, "v7", {});
    expect(run).toMatchObject({ command: [], image: "registry.local/shop:v7", env: { MODE: "v7" } });
    const target = new KubernetesTarget({ settings: env.target });
    expect(target.settings).toMatchObject({ namespace: "prod", pollInterval: 2000 });
    const d = buildDeployment(target.settings, "prod", "v7", { ...run, instances: env.target.instances });
    expect(d.spec!.replicas).toBe(3);
    expect(d.spec!.template.spec!.containers[0]).toMatchObject({
      image: "registry.local/shop:v7",
      resources: { requests: { cpu: "100m" }, limits: { memory: "256Mi" } },
      readinessProbe: { httpGet: { path: "/healthz", port: 3000 } },
    });
  });

  it("keeps `process` the default and rejects unknown types and missing kubernetes fields", async () => {
    expect(
      (await parseConfig(yaml(["command: node server.js"]), "sluice.yml")).environments.prod!.target.type,
    ).toBe("process");
    expect((await configError(yaml(["type: docker", "command: x"]))).problems.map((p) => p.message)).toEqual([
      'environments.prod.target.type: must be one of "process", "kubernetes"',
    ]);
    const missing = await configError(yaml(["type: kubernetes", "service: Shop"]));
    expect(missing.problems.map((p) => p.message).join("\n")).toMatch(
      /image[\s\S]*DNS-1123|DNS-1123[\s\S]*image/,
    );
    expect((await configError(yaml(["type: kubernetes", "service: shop", "image: x", "cwd: /"]))).code).toBe(
      "SLUICE_E_CONFIG",
    );
  });
});
