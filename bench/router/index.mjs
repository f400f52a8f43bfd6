// Router throughput: the same Node backend (scripts/services/node-backend.js, its own process) measured
// directly, through the builtin router, through nginx and through HAProxy, with wrk (50 connections,
// 2 threads, loopback, SLUICE_BENCH_ROUTER_SECONDS each, default 5), all in one run. nginx and HAProxy
// run with their defaults for this machine (a worker / thread per core) and upstream keep-alive, as a
// production config would; the builtin router runs as Sluice runs it: in this (otherwise idle) process.
// Each target gets a 1 s warm-up first. The target: builtin ≥ 0.5 × nginx.
// Prints { "router": { directRps, builtinRps, nginxRps, haproxyRps, builtinVsNginx, target, … } }.
//
// src/index.ts does not export the router, so src/deploy/router and scripts/services are bundled on
// the spot with esbuild.
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const SECONDS = Number(process.env.SLUICE_BENCH_ROUTER_SECONDS) || 5;
const CONNECTIONS = 50;
const TARGET = 0.5;

const log = (msg) => process.stderr.write(`  router: ${msg}\n`);

async function load(tmp) {
  const { build } = await import("esbuild");
  const outdir = path.join(tmp, "bundle");
  await build({
    absWorkingDir: root,
    entryPoints: { router: "src/deploy/router/index.ts", services: "scripts/services/index.ts" },
    outdir,
    outExtension: { ".js": ".mjs" },
    bundle: true,
    splitting: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });
  const router = await import(pathToFileURL(path.join(outdir, "router.mjs")).href);
  const services = await import(pathToFileURL(path.join(outdir, "services.mjs")).href);
  return { ...router, ...services };
}

/** Runs wrk against url and returns requests/s and what failed. */
function wrk(url, seconds) {
  return new Promise((resolve, reject) => {
    const args = ["-t2", `-c${CONNECTIONS}`, `-d${seconds}s`, "--latency", url];
    execFile("wrk", args, { timeout: (seconds + 30) * 1000 }, (err, stdout) => {
      if (err) return reject(err);
      const rps = Number(/Requests\/sec:\s+([\d.]+)/.exec(stdout)?.[1]);
      const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(stdout)?.[1] ?? 0);
      const socket = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(stdout);
      const socketErrors = socket ? socket.slice(1).reduce((a, b) => a + Number(b), 0) : 0;
      const p99 = /99%\s+([\d.]+)(us|ms|s)/.exec(stdout);
      const p99Ms = p99 ? Number(p99[1]) * { us: 0.001, ms: 1, s: 1000 }[p99[2]] : null;
      resolve({ rps, errors: non2xx + socketErrors, p99Ms });
    });
  });
}

async function measure(name, port) {
  const url = `http://127.0.0.1:${port}/`;
  await wrk(url, 1);
  const r = await wrk(url, SECONDS);
  log(`${name}: ${Math.round(r.rps)} req/s, p99 ${r.p99Ms} ms, ${r.errors} errors`);
  return r;
}

const round = (x) => (x === null ? null : Math.round(x));
const tmp = mkdtempSync(path.join(os.tmpdir(), "sluice-bench-router-"));
const stops = [];
try {
  const lib = await load(tmp);
  if (lib.ensureProgram("wrk") === null) throw new Error("wrk is missing (apt-get install -y wrk)");
  const script = path.join(root, "scripts", "services", "node-backend.js");
  const backend = await lib.spawnNodeBackend({ version: "v1", script });
  stops.push(() => backend.stop());
  const backends = [{ host: "127.0.0.1", port: backend.port }];

  const builtin = new lib.BuiltinRouter({});
  await builtin.setBackends("v1", backends);
  await builtin.setWeights({ v1: 100 });
  const { port: builtinPort } = await builtin.start();
  stops.push(() => builtin.stop());
  const nginx = await lib.startNginx({ backends });
  if (nginx) stops.push(() => nginx.stop());
  else log("nginx is missing; skipped");
  const haproxy = await lib.startHaproxy({ backends });
  if (haproxy) stops.push(() => haproxy.stop());
  else log("haproxy is missing; skipped");

  const direct = await measure("direct", backend.port);
  const viaBuiltin = await measure("builtin", builtinPort);
  const viaNginx = nginx ? await measure("nginx", nginx.port) : null;
  const viaHaproxy = haproxy ? await measure("haproxy", haproxy.port) : null;
  const metrics = await builtin.metrics("v1");

  const figures = {
    directRps: round(direct.rps),
    builtinRps: round(viaBuiltin.rps),
    nginxRps: round(viaNginx?.rps ?? null),
    haproxyRps: round(viaHaproxy?.rps ?? null),
    builtinVsNginx: viaNginx ? Math.round((viaBuiltin.rps / viaNginx.rps) * 100) / 100 : null,
    builtinVsHaproxy: viaHaproxy ? Math.round((viaBuiltin.rps / viaHaproxy.rps) * 100) / 100 : null,
    target: TARGET,
    p99Ms: {
      direct: direct.p99Ms,
      builtin: viaBuiltin.p99Ms,
      nginx: viaNginx?.p99Ms ?? null,
      haproxy: viaHaproxy?.p99Ms ?? null,
    },
    errors: {
      direct: direct.errors,
      builtin: viaBuiltin.errors,
      nginx: viaNginx?.errors ?? null,
      haproxy: viaHaproxy?.errors ?? null,
    },
    builtinCounted: metrics?.requests ?? 0,
    connections: CONNECTIONS,
    seconds: SECONDS,
    // The machine is shared: a high load average means these figures are depressed together.
    loadAverage: Math.round(os.loadavg()[0] * 100) / 100,
  };
  process.stdout.write(`${JSON.stringify({ router: figures })}\n`);
} finally {
  for (const stop of stops.reverse()) await stop().catch(() => {});
  rmSync(tmp, { recursive: true, force: true });
}
