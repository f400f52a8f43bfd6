import { describe, expect, it } from "vitest";
import { analysesSchema, environmentsSchema } from "../../config/deploy-schema";
import type { EnvironmentConfig } from "../../config/deploy-schema";
import { buildDeploymentSpec, referencedAnalyses, SMOKE_TEST_NAME, versionRun } from "./deployment-spec";

/** sluice.yml's `environments.production` and `analyses`, through the real schema (defaults, durations). */
function parse(env: Record<string, unknown>): EnvironmentConfig {
  return environmentsSchema.parse({ production: { target: { command: "node server.js" }, ...env } })
    .production!;
}

const analyses = analysesSchema.parse({
  errors: { interval: "500ms" },
  latency: { judge: { type: "mann-whitney" } },
  unused: {},
});

const stable = { version: "v1", run: { command: "node old.js", env: {} } };

describe("buildDeploymentSpec: sluice.yml → rollout spec and how versions run", () => {
  it("canary: steps, background analysis, scale-down delay and safety settings", () => {
    const config = parse({
      target: { command: "node server.js --v {{version}}", instances: 4, env: { TAG: "{{version}}-x" } },
      strategy: {
        type: "canary",
        steps: [
          { setWeight: 10 },
          { pause: "30s" },
          { analysis: "errors" },
          { approval: { name: "qa", timeout: "1h" } },
          { setHeaderRoute: { name: "beta", match: { header: "x-beta", value: "1" } } },
          { pause: {} },
        ],
        backgroundAnalysis: { name: "latency", startingStep: 1 },
        scaleDownDelay: "10s",
      },
      rollback: { healthFailures: 5, crashLoop: { restarts: 2, window: "1m" }, onResume: "rollback" },
      healthCheck: { check: { type: "http", path: "/health", timeout: "2s" }, interval: "1s" },
      approvals: ["security"],
    });
    const spec = buildDeploymentSpec({
      environment: "production",
      config,
      analyses,
      version: "v2",
      stable,
      env: { ERROR_RATE: "0.3" },
    });
    expect(spec.rollout).toEqual({
      strategy: "canary",
      stable: "v1",
      canary: "v2",
      instances: 4,
      steps: [
        { type: "setWeight", weight: 10 },
        { type: "pause", durationMs: 30_000 },
        { type: "analysis", analysis: "errors" },
        { type: "approval", name: "qa", timeoutMs: 3_600_000 },
        { type: "setHeaderRoute", name: "beta", match: { header: "x-beta", value: "1" } },
        { type: "pause" },
      ],
      backgroundAnalysis: { analysis: "latency", startingStep: 1 },
      scaleDownDelayMs: 10_000,
      healthFailureThreshold: 5,
      crashLoopRestarts: 2,
      crashLoopWindowMs: 60_000,
      onResume: "rollback",
    });
    expect(spec.run).toEqual({
      command: "node server.js --v v2",
      env: { TAG: "v2-x", ERROR_RATE: "0.3" },
      readyTimeoutMs: 60_000,
    });
    expect(spec.stableRun).toEqual(stable.run);
    // Only the analyses the strategy names are stored, as configured now.
    expect(Object.keys(spec.analyses).sort()).toEqual(["errors", "latency"]);
    expect(spec.analyses.errors).toBe(analyses.errors);
    expect(spec.healthCheck).toEqual({
      check: { type: "http", path: "/health", timeoutMs: 2000 },
      intervalMs: 1000,
    });
    expect(spec.approvals).toEqual(["security"]);
    expect(spec.smokeTests).toEqual({});
    expect(spec.rollbackOf).toBeNull();
  });

  it("blue-green: smoke test under its strategy name, preview route, analyses, promotion", () => {
    const config = parse({
      strategy: {
        type: "blueGreen",
        previewInstances: 1,
        previewRoute: { header: "x-preview", value: "yes" },
        smokeTest: { run: "npm run smoke", timeout: "1m" },
        prePromotionAnalysis: "errors",
        postPromotionAnalysis: "latency",
        autoPromotion: false,
        scaleDownDelay: "5s",
      },
    });
    const spec = buildDeploymentSpec({
      environment: "production",
      config,
      analyses,
      version: "v2",
      stable: null,
    });
    expect(spec.rollout).toEqual({
      strategy: "blueGreen",
      stable: null,
      green: "v2",
      instances: 2,
      previewInstances: 1,
      previewRoute: { match: { header: "x-preview", value: "yes" } },
      smokeTest: SMOKE_TEST_NAME,
      smokeTestTimeoutMs: 60_000,
      prePromotionAnalysis: "errors",
      postPromotionAnalysis: "latency",
      autoPromotion: false,
      scaleDownDelayMs: 5000,
    });
    expect(spec.smokeTests).toEqual({ [SMOKE_TEST_NAME]: { run: "npm run smoke", timeoutMs: 60_000 } });
    expect(spec.stableRun).toBeNull();
    expect(referencedAnalyses(spec.rollout).sort()).toEqual(["errors", "latency"]);
  });

  it("rolling: surge and unavailability as given; no analyses", () => {
    const config = parse({ strategy: { type: "rolling", maxSurge: "25%", maxUnavailable: 0 } });
    const spec = buildDeploymentSpec({ environment: "production", config, analyses, version: "v2", stable });
    expect(spec.rollout).toEqual({
      strategy: "rolling",
      stable: "v1",
      next: "v2",
      instances: 2,
      maxSurge: "25%",
      maxUnavailable: 0,
    });
    expect(spec.analyses).toEqual({});
  });

  it("a rollback redeploys blue-green with an immediate switch: no steps, approvals or smoke test", () => {
    const config = parse({
      strategy: { type: "blueGreen", smokeTest: "false", prePromotionAnalysis: "errors" },
      approvals: ["qa"],
    });
    const spec = buildDeploymentSpec({
      environment: "production",
      config,
      analyses,
      version: "v1",
      stable: { version: "v2", run: { command: "x" } },
      rollbackOf: "dep-1",
    });
    expect(spec.rollout).toMatchObject({
      strategy: "blueGreen",
      stable: "v2",
      green: "v1",
      autoPromotion: true,
      scaleDownDelayMs: 0,
    });
    expect(spec.rollout).not.toHaveProperty("smokeTest");
    expect(spec.approvals).toEqual([]);
    expect(spec.smokeTests).toEqual({});
    expect(spec.analyses).toEqual({});
    expect(spec.rollbackOf).toBe("dep-1");
  });

  it("an argv command and cwd get the version too; readiness is a health check spec", () => {
    const config = parse({
      target: {
        command: ["node", "dist/{{version}}/main.js"],
        cwd: "releases/{{version}}",
        readiness: { type: "tcp", timeout: "1s" },
        readyTimeout: "20s",
      },
    });
    expect(versionRun(config, "1.2.3", {})).toEqual({
      command: ["node", "dist/1.2.3/main.js"],
      cwd: "releases/1.2.3",
      env: {},
      readiness: { type: "tcp", timeoutMs: 1000 },
      readyTimeoutMs: 20_000,
    });
  });
});
