// Detection through the real system: a stable version serves 40 requests/s (a load generator in its
// own process); a canary with 5 % errors (or +200 ms on every request) is deployed at a 50 % weight,
// so each version gets 20 requests/s, and watched by a background analysis (sequential judge, 1 s
// looks, the router's own counters). Timed from the canary's first request (as the load generator
// sent it) to the router's weights back at stable 100 with the rollout rolled back. Two environments
// run side by side, each with its own agent, router and load: `history` uses sluice.yml's default
// analysis (5 min of stable history in the baseline; the stable version serves alone for
// SLUICE_BENCH_DEPLOY_WARMUP seconds, default 60, before its first canary), `bare` compares with the
// stable's concurrent traffic only (baselineHistory 0) and starts at once.
import { BenchEnvironment, firstDeployment, log, median, round, sleep, startLoad } from "./harness.mjs";
import { ANALYSES, FAULTS, environment, watchedCanary } from "./service.mjs";

const RATE = 40;

export async function runDetection(lib, { runs, bareRuns, warmupMs, seed }) {
  const make = (name, analysis) =>
    new BenchEnvironment(lib, {
      name,
      environment: environment({ seed, strategy: watchedCanary(analysis, "60s") }),
      analyses: ANALYSES,
    });
  const envs = { history: make("history", "canary"), bare: make("bare", "bare") };
  const loads = [];
  try {
    await Promise.all(Object.values(envs).map((e) => e.start()));
    await Promise.all(Object.values(envs).map(firstDeployment));
    for (const e of Object.values(envs)) {
      loads.push((e.load = await startLoad({ url: e.url, rate: RATE })));
      await e.load.phase("warmup");
    }
    log(`detection: stable serving ${RATE} req/s; bare runs start, history runs after ${warmupMs / 1000} s`);
    const [bare, history] = await Promise.all([
      series(envs.bare, bareRuns, "bare"),
      sleep(warmupMs).then(() => series(envs.history, runs, "history")),
    ]);
    return {
      errors: summarise(history.errors, bare.errors),
      latency: summarise(history.latency, bare.latency),
      target: 10,
      requestsPerSecondPerVersion: RATE / 2,
      warmupSeconds: warmupMs / 1000,
      method:
        "canary at setWeight 50 under a background analysis (sequential judge, alpha 0.01, 1 s looks, router provider); seconds from the canary's first request to router weights {stable: 100} with the rollout rolledBack",
    };
  } finally {
    for (const l of loads) await l.stop().catch(() => l.kill());
    await Promise.all(Object.values(envs).map((e) => e.close().catch((err) => log(String(err)))));
  }
}

/** Alternates error and latency canaries, `runs` of each. */
async function series(env, runs, label) {
  const out = { errors: [], latency: [] };
  for (let i = 0; i < runs; i++) {
    for (const fault of ["errors", "latency"]) {
      const r = await detectOnce(env, `${fault}${i + 1}`, FAULTS[fault]);
      log(
        `detection ${label} ${fault} #${i + 1}: ${r.outcome}${r.seconds === null ? "" : ` in ${r.seconds} s`} (first look +${r.phases.firstLookSeconds} s, ${r.looks} looks, verdict→weights ${r.phases.verdictToWeightsMs} ms)`,
      );
      out[fault].push(r);
      await env.load.phase(`between-${fault}${i + 1}`);
      await sleep(1500); // the canary drains and stops; stable alone again
    }
  }
  return out;
}

async function detectOnce(env, version, canaryEnv) {
  await env.load.phase(version);
  const t0 = Date.now();
  const record = await env.deploy({ version, env: canaryEnv });
  const { record: end } = await env.waitDone(record.id, 120_000);
  const stats = (await env.load.stats()).phases[version];
  const canary = stats.versions[version];
  const firstRequest = canary?.firstSentAt ?? null;
  const changes = env.weightChanges.filter((w) => w.at >= t0);
  const toCanary = changes.find((w) => (w.weights[version] ?? 0) > 0);
  const back = changes.find((w) => w.weights.v1 === 100);
  const verdict = env.linesSince(t0, /^analysis .*: fail/)[0];
  const reads = env.metricReads
    .filter((r) => r.at >= t0 && r.version === version && r.source === "analysis")
    .map((r) => r.at);
  const looks = reads.filter((at, i) => i === 0 || at - reads[i - 1] > 200);
  const rolledBack = end.status === "rolledBack" && back !== undefined && firstRequest !== null;
  const s = (a, b) => (a == null || b == null ? null : round((b - a) / 1000));
  return {
    outcome: end.status,
    seconds: rolledBack ? s(firstRequest, back.done) : null,
    looks: looks.length,
    phases: {
      deployToWeightSeconds: s(t0, toCanary?.done),
      weightToFirstRequestMs: toCanary && firstRequest ? firstRequest - toCanary.done : null,
      firstLookSeconds: s(firstRequest, looks[0]),
      lastLookSeconds: s(firstRequest, looks.at(-1)),
      verdictSeconds: s(firstRequest, verdict?.at),
      verdictToWeightsMs: verdict && back ? back.done - verdict.at : null,
      weightChangeMs: back ? back.done - back.at : null,
      rolledBackRecordedSeconds: s(firstRequest, end.finishedAt ? Date.parse(end.finishedAt) : null),
      lastCanaryRequestSeconds: s(firstRequest, canary?.lastSentAt),
    },
    canaryRequests: canary?.requests ?? 0,
    canaryErrors: canary?.errors ?? 0,
    reason: end.reason,
  };
}

function summarise(history, bare) {
  const figure = (rs) => {
    const detected = rs.filter((r) => r.seconds !== null);
    const secs = detected.map((r) => r.seconds);
    const phase = (k) => round(median(rs.map((r) => r.phases[k])));
    return {
      medianSeconds: round(median(secs)),
      maxSeconds: secs.length ? Math.max(...secs) : null,
      detected: `${detected.length}/${rs.length}`,
      runsSeconds: rs.map((r) => r.seconds),
      // What the judge saw when it failed the canary: its counts against the baseline's.
      evidence: rs.map((r) => /regression: (.*?); e-value/.exec(r.reason ?? "")?.[1] ?? r.reason),
      medianPhases: {
        deployToWeightSeconds: phase("deployToWeightSeconds"),
        firstLookSeconds: phase("firstLookSeconds"),
        verdictSeconds: phase("verdictSeconds"),
        verdictToWeightsMs: phase("verdictToWeightsMs"),
        weightChangeMs: phase("weightChangeMs"),
        weightToFirstRequestMs: phase("weightToFirstRequestMs"),
        lastCanaryRequestSeconds: phase("lastCanaryRequestSeconds"),
      },
      medianLooks: median(rs.map((r) => r.looks)),
    };
  };
  return { ...figure(history), withoutHistory: figure(bare) };
}
