// Progressive delivery through the real system (issue 5): an EnvironmentAgent in this process (its
// router, the process target running bench/deploy/backend.mjs, the rollout controller, the analysis
// runner, a temporary SQLite store), deployments recorded as `sluice deploy` records them, and an
// open-loop load generator (bench/deploy/load.mjs) in a child process. Prints
//   { "deploy": { "detection": { errors, latency, … }, "falseRollbacks": { … },
//                 "zeroDowntime": { "builtin": { … }, "haproxy": { … } } } }
// Parts: `node bench/deploy/index.mjs [detection] [false-rollbacks] [zero-downtime]` (default all).
// Uses dist/ (npm run bench builds it) or SLUICE_BENCH_DIST=<dir> (node scripts/build.mjs --outdir).
// Environment: SLUICE_BENCH_DEPLOY_RUNS (5 detections of each fault with history),
// SLUICE_BENCH_DEPLOY_BARE_RUNS (3, without history), SLUICE_BENCH_DEPLOY_WARMUP (60 s of stable
// traffic before the first canary with history), SLUICE_BENCH_DEPLOY_HEALTHY (100 healthy canaries),
// SLUICE_BENCH_DEPLOY_PARALLEL (10 environments running them), SLUICE_BENCH_DEPLOY_HEALTHY_PAUSE (10 s
// each), SLUICE_BENCH_DEPLOY_RPS (600 req/s for zero downtime), SLUICE_BENCH_DEPLOY_ROUTERS
// (builtin,haproxy), SLUICE_BENCH_SEED (1), SLUICE_BENCH_VERBOSE=1 (the agents' logs on stderr).
import os from "node:os";
import { performance } from "node:perf_hooks";
import { runDetection } from "./detection.mjs";
import { runFalseRollbacks } from "./false-rollbacks.mjs";
import { loadLibrary, log } from "./harness.mjs";
import { runZeroDowntime } from "./zero-downtime.mjs";

const PARTS = ["detection", "false-rollbacks", "zero-downtime"];
const asked = process.argv.slice(2);
for (const p of asked)
  if (!PARTS.includes(p)) throw new Error(`unknown part "${p}"; parts: ${PARTS.join(", ")}`);
const parts = asked.length > 0 ? asked : PARTS;
const num = (name, fallback) => {
  const v = Number(process.env[name]);
  return Number.isFinite(v) && process.env[name] !== "" && process.env[name] !== undefined ? v : fallback;
};
const seed = num("SLUICE_BENCH_SEED", 1);

const lib = await loadLibrary();
const figures = {};
const started = performance.now();
if (parts.includes("detection")) {
  figures.detection = await runDetection(lib, {
    runs: num("SLUICE_BENCH_DEPLOY_RUNS", 5),
    bareRuns: num("SLUICE_BENCH_DEPLOY_BARE_RUNS", 3),
    warmupMs: num("SLUICE_BENCH_DEPLOY_WARMUP", 60) * 1000,
    seed,
  });
}
if (parts.includes("false-rollbacks")) {
  figures.falseRollbacks = await runFalseRollbacks(lib, {
    // The 100 seeded healthy canaries, through the real system: ≈ 135 s on 2 cores.
    canaries: num("SLUICE_BENCH_DEPLOY_HEALTHY", 100),
    parallel: num("SLUICE_BENCH_DEPLOY_PARALLEL", 10),
    pauseSeconds: num("SLUICE_BENCH_DEPLOY_HEALTHY_PAUSE", 10),
    seed,
  });
}
if (parts.includes("zero-downtime")) {
  const routers = (process.env.SLUICE_BENCH_DEPLOY_ROUTERS || "builtin,haproxy").split(",");
  figures.zeroDowntime = {};
  for (const router of routers) {
    figures.zeroDowntime[router] = await runZeroDowntime(lib, {
      router,
      rate: num("SLUICE_BENCH_DEPLOY_RPS", 600),
      seed,
    });
  }
}
figures.seconds = Math.round((performance.now() - started) / 1000);
// The machine is shared: a high load average means every timing here is stretched.
figures.loadAverage = Math.round(os.loadavg()[0] * 100) / 100;
log(`done in ${figures.seconds} s`);
process.stdout.write(`${JSON.stringify({ deploy: figures })}\n`);
