// Engine overhead: how much slower is `sluice run` than spawning the same processes from bare Node?
//
// Workloads (generated into temp git repos):
//   independent<N>: N jobs with no `needs`, one `run: "true"` step each, at --concurrency = cores;
//   chain<N>:       N jobs, each needing the previous one (parallelism 1).
// Floor: N × `bash -c true` spawned from this Node process with child_process.spawn, output piped as
// sluice pipes it, at the same parallelism (cores for independent, 1 for the chain). Sluice runs each
// step as `bash -e <script file>`, so both sides start the same shell once per step.
// Sluice is driven as a user drives it: `node bin/sluice.js run --json` in the repo, timed from spawn
// to exit, so its wall time includes Node startup, loading the bundle, git, and opening the store.
// `fixedMs` (a 1-job workflow) shows that per-invocation cost; the rest is per-job overhead.
// Every figure is the median of SLUICE_BENCH_REPEATS runs (default 3); sluice and floor runs are
// interleaved (alternating which goes first) so machine noise hits both.
//
// Env: SLUICE_BENCH_JOBS (300), SLUICE_BENCH_REPEATS (3), SLUICE_BENCH_CONCURRENCY (cores),
//      SLUICE_BENCH_KEEP=1 keeps the temp repos.
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const sluiceBin = path.join(root, "bin", "sluice.js");
const libraryEntry = path.join(root, "dist", "index.js");
const rssHook = fileURLToPath(new URL("./max-rss.mjs", import.meta.url));
const libraryRunner = fileURLToPath(new URL("./library-run.mjs", import.meta.url));

const JOBS = intEnv("SLUICE_BENCH_JOBS", 300);
const REPEATS = intEnv("SLUICE_BENCH_REPEATS", 3);
const CONCURRENCY = intEnv("SLUICE_BENCH_CONCURRENCY", os.availableParallelism());
const TARGET = 1.5;
const GOAL = 1.1;
const GNU_TIME = "/usr/bin/time";
const haveGnuTime = existsSync(GNU_TIME) && probeGnuTime();

function intEnv(name, fallback) {
  const v = Number(process.env[name]);
  return Number.isInteger(v) && v > 0 ? v : fallback;
}

function log(msg) {
  process.stderr.write(`  engine: ${msg}\n`);
}

// ---- workloads ---------------------------------------------------------------------------------

function workflowYaml(jobs, chained) {
  let s = "name: bench\non: push\njobs:\n";
  for (let i = 0; i < jobs; i++) {
    s += `  j${i}:\n    runs-on: ubuntu-latest\n`;
    if (chained && i > 0) s += `    needs: j${i - 1}\n`;
    s += `    steps:\n      - run: "true"\n`;
  }
  return s;
}

function makeRepo(dir, yaml) {
  mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
  writeFileSync(path.join(dir, ".github", "workflows", "bench.yml"), yaml);
  const git = (...args) => execFileSync("git", args, { cwd: dir, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-m", "bench");
  return dir;
}

// ---- measurements ------------------------------------------------------------------------------

/** One `sluice run --json`, from a fresh state dir; returns wall ms and the process's peak RSS. */
async function timeSluice(repo, expectedJobs) {
  rmSync(path.join(repo, ".sluice"), { recursive: true, force: true });
  const rssFile = path.join(repo, "..", `${path.basename(repo)}.rss`);
  rmSync(rssFile, { force: true });
  const sluiceArgs = [sluiceBin, "run", "--json", "--concurrency", String(CONCURRENCY)];
  const [cmd, args] = haveGnuTime
    ? [GNU_TIME, ["-f", "%M", "-o", rssFile, process.execPath, ...sluiceArgs]]
    : [process.execPath, ["--import", pathToFileURL(rssHook).href, ...sluiceArgs]];
  const env = { ...process.env, SLUICE_BENCH_RSS_FILE: rssFile, NO_COLOR: "1" };
  const t0 = performance.now();
  const { code, stdout, stderr } = await run(cmd, args, { cwd: repo, env });
  const ms = performance.now() - t0;
  let result;
  try {
    result = JSON.parse(stdout);
  } catch {
    result = null;
  }
  if (code !== 0 || result?.conclusion !== "success" || result.jobs?.length !== expectedJobs) {
    throw new Error(
      `sluice run in ${repo} failed (exit ${code}, conclusion ${result?.conclusion}, ` +
        `${result?.jobs?.length} jobs of ${expectedJobs}):\n${stderr.slice(-2000)}`,
    );
  }
  const kb = Number(readFileSync(rssFile, "utf8").trim().split("\n").pop());
  return { ms, rssMb: kb / 1024 };
}

/** The floor: `count` × `bash -c true` with `parallelism` running at once. */
async function timeFloor(count, parallelism) {
  let next = 0;
  const worker = async () => {
    while (next < count) {
      next++;
      const { code } = await run("bash", ["-c", "true"], {});
      if (code !== 0) throw new Error(`bash -c true exited ${code}`);
    }
  };
  const t0 = performance.now();
  await Promise.all(Array.from({ length: parallelism }, worker));
  return performance.now() - t0;
}

/** runRepository() in a fresh process, timed around the call only (no startup, no bundle load). */
async function timeLibrary(repo) {
  rmSync(path.join(repo, ".sluice"), { recursive: true, force: true });
  const { code, stdout, stderr } = await run(process.execPath, [libraryRunner, libraryEntry, String(CONCURRENCY)], {
    cwd: repo,
  });
  if (code !== 0) throw new Error(`library run failed (exit ${code}):\n${stderr.slice(-2000)}`);
  return JSON.parse(stdout).ms;
}

function run(cmd, args, opts) {
  return new Promise((resolve) => {
    const child = spawn(cmd, args, { ...opts, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s) => (stderr += s));
    child.on("error", (err) => resolve({ code: -1, stdout, stderr: String(err) }));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

function probeGnuTime() {
  try {
    execFileSync(GNU_TIME, ["-f", "%M", "-o", "/dev/null", "true"], { stdio: "ignore" });
    return true;
  } catch {
    return false;
  }
}

async function libraryAvailable() {
  if (!existsSync(libraryEntry)) return false;
  const lib = await import(pathToFileURL(libraryEntry).href).catch(() => ({}));
  return typeof lib.runRepository === "function";
}

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

const round = (x, d = 1) => (x === null ? null : Math.round(x * 10 ** d) / 10 ** d);

// ---- main --------------------------------------------------------------------------------------

async function main() {
  if (!existsSync(path.join(root, "dist", "cli.js"))) throw new Error("dist/cli.js is missing: run `npm run build`");
  const tmp = mkdtempSync(path.join(os.tmpdir(), "sluice-bench-"));
  const withLibrary = await libraryAvailable();
  try {
    const workloads = [
      { key: `independent${JOBS}`, repo: makeRepo(path.join(tmp, "independent"), workflowYaml(JOBS, false)), floorPar: CONCURRENCY },
      { key: `chain${JOBS}`, repo: makeRepo(path.join(tmp, "chain"), workflowYaml(JOBS, true)), floorPar: 1 },
    ];
    const single = makeRepo(path.join(tmp, "single"), workflowYaml(1, false));

    log(`warm-up (node ${process.version}, ${os.availableParallelism()} cores, concurrency ${CONCURRENCY})`);
    await timeSluice(single, 1);
    await timeFloor(Math.min(JOBS, 50), CONCURRENCY);

    const fixed = { ms: [], rss: [] };
    for (const w of workloads) Object.assign(w, { sluice: [], rss: [], floor: [], library: [] });
    for (let rep = 0; rep < REPEATS; rep++) {
      const f = await timeSluice(single, 1);
      fixed.ms.push(f.ms);
      fixed.rss.push(f.rssMb);
      for (const w of workloads) {
        const sluiceFirst = rep % 2 === 0;
        if (!sluiceFirst) w.floor.push(await timeFloor(JOBS, w.floorPar));
        const s = await timeSluice(w.repo, JOBS);
        w.sluice.push(s.ms);
        w.rss.push(s.rssMb);
        if (sluiceFirst) w.floor.push(await timeFloor(JOBS, w.floorPar));
        if (withLibrary) w.library.push(await timeLibrary(w.repo));
        log(`${w.key} #${rep + 1}: sluice ${w.sluice.at(-1).toFixed(0)} ms, floor ${w.floor.at(-1).toFixed(0)} ms`);
      }
    }

    const engine = {};
    for (const w of workloads) {
      const sluiceMs = median(w.sluice);
      const floorMs = median(w.floor);
      const libraryMs = withLibrary ? median(w.library) : null;
      engine[w.key] = {
        sluiceMs: round(sluiceMs),
        floorMs: round(floorMs),
        overheadRatio: round(sluiceMs / floorMs, 2),
        peakRssMb: round(median(w.rss)),
        // Without the per-invocation cost (Node startup, bundle, git, store): the per-job overhead.
        perJobOverheadMs: round((sluiceMs - median(fixed.ms) - floorMs) / JOBS, 2),
        libraryMs: round(libraryMs),
        libraryRatio: libraryMs === null ? null : round(libraryMs / floorMs, 2),
        sluiceSamplesMs: w.sluice.map((x) => round(x)),
        floorSamplesMs: w.floor.map((x) => round(x)),
      };
    }
    engine.fixed = { sluiceMs: round(median(fixed.ms)), peakRssMb: round(median(fixed.rss)), jobs: 1 };
    engine.target = TARGET;
    engine.goal = GOAL;
    engine.config = {
      jobs: JOBS,
      repeats: REPEATS,
      concurrency: CONCURRENCY,
      cores: os.availableParallelism(),
      node: process.version,
      rss: haveGnuTime ? "/usr/bin/time %M" : "process.resourceUsage().maxRSS",
      loadAverage: os.loadavg().map((x) => round(x, 2)),
    };
    process.stdout.write(JSON.stringify({ engine }, null, 2) + "\n");
  } finally {
    if (process.env.SLUICE_BENCH_KEEP === "1") log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
