// What every progressive-delivery benchmark needs: the library, an environment run by a real
// EnvironmentAgent in this process (router, process target, rollout controller, analysis runner, a
// temporary SQLite store), deployments recorded as `sluice deploy` records them, and a load generator
// in a child process. The agent's router is wrapped (own properties over its methods) so every weight
// change and every metrics read is timestamped: that is how a detection time is split into phases.
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const root = path.resolve(here, "../..");
export const BACKEND = path.join(here, "backend.mjs");

export const log = (msg) => process.stderr.write(`  deploy: ${msg}\n`);
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const verbose = process.env.SLUICE_BENCH_VERBOSE === "1";

/** dist/ (npm run bench builds it), or SLUICE_BENCH_DIST: a `node scripts/build.mjs --outdir` build. */
export async function loadLibrary() {
  const dir = path.resolve(root, process.env.SLUICE_BENCH_DIST ?? "dist");
  const lib = await import(pathToFileURL(path.join(dir, "index.js")).href);
  for (const name of ["EnvironmentAgent", "startDeployment", "sluiceConfigSchema", "openStore"]) {
    if (typeof lib[name] === "undefined") throw new Error(`${dir}/index.js does not export ${name}: rebuild`);
  }
  return lib;
}

/**
 * One environment with its own agent and store. `environment` is the sluice.yml environment (its
 * strategy is the default one); `strategies` are alternative strategies by name for `deploy`.
 */
export class BenchEnvironment {
  weightChanges = [];
  metricReads = [];
  lines = [];

  constructor(lib, { name, environment, analyses = {}, strategies = {} }) {
    this.lib = lib;
    this.name = name;
    this.dir = mkdtempSync(path.join(os.tmpdir(), `sluice-bench-deploy-${name}-`));
    const parse = (strategy) =>
      lib.sluiceConfigSchema.parse({
        version: 1,
        environments: { [name]: strategy ? { ...environment, strategy } : environment },
        analyses,
      });
    this.config = parse(null);
    this.configs = Object.fromEntries(Object.entries(strategies).map(([k, s]) => [k, parse(s)]));
  }

  async start() {
    const { lib, name } = this;
    this.store = await lib.openStore({ path: path.join(this.dir, "sluice.db") });
    this.agent = new lib.EnvironmentAgent({
      repoRoot: this.dir,
      environment: name,
      config: this.config.environments[name],
      analyses: this.config.analyses,
      store: this.store,
      stateDir: path.join(this.dir, "deploy", name),
      log: (line) => {
        this.lines.push({ at: Date.now(), line });
        if (verbose) log(`[${name}] ${line}`);
      },
    });
    this.#spy(this.agent.router);
    const address = await this.agent.start();
    this.url = `http://${address.host}:${address.port}/`;
    this.abort = new AbortController();
    this.running = this.agent.run(this.abort.signal);
    return this.url;
  }

  #spy(router) {
    const setWeights = router.setWeights.bind(router);
    router.setWeights = async (weights) => {
      const at = Date.now();
      await setWeights(weights);
      this.weightChanges.push({ at, done: Date.now(), weights: { ...weights } });
    };
    const metrics = router.metrics.bind(router);
    router.metrics = async (version) => {
      // The status heartbeat reads every version each second too; only analysis looks count here.
      const live = new Error().stack?.includes("collectLive") ?? false;
      this.metricReads.push({ at: Date.now(), version, source: live ? "live" : "analysis" });
      return metrics(version);
    };
  }

  /** Records a deployment as `sluice deploy` does; the running agent picks it up on its next tick. */
  async deploy({ version, env, strategy }) {
    const config = strategy ? this.configs[strategy] : this.config;
    if (config === undefined) throw new Error(`no strategy "${strategy}"`);
    return this.lib.startDeployment({
      config,
      store: this.store,
      environment: this.name,
      version,
      ...(env ? { env } : {}),
      actor: "bench",
      ref: null,
      sha: null,
    });
  }

  command(deploymentId, type) {
    return this.store.enqueueDeployCommand({
      environment: this.name,
      deploymentId,
      command: { type },
      actor: "bench",
    });
  }

  /** Polls the store until the deployment ends; resolves with its record and when the end was seen. */
  async waitDone(id, timeoutMs = 120_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const record = await this.store.getDeployment(id);
      if (record.status !== "in_progress") return { record, seenAt: Date.now() };
      if (Date.now() > deadline)
        throw new Error(`${this.name}: deployment ${record.version} still ${record.phase}`);
      await sleep(25);
    }
  }

  /** Waits until `check(weights)` holds for the router's weights in force. */
  async waitWeights(check, timeoutMs = 60_000) {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const weights = await this.agent.router.getWeights();
      if (check(weights)) return { weights, at: Date.now() };
      if (Date.now() > deadline) throw new Error(`${this.name}: weights stayed ${JSON.stringify(weights)}`);
      await sleep(10);
    }
  }

  /** Log lines since `from` matching `pattern`. */
  linesSince(from, pattern) {
    return this.lines.filter((l) => l.at >= from && pattern.test(l.line));
  }

  async close() {
    try {
      this.abort?.abort();
      await this.running;
      await this.agent?.shutdown();
    } finally {
      await this.store?.close();
      if (process.env.SLUICE_BENCH_KEEP !== "1") rmSync(this.dir, { recursive: true, force: true });
    }
  }
}

/** Deploys v1 to an empty environment (straight to full size) and waits until it takes all traffic. */
export async function firstDeployment(env) {
  const record = await env.deploy({ version: "v1" });
  const { record: end } = await env.waitDone(record.id);
  if (end.status !== "completed")
    throw new Error(`${env.name}: first deployment ${end.status}: ${end.reason}`);
  await env.waitWeights((w) => w.v1 === 100);
}

/** Starts the load generator (bench/deploy/load.mjs) in a child process. */
export async function startLoad({ url, rate, connections = 8, timeoutMs = 10_000 }) {
  const child = fork(path.join(here, "load.mjs"), [JSON.stringify({ url, rate, connections, timeoutMs })], {
    stdio: ["ignore", "inherit", "inherit", "ipc"],
  });
  const waiting = [];
  child.on("message", (msg) => {
    const i = waiting.findIndex((w) => w.type === msg.type);
    if (i >= 0) waiting.splice(i, 1)[0].resolve(msg);
  });
  const exited = new Promise((resolve) => child.once("exit", resolve));
  const ask = (type, extra = {}) =>
    new Promise((resolve, reject) => {
      waiting.push({ type, resolve });
      child.send({ type, ...extra }, (err) => err && reject(err));
    });
  await new Promise((resolve) => waiting.push({ type: "ready", resolve }));
  return {
    phase: (name) => ask("phase", { name }),
    stats: async () => (await ask("stats")).stats,
    async stop() {
      const waitStopped = new Promise((resolve) => waiting.push({ type: "stopped", resolve }));
      child.send({ type: "stop" });
      const { stats } = await waitStopped;
      await exited;
      return stats;
    },
    kill: () => child.kill(),
  };
}

export const median = (xs) => {
  const s = xs.filter((x) => typeof x === "number").sort((a, b) => a - b);
  if (s.length === 0) return null;
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
};
export const round = (x, digits = 2) =>
  typeof x === "number" ? Math.round(x * 10 ** digits) / 10 ** digits : x;
