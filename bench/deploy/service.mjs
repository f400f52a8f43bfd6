// The benchmark's service as sluice.yml describes it: bench/deploy/backend.mjs run by the process
// target, two instances per version, behind the router under test.
import { BACKEND } from "./harness.mjs";

/** Healthy stable: 0.5 % errors, log-normal latency (median 100 ms, σ 0.5, p95 ≈ 227 ms). */
export const HEALTHY = { ERROR_RATE: "0.005", LATENCY_MEDIAN_MS: "100", LATENCY_SIGMA: "0.5" };
/** The two regressions of issue 5, as extra environment for the canary's instances. */
export const FAULTS = {
  errors: { ERROR_RATE: "0.05" },
  latency: { EXTRA_LATENCY_MS: "200" },
};

export function environment({ router = "builtin", backendEnv = HEALTHY, seed = 1, strategy, drain = "1s" }) {
  return {
    target: {
      command: [process.execPath, BACKEND],
      env: { ...backendEnv, SEED: String(seed) },
      instances: 2,
      readyTimeout: "30s",
    },
    router: { type: router, port: 0 },
    strategy,
    rollback: { drain },
  };
}

/**
 * A canary at 50 % (each version gets half the traffic) watched by a background analysis from the
 * moment the weight is set, for `pause`; then promoted unless the analysis failed first.
 */
export function watchedCanary(analysis, pause) {
  return {
    type: "canary",
    steps: [{ setWeight: 50 }, { pause }],
    backgroundAnalysis: { name: analysis, startingStep: 1 },
    scaleDownDelay: "1s",
  };
}

/** Analyses: `canary` is sluice.yml's defaults (router provider, sequential judge, 1 s looks, 5 min of
 *  stable history); `bare` compares with the stable version's concurrent traffic only. */
export const ANALYSES = { canary: {}, bare: { baselineHistory: 0 } };
