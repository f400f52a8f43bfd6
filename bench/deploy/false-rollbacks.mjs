// False rollbacks through the real system: healthy canaries (the same backend, the same 0.5 % errors
// and latency distribution as stable) at a 50 % weight under the default background analysis for
// `pauseSeconds` each, then promoted. `parallel` environments (own agent, router, store and 40 req/s
// load each) run them side by side so that `canaries` of them fit in a few minutes; a canary that
// was rolled back is a false rollback. The issue's "≤ 1 of 100" is checked by the seeded simulation
// (the same judge, 100 canaries of 120 s, as bench/analysis), reported beside it as `simulation`.
import { BenchEnvironment, firstDeployment, log, median, sleep, startLoad } from "./harness.mjs";
import { ANALYSES, environment, watchedCanary } from "./service.mjs";

const RATE = 40;

export async function runFalseRollbacks(lib, { canaries, parallel, pauseSeconds, seed }) {
  const n = Math.max(1, Math.min(parallel, canaries));
  const envs = Array.from(
    { length: n },
    (_, i) =>
      new BenchEnvironment(lib, {
        name: `healthy${i + 1}`,
        environment: environment({
          seed: seed * 100 + i,
          strategy: watchedCanary("canary", `${pauseSeconds}s`),
        }),
        analyses: ANALYSES,
      }),
  );
  const loads = [];
  const started = Date.now();
  try {
    await Promise.all(envs.map((e) => e.start()));
    await Promise.all(envs.map(firstDeployment));
    for (const e of envs) {
      loads.push((e.load = await startLoad({ url: e.url, rate: RATE })));
      await e.load.phase("healthy");
    }
    await sleep(5000); // a little stable history before the first canary
    let next = 0;
    const results = [];
    await Promise.all(
      envs.map(async (env) => {
        for (let k = next++; k < canaries; k = next++) {
          const version = `healthy${k + 1}`;
          const t0 = Date.now();
          const record = await env.deploy({ version });
          const { record: end } = await env.waitDone(record.id, (pauseSeconds + 60) * 1000);
          const looks = env.metricReads.filter(
            (r) => r.at >= t0 && r.version === version && r.source === "analysis",
          ).length;
          // Two metrics per look; a judge sure of a pass stops looking before the pause ends.
          const passed = env.linesSince(t0, /^analysis .*: pass/).length > 0;
          results.push({ version, status: end.status, reason: end.reason, looks: looks / 2, passed });
          log(
            `healthy canary ${k + 1}/${canaries} (${env.name}): ${end.status}${end.status === "completed" ? "" : ` — ${end.reason}`}`,
          );
        }
      }),
    );
    const rolledBack = results.filter((r) => r.status !== "completed");
    return {
      healthyCanaries: results.length,
      rolledBack: rolledBack.length,
      reasons: rolledBack.map((r) => r.reason),
      medianLooks: median(results.map((r) => r.looks)),
      passedEarly: results.filter((r) => r.passed).length,
      secondsPerCanary: pauseSeconds,
      environmentsInParallel: n,
      wallSeconds: Math.round((Date.now() - started) / 1000),
      simulation: simulate(lib),
      target: "<= 1 of 100",
    };
  } finally {
    for (const l of loads) await l.stop().catch(() => l.kill());
    await Promise.all(envs.map((e) => e.close().catch((err) => log(String(err)))));
  }
}

/** bench/analysis's false-rollback simulation (seed 1): 100 healthy canaries of 120 s at 20 req/s. */
function simulate(lib) {
  if (typeof lib.simulateCanary !== "function") return null;
  const spec = lib.sequentialJudge.parseSpec({});
  const healthy = { errorRate: 0.005, medianMs: 100, sigma: 0.5 };
  const rng = lib.createPrng(1);
  let failed = 0;
  for (let i = 0; i < 100; i++) {
    const r = lib.simulateCanary({
      rng,
      judge: lib.sequentialJudge,
      spec,
      baseline: healthy,
      canary: healthy,
      requestsPerSecond: 20,
      seconds: 120,
      priorSeconds: 300,
      lookbackSeconds: 300,
      stopOnPass: false,
    });
    if (r.decision === "fail") failed++;
  }
  return { healthyCanaries: 100, rolledBack: failed, secondsPerCanary: 120, source: "bench/analysis" };
}
