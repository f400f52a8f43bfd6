/**
 * From `sluice.yml` to what a rollout runs on: the strategy spec (pure data the strategies decide on)
 * and how to run each version. Both are stored with the deployment, so a restarted agent — or a later
 * rollback to this version — runs exactly what was deployed, whatever `sluice.yml` says by then.
 */
import type { AnalysisConfig, EnvironmentConfig, HealthCheckConfig } from "../../config/deploy-schema";
import type { HealthCheckSpec } from "../health/types";
import type { CanaryStep, RolloutSpec, SafetySpec } from "../strategy/index";
import type { DeploySpec } from "../target/types";

/** How to run one version: the target's deploy spec without the instance count (the strategy sets it). */
export type VersionRun = Omit<DeploySpec, "instances">;

/** A smoke test: a shell command, or one job of a workflow run by `sluice run` (its result decides). */
export interface SmokeTestSpec {
  run?: string;
  workflow?: { path: string; job: string };
  timeoutMs?: number;
}

/** Everything stored in `DeploymentRecord.spec`. */
export interface DeploymentSpec {
  /** The strategy's spec: stable and candidate versions, instances, steps. */
  rollout: RolloutSpec;
  /** How to run the candidate. */
  run: VersionRun;
  /** How to run the stable version (from its own deployment), null on a first deployment. */
  stableRun: VersionRun | null;
  /** The analyses the strategy names, as configured when the deployment started. */
  analyses: Record<string, AnalysisConfig>;
  /** Health check run on the candidate's instances during the rollout, with its interval. */
  healthCheck: { check: HealthCheckSpec; intervalMs: number } | null;
  /** Approvals needed before the rollout starts moving traffic. */
  approvals: string[];
  /** Blue-green smoke test command (the strategy refers to it by this name). */
  smokeTests: Record<string, SmokeTestSpec>;
  /** Set for `sluice rollback` redeployments: a fast switch back rather than the configured strategy. */
  rollbackOf: string | null;
}

export interface DeploymentRequest {
  environment: string;
  config: EnvironmentConfig;
  analyses: Record<string, AnalysisConfig>;
  version: string;
  /** The version serving now and how it runs, or null. */
  stable: { version: string; run: VersionRun } | null;
  /** Extra environment for the candidate's instances (`sluice deploy --env K=V`). */
  env?: Record<string, string>;
  /** Rolling back: switch at once, no analysis. */
  rollbackOf?: string | null;
}

/** The smoke test's name in the blue-green spec (the strategy knows tests by name). */
export const SMOKE_TEST_NAME = "smoke";

export function buildDeploymentSpec(req: DeploymentRequest): DeploymentSpec {
  const { config } = req;
  const run = versionRun(config, req.version, req.env ?? {});
  const rollout = req.rollbackOf ? switchBackSpec(req) : strategySpec(req);
  const names = referencedAnalyses(rollout);
  const analyses = Object.fromEntries(names.map((n) => [n, req.analyses[n]!]));
  const smoke =
    config.strategy.type === "blueGreen" && !req.rollbackOf ? config.strategy.smokeTest : undefined;
  return {
    rollout,
    run,
    stableRun: req.stable?.run ?? null,
    analyses,
    healthCheck: config.healthCheck
      ? { check: healthCheckSpec(config.healthCheck.check), intervalMs: config.healthCheck.interval }
      : null,
    approvals: req.rollbackOf ? [] : [...config.approvals],
    smokeTests: smoke ? { [SMOKE_TEST_NAME]: smokeTestSpec(smoke) } : {},
    rollbackOf: req.rollbackOf ?? null,
  };
}

/**
 * `{{version}}` in the command, cwd, image and env values is the version being run. A kubernetes
 * target without a command runs the image's entrypoint (an empty command).
 */
export function versionRun(
  config: EnvironmentConfig,
  version: string,
  extraEnv: Record<string, string>,
): VersionRun {
  const fill = (text: string): string => text.replaceAll("{{version}}", version);
  const t = config.target;
  const env = Object.fromEntries(Object.entries({ ...t.env, ...extraEnv }).map(([k, v]) => [k, fill(v)]));
  const command = t.command ?? [];
  return {
    command: typeof command === "string" ? fill(command) : command.map(fill),
    ...(t.type === "process" && t.cwd !== undefined ? { cwd: fill(t.cwd) } : {}),
    ...(t.type === "kubernetes" ? { image: fill(t.image) } : {}),
    env,
    ...(t.readiness ? { readiness: healthCheckSpec(t.readiness) } : {}),
    readyTimeoutMs: t.readyTimeout,
  };
}

export function healthCheckSpec(check: HealthCheckConfig): HealthCheckSpec {
  const { timeout, ...rest } = check;
  return (timeout === undefined ? rest : { ...rest, timeoutMs: timeout }) as HealthCheckSpec;
}

function safetySpec(config: EnvironmentConfig): SafetySpec {
  const r = config.rollback;
  const safety: SafetySpec = {};
  if (r.healthFailures !== undefined) safety.healthFailureThreshold = r.healthFailures;
  if (r.crashLoop) {
    safety.crashLoopRestarts = r.crashLoop.restarts;
    safety.crashLoopWindowMs = r.crashLoop.window;
  }
  if (r.readyTimeout !== undefined) safety.readyTimeoutMs = r.readyTimeout;
  if (r.analysisTimeout !== undefined) safety.analysisTimeoutMs = r.analysisTimeout;
  if (r.drain !== undefined) safety.drainMs = r.drain;
  if (r.onResume !== undefined) safety.onResume = r.onResume;
  if (r.resources) {
    safety.resources = {
      ...(r.resources.memory === undefined ? {} : { memoryBytes: r.resources.memory }),
      ...(r.resources.cpu === undefined ? {} : { cpuCores: r.resources.cpu }),
      share: r.resources.above,
      forMs: r.resources.for,
    };
  }
  return safety;
}

function strategySpec(req: DeploymentRequest): RolloutSpec {
  const { config, version } = req;
  const stable = req.stable?.version ?? null;
  const instances = config.target.instances;
  const safety = safetySpec(config);
  const s = config.strategy;
  switch (s.type) {
    case "canary":
      return {
        ...safety,
        strategy: "canary",
        stable,
        canary: version,
        instances,
        steps: s.steps.map(canaryStep),
        ...(s.backgroundAnalysis
          ? {
              backgroundAnalysis: {
                analysis: s.backgroundAnalysis.name,
                ...(s.backgroundAnalysis.startingStep === undefined
                  ? {}
                  : { startingStep: s.backgroundAnalysis.startingStep }),
              },
            }
          : {}),
        ...(s.scaleDownDelay === undefined ? {} : { scaleDownDelayMs: s.scaleDownDelay }),
      };
    case "blueGreen":
      return {
        ...safety,
        strategy: "blueGreen",
        stable,
        green: version,
        instances,
        ...(s.previewInstances === undefined ? {} : { previewInstances: s.previewInstances }),
        ...(s.previewRoute ? { previewRoute: { match: s.previewRoute } } : {}),
        ...(s.smokeTest
          ? {
              smokeTest: SMOKE_TEST_NAME,
              ...(s.smokeTest.timeout ? { smokeTestTimeoutMs: s.smokeTest.timeout } : {}),
            }
          : {}),
        ...(s.prePromotionAnalysis ? { prePromotionAnalysis: s.prePromotionAnalysis } : {}),
        ...(s.postPromotionAnalysis ? { postPromotionAnalysis: s.postPromotionAnalysis } : {}),
        ...(s.healthyChecksBeforeSwitch === undefined
          ? {}
          : { healthyChecksBeforeSwitch: s.healthyChecksBeforeSwitch }),
        autoPromotion: s.autoPromotion,
        ...(s.autoPromotionDelay === undefined ? {} : { autoPromotionDelayMs: s.autoPromotionDelay }),
        ...(s.scaleDownDelay === undefined ? {} : { scaleDownDelayMs: s.scaleDownDelay }),
      };
    case "rolling":
      return {
        ...safety,
        strategy: "rolling",
        stable,
        next: version,
        instances,
        ...(s.maxSurge === undefined ? {} : { maxSurge: s.maxSurge }),
        ...(s.maxUnavailable === undefined ? {} : { maxUnavailable: s.maxUnavailable }),
      };
  }
}

/** A rollback redeploys the earlier version blue-green: start it, switch all traffic, no analysis. */
function switchBackSpec(req: DeploymentRequest): RolloutSpec {
  return {
    ...safetySpec(req.config),
    strategy: "blueGreen",
    stable: req.stable?.version ?? null,
    green: req.version,
    instances: req.config.target.instances,
    autoPromotion: true,
    scaleDownDelayMs: 0,
  };
}

function canaryStep(
  step: EnvironmentConfig["strategy"] extends infer S ? CanaryStepOf<S> : never,
): CanaryStep {
  if (step.setWeight !== undefined) return { type: "setWeight", weight: step.setWeight };
  if (step.pause !== undefined) {
    return step.pause.duration === undefined
      ? { type: "pause" }
      : { type: "pause", durationMs: step.pause.duration };
  }
  if (step.analysis !== undefined) {
    return {
      type: "analysis",
      analysis: step.analysis.name,
      ...(step.analysis.timeout === undefined ? {} : { timeoutMs: step.analysis.timeout }),
    };
  }
  if (step.approval !== undefined) {
    return {
      type: "approval",
      name: step.approval.name,
      ...(step.approval.timeout === undefined ? {} : { timeoutMs: step.approval.timeout }),
    };
  }
  return { type: "setHeaderRoute", name: step.setHeaderRoute!.name, match: step.setHeaderRoute!.match };
}

type CanaryStepOf<S> = S extends { type: "canary"; steps: (infer T)[] } ? T : never;

/** The analysis names a strategy spec refers to. */
export function referencedAnalyses(spec: RolloutSpec): string[] {
  const names = new Set<string>();
  if (spec.strategy === "canary") {
    for (const step of spec.steps) if (step.type === "analysis") names.add(step.analysis);
    if (spec.backgroundAnalysis) names.add(spec.backgroundAnalysis.analysis);
  } else if (spec.strategy === "blueGreen") {
    if (spec.prePromotionAnalysis) names.add(spec.prePromotionAnalysis);
    if (spec.postPromotionAnalysis) names.add(spec.postPromotionAnalysis);
  }
  return [...names];
}

function smokeTestSpec(t: {
  run?: string;
  workflow?: string;
  job?: string;
  timeout?: number;
}): SmokeTestSpec {
  return {
    ...(t.run !== undefined ? { run: t.run } : {}),
    ...(t.workflow !== undefined && t.job !== undefined
      ? { workflow: { path: t.workflow, job: t.job } }
      : {}),
    ...(t.timeout !== undefined ? { timeoutMs: t.timeout } : {}),
  };
}
