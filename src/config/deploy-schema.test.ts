import { describe, expect, it } from "vitest";
import { SluiceError } from "../core/errors";
import { parseConfig } from "./load";

const example = [
  "version: 1",
  "analyses:",
  "  errors:",
  "    judge: { type: sequential, alpha: 0.01 }",
  "environments:",
  "  staging:",
  "    branches: [develop]",
  "    target: { command: node server.js, instances: 1 }",
  "    strategy: { type: blueGreen, previewRoute: { header: x-preview, value: green }, smokeTest: 'curl -f $URL' }",
  "  production:",
  "    target:",
  "      command: [node, server.js]",
  "      env: { PORT_OFFSET: 1, FEATURE: true }",
  "    router: { type: builtin, port: 9000 }",
  "    healthCheck: { check: { type: http, path: /healthz }, interval: 1s }",
  "    rollback: { healthFailures: 2, crashLoop: { restarts: 2, window: 1m } }",
  "    approvals: [release-manager]",
  "    strategy:",
  "      type: canary",
  "      backgroundAnalysis: errors",
  "      steps:",
  "        - setWeight: 10",
  "        - pause: 30s",
  "        - analysis: errors",
  "        - pause: {}",
  "        - approval: { name: qa, timeout: 1h }",
  "        - setWeight: 50",
].join("\n");

async function problemsOf(text: string): Promise<SluiceError> {
  try {
    await parseConfig(text, "sluice.yml");
  } catch (err) {
    if (err instanceof SluiceError) return err;
    throw err;
  }
  throw new Error("expected parseConfig to throw");
}

describe("environments and analyses in sluice.yml", () => {
  it("reads environments with defaults, durations in ms and Argo-style steps", async () => {
    const config = await parseConfig(example, "sluice.yml");
    const prod = config.environments.production!;
    expect(prod.target).toMatchObject({
      type: "process",
      command: ["node", "server.js"],
      env: { PORT_OFFSET: "1", FEATURE: "true" },
      instances: 2,
      readyTimeout: 60_000,
    });
    expect(prod.router).toEqual({ type: "builtin", host: "127.0.0.1", port: 9000 });
    expect(prod.healthCheck).toEqual({ check: { type: "http", path: "/healthz" }, interval: 1000 });
    expect(prod.rollback.crashLoop).toEqual({ restarts: 2, window: 60_000 });
    expect(prod.strategy).toMatchObject({
      type: "canary",
      steps: [
        { setWeight: 10 },
        { pause: { duration: 30_000 } },
        { analysis: { name: "errors" } },
        { pause: {} },
        { approval: { name: "qa", timeout: 3_600_000 } },
        { setWeight: 50 },
      ],
    });
    expect(config.environments.staging!.strategy).toMatchObject({ type: "blueGreen", autoPromotion: true });
    expect(config.environments.staging!.router.port).toBe(8080);
    expect(config.analyses.errors).toMatchObject({
      provider: { type: "router" },
      interval: 1000,
      metrics: [
        { name: "errorRate", query: "errorRate" },
        { name: "latency", query: "latency" },
      ],
    });
  });

  it("reports an undefined analysis, a bad duration and a bad judge spec at their lines", async () => {
    const err = await problemsOf(
      [
        "version: 1",
        "analyses:",
        "  errors:",
        "    judge: { type: sequential, alpha: 2 }",
        "environments:",
        "  prod:",
        "    target: { command: x }",
        "    strategy:",
        "      type: canary",
        "      steps:",
        "        - pause: soon",
        "        - analysis: latency",
      ].join("\n"),
    );
    const found = err.problems.map((p) => [p.location?.line, p.message]);
    expect(found).toEqual(
      expect.arrayContaining([
        [4, expect.stringContaining("alpha")],
        [11, expect.stringContaining("soon")],
      ]),
    );
  });

  it("reports an analysis that is not defined where a step names it", async () => {
    const err = await problemsOf(
      [
        "version: 1",
        "analyses: { errors: {} }",
        "environments:",
        "  prod:",
        "    target: { command: x }",
        "    strategy:",
        "      type: canary",
        "      steps:",
        "        - analysis: latency",
      ].join("\n"),
    );
    expect(err.problems.map((p) => [p.location?.line, p.message])).toEqual([
      [9, expect.stringContaining('analysis "latency" is not defined under `analyses` (defined: errors)')],
    ]);
  });

  it("rejects an unknown strategy type and an unknown judge", async () => {
    const err = await problemsOf(
      [
        "version: 1",
        "analyses:",
        "  a: { judge: { type: magic } }",
        "environments:",
        "  prod: { target: { command: x }, strategy: { type: yolo } }",
      ].join("\n"),
    );
    expect(err.problems.map((p) => p.location?.line)).toEqual([3, 5]);
  });

  it("reads resource limits with Kubernetes' memory units and reports a bad size", async () => {
    const base = ["version: 1", "environments:", "  prod:", "    target: { command: x }", "    rollback:"];
    const config = await parseConfig(
      [...base, "      resources: { memory: 512Mi, cpu: 0.5, for: 30s }"].join("\n"),
      "sluice.yml",
    );
    expect(config.environments.prod!.rollback.resources).toEqual({
      memory: 536_870_912,
      cpu: 0.5,
      above: 0.9,
      for: 30_000,
    });
    const err = await problemsOf([...base, "      resources: { memory: lots }"].join("\n"));
    expect(err.problems.map((p) => [p.location?.line, p.message])).toEqual([
      [6, expect.stringContaining('"lots" is not a memory size')],
    ]);
  });
});
