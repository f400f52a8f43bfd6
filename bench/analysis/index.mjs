// Canary analysis by simulation (the end-to-end timing through a live router comes later): seeded
// healthy and faulty canaries serve 20 requests/s per version, the sequential judge (α = 0.01) looks
// every simulated second, and we count false rollbacks and the seconds to detect a regression:
//   { "analysis": { "falseRollbacks": { "healthyCanaries": 100, "rolledBack", "target": "<= 1" },
//                   "detection": { "errorRate5pctSeconds", "latency200msSeconds", "target": 10, … } } }
// Detection figures are medians over SLUICE_BENCH_RUNS canaries (default 100). The baseline is the
// stable version with 5 minutes of history in its window and 5 more as the judge's prior, as a
// controller reading the router's counters would give it; the "…WithoutHistory" figures compare with
// the concurrent baseline alone. Healthy: 0.5 % errors, log-normal latency (median 100 ms, σ 0.5,
// p95 ≈ 227 ms); faulty: 5 % errors, or every latency scaled so p95 is 200 ms higher.
//
// Uses dist/index.js (npm run bench builds it) when it exports simulateCanary; otherwise bundles
// src/analysis/index.ts with esbuild on the spot (said on stderr).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const RUNS = Math.max(10, Number(process.env.SLUICE_BENCH_RUNS) || 100);
const SECONDS = 120;
const RATE = 20;

function log(msg) {
  process.stderr.write(`  analysis: ${msg}\n`);
}

async function analysisModule(dir) {
  const dist = path.join(root, "dist", "index.js");
  try {
    const lib = await import(pathToFileURL(dist).href);
    if (lib.simulateCanary && lib.sequentialJudge) return lib;
  } catch {
    // dist/ not built: fall through to bundling the source.
  }
  log("dist/index.js does not export simulateCanary; bundling src/analysis/index.ts with esbuild");
  const { build } = await import("esbuild");
  const outfile = path.join(dir, "sluice-analysis.mjs");
  await build({
    absWorkingDir: root,
    entryPoints: ["src/analysis/index.ts"],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });
  return import(pathToFileURL(outfile).href);
}

const work = mkdtempSync(path.join(os.tmpdir(), "sluice-bench-analysis-"));
try {
  const { sequentialJudge, simulateCanary, medianSecond, createPrng } = await analysisModule(work);
  const spec = sequentialJudge.parseSpec({});
  const healthy = { errorRate: 0.005, medianMs: 100, sigma: 0.5 };
  const p95 = 100 * Math.exp(1.6448536269514722 * 0.5);
  const slower = { ...healthy, medianMs: 100 * ((p95 + 200) / p95) };
  const failing = { ...healthy, errorRate: 0.05 };
  const history = { priorSeconds: 300, lookbackSeconds: 300 };

  const simulate = (seed, runs, canary, extra = {}) => {
    const rng = createPrng(seed);
    const results = [];
    for (let i = 0; i < runs; i++) {
      results.push(
        simulateCanary({
          rng,
          judge: sequentialJudge,
          spec,
          baseline: healthy,
          canary,
          requestsPerSecond: RATE,
          seconds: SECONDS,
          ...extra,
        }),
      );
    }
    return results;
  };
  const failed = (rs) => rs.filter((r) => r.decision === "fail").length;

  const started = performance.now();
  log(`100 healthy canaries, ${SECONDS} s each`);
  const healthyRuns = simulate(1, 100, healthy, { ...history, stopOnPass: false });
  log(`${RUNS} canaries with 5 % errors, ${RUNS} with +200 ms p95`);
  const errorRuns = simulate(2, RUNS, failing, history);
  const latencyRuns = simulate(3, RUNS, slower, history);
  const errorBare = simulate(4, RUNS, failing);
  const latencyBare = simulate(5, RUNS, slower);

  const figures = {
    analysis: {
      falseRollbacks: { healthyCanaries: 100, rolledBack: failed(healthyRuns), target: "<= 1" },
      detection: {
        errorRate5pctSeconds: medianSecond(errorRuns),
        latency200msSeconds: medianSecond(latencyRuns),
        target: 10,
        errorRate5pctSecondsWithoutHistory: medianSecond(errorBare),
        latency200msSecondsWithoutHistory: medianSecond(latencyBare),
        detected: `${failed(errorRuns) + failed(latencyRuns)}/${2 * RUNS}`,
        canariesPerScenario: RUNS,
        requestsPerSecondPerVersion: RATE,
        alpha: spec.alpha,
      },
      simulationMs: Math.round(performance.now() - started),
    },
  };
  process.stdout.write(JSON.stringify(figures) + "\n");
} finally {
  rmSync(work, { recursive: true, force: true });
}
