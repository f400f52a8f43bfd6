// Zero downtime: `rate` requests/s (open loop, keep-alive, 32 sockets, a load generator in its own
// process) through the router while the agent runs, one after the other: (a) a blue-green switch,
// (b) a full canary progression 10 → 50 → 100, (c) a canary at 50 % rolled back by `sluice rollback`
// (the `rollback` command). Every request counts: a status other than 2xx, a socket error or no
// answer within 10 s is a failure. Each phase lasts from recording the deployment until 1.5 s after
// it ended, so the old version's drain and stop are inside it. The backend answers in ≈ 5 ms
// (log-normal), without errors.
import { spawnSync } from "node:child_process";
import { BenchEnvironment, firstDeployment, log, round, sleep, startLoad } from "./harness.mjs";
import { environment } from "./service.mjs";

const FAST = { ERROR_RATE: "0", LATENCY_MEDIAN_MS: "5", LATENCY_SIGMA: "0.5" };
const AFTER_MS = 1500;

export async function runZeroDowntime(lib, { router, rate, seed }) {
  if (router === "haproxy" && !haproxyInstalled()) return { skipped: "haproxy is not installed" };
  const env = new BenchEnvironment(lib, {
    name: `zd-${router}`,
    environment: environment({
      router,
      backendEnv: FAST,
      seed,
      strategy: {
        type: "canary",
        steps: [{ setWeight: 10 }, { pause: "3s" }, { setWeight: 50 }, { pause: "3s" }],
        scaleDownDelay: "2s",
      },
    }),
    strategies: {
      blueGreen: { type: "blueGreen", scaleDownDelay: "2s" },
      held: { type: "canary", steps: [{ setWeight: 50 }, { pause: "5m" }], scaleDownDelay: "2s" },
    },
  });
  let load = null;
  try {
    try {
      await env.start();
    } catch (err) {
      return { skipped: `the ${router} router did not start: ${err instanceof Error ? err.message : err}` };
    }
    await firstDeployment(env);
    load = await startLoad({ url: env.url, rate, connections: 32 });
    await load.phase("warmup");
    await sleep(2000);
    const outcomes = {};
    outcomes.blueGreen = await phase(env, load, "blueGreen", { version: "v2", strategy: "blueGreen" });
    outcomes.canary = await phase(env, load, "canary", { version: "v3" });
    outcomes.rollback = await phase(
      env,
      load,
      "rollback",
      { version: "v4", strategy: "held" },
      async (id) => {
        await env.waitWeights((w) => w.v4 === 50);
        await sleep(3000);
        await env.command(id, "rollback");
      },
    );
    await load.phase("end");
    const stats = (await load.stop()).phases;
    load = null;
    const figures = {};
    let sent = 0;
    let failed = 0;
    for (const [name, outcome] of Object.entries(outcomes)) {
      const p = stats[name];
      const seconds = (p.endedAt - p.startedAt) / 1000;
      sent += p.sent;
      failed += p.failed;
      figures[name] = {
        outcome: outcome.status,
        sent: p.sent,
        failed: p.failed,
        ...(p.failed > 0 ? { failures: p.reasons } : {}),
        requestsPerSecond: Math.round(p.sent / seconds),
        seconds: round(seconds, 1),
        p99Ms: p.p99Ms,
        // Who answered: with weights applied to every connection, the split follows `weights`.
        byVersion: Object.fromEntries(Object.entries(p.versions).map(([v, x]) => [v, x.requests])),
        weights: outcome.weights,
      };
      log(
        `zero downtime ${router} ${name}: ${outcome.status}, ${p.failed}/${p.sent} failed, ${Math.round(p.sent / seconds)} req/s`,
      );
    }
    return { sent, failed, ...figures, targetFailed: 0, rate };
  } finally {
    if (load) await load.stop().catch(() => load.kill());
    await env.close().catch((err) => log(String(err)));
  }
}

async function phase(env, load, name, deployment, during) {
  await load.phase(name);
  const t0 = Date.now();
  const record = await env.deploy(deployment);
  if (during) await during(record.id);
  const { record: end } = await env.waitDone(record.id, 120_000);
  await sleep(AFTER_MS);
  const weights = env.weightChanges.filter((w) => w.at >= t0).map((w) => w.weights);
  return { status: end.status, weights };
}

function haproxyInstalled() {
  for (const bin of ["haproxy", "/usr/sbin/haproxy"]) {
    if (spawnSync(bin, ["-v"], { stdio: "ignore" }).status === 0) return true;
  }
  return false;
}
