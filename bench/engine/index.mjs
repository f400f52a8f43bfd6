// Engine overhead: how much slower is `sluice run` than spawning the same processes from bare Node?
//
// Workloads (generated into temp git repos):
//   independent<N>: N jobs with no `needs`, one `run: "true"` step each, at --concurrency = cores;
//   chain<N>:       N jobs, each needing the previous one (parallelism 1).
// Floor (floor.mjs, its own small Node process): N × `bash -c true` via child_process.spawn, output
// piped as sluice pipes it, at the same parallelism (cores for independent, 1 for the chain), timed
// around the spawning alone. Sluice runs each step as `bash -e <script file>`: one shell per step on
// both sides.
// Sluice is driven as a user drives it: `node bin/sluice.js run --json` in the repo, timed from spawn
// to exit, so its wall time includes Node startup, loading the bundle, git, and opening the store.
// `fixed` (a 1-job workflow) is that per-invocation cost; `perJobOverheadMs` is the rest, per job.
// Every figure is the median of SLUICE_BENCH_REPEATS runs (default 3); sluice and floor runs are
// interleaved (alternating which goes first) so machine noise hits both. CPU figures (user + sys,
// children included, from GNU time) are steadier than wall time on a busy machine.
//
// Env: SLUICE_BENCH_JOBS (300), SLUICE_BENCH_REPEATS (3), SLUICE_BENCH_CONCURRENCY (cores),
//      SLUICE_BENCH_TMPDIR (os.tmpdir(); e.g. /dev/shm to take the disk out), SLUICE_BENCH_KEEP=1,
//      SLUICE_BENCH_DIST (a build made with `node scripts/build.mjs --outdir <dir>`: its cli.js and
//      index.js are measured instead of bin/sluice.js and dist/, which tests rebuild concurrently).
import { execFileSync, spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const distDir = process.env.SLUICE_BENCH_DIST ? path.resolve(process.env.SLUICE_BENCH_DIST) : null;
const sluiceBin = distDir ? path.join(distDir, "cli.js") : path.join(root, "bin", "sluice.js");
const libraryEntry = path.join(distDir ?? path.join(root, "dist"), "index.js");
const rssHook = fileURLToPath(new URL("./max-rss.mjs", import.meta.url));
const libraryRunner = fileURLToPath(new URL("./library-run.mjs", import.meta.url));
const floorScript = fileURLToPath(new URL("./floor.mjs", import.meta.url));
let tmpDir = os.tmpdir();

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

/**
 * Runs a command under GNU time (or, without it, with the peak-RSS hook for Node commands) and
 * returns its exit code, output, wall ms, peak RSS (MiB) and CPU ms (user + sys, children included;
 * null without GNU time).
 */
async function timed(nodeArgs, opts) {
  const statsFile = path.join(tmpDir, "stats.txt");
  rmSync(statsFile, { force: true });
  const [cmd, args] = haveGnuTime
    ? [GNU_TIME, ["-f", "%M %U %S", "-o", statsFile, process.execPath, ...nodeArgs]]
    : [process.execPath, ["--import", pathToFileURL(rssHook).href, ...nodeArgs]];
  const env = { ...process.env, SLUICE_BENCH_RSS_FILE: statsFile, NO_COLOR: "1" };
  const t0 = performance.now();
  const out = await run(cmd, args, { ...opts, env });
  const ms = performance.now() - t0;
  const stats = existsSync(statsFile)
    ? readFileSync(statsFile, "utf8").trim().split("\n").pop().split(" ")
    : [];
  const [kb, user, sys] = stats.map(Number);
  return { ...out, ms, rssMb: kb / 1024, cpuMs: haveGnuTime ? (user + sys) * 1000 : null };
}

/** One `sluice run --json`, from a fresh state dir. */
async function timeSluice(repo, expectedJobs) {
  rmSync(path.join(repo, ".sluice"), { recursive: true, force: true });
  const r = await timed([sluiceBin, "run", "--json", "--concurrency", String(CONCURRENCY)], { cwd: repo });
  let result;
  try {
    result = JSON.parse(r.stdout);
  } catch {
    result = null;
  }
  if (r.code !== 0 || result?.conclusion !== "success" || result.jobs?.length !== expectedJobs) {
    throw new Error(
      `sluice run in ${repo} failed (exit ${r.code}, conclusion ${result?.conclusion}, ` +
        `${result?.jobs?.length} jobs of ${expectedJobs}):\n${r.stderr.slice(-2000)}`,
    );
  }
  return r;
}

/**
 * The floor, in its own Node process: `ms` is timed inside it around the spawning alone (no Node
 * startup); `cpuMs` is the whole process's (its Node startup, ≈ 40 ms, included).
 */
async function timeFloor(count, parallelism) {
  const r = await timed([floorScript, String(count), String(parallelism)], {});
  if (r.code !== 0) throw new Error(`floor failed (exit ${r.code}):\n${r.stderr.slice(-2000)}`);
  return { ...r, ms: JSON.parse(r.stdout).ms };
}

/** `node -e 0`, spawn to exit: what any Node CLI pays before its first line runs. */
async function timeNodeStartup() {
  return (await timed(["-e", "0"], {})).ms;
}

/** runRepository() in a fresh process, timed around the call only (no startup, no bundle load). */
async function timeLibrary(repo) {
  rmSync(path.join(repo, ".sluice"), { recursive: true, force: true });
  const { code, stdout, stderr } = await run(
    process.execPath,
    [libraryRunner, libraryEntry, String(CONCURRENCY)],
    {
      cwd: repo,
    },
  );
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
  if (!existsSync(path.join(distDir ?? path.join(root, "dist"), "cli.js")))
    throw new Error(`${distDir ?? "dist"}/cli.js is missing: run \`npm run build\``);
  const tmp = mkdtempSync(path.join(process.env.SLUICE_BENCH_TMPDIR ?? os.tmpdir(), "sluice-bench-"));
  tmpDir = tmp;
  const withLibrary = await libraryAvailable();
  try {
    const workloads = [
      { key: `independent${JOBS}`, yaml: workflowYaml(JOBS, false), floorPar: CONCURRENCY },
      { key: `chain${JOBS}`, yaml: workflowYaml(JOBS, true), floorPar: 1 },
    ].map((w) => ({
      ...w,
      repo: makeRepo(path.join(tmp, w.key), w.yaml),
      sluice: [],
      floor: [],
      lib: [],
    }));
    const single = makeRepo(path.join(tmp, "single"), workflowYaml(1, false));

    log(`warm-up (node ${process.version}, ${os.availableParallelism()} cores, concurrency ${CONCURRENCY})`);
    await timeSluice(single, 1);
    await timeFloor(Math.min(JOBS, 50), CONCURRENCY);

    const fixed = [];
    const fixedLibrary = [];
    const nodeStartup = [];
    for (let rep = 0; rep < REPEATS; rep++) {
      nodeStartup.push(await timeNodeStartup());
      fixed.push(await timeSluice(single, 1));
      if (withLibrary) fixedLibrary.push(await timeLibrary(single));
      for (const w of workloads) {
        // Alternate which side goes first so a burst of load elsewhere does not always hit one side.
        const sluiceFirst = rep % 2 === 0;
        if (!sluiceFirst) w.floor.push(await timeFloor(JOBS, w.floorPar));
        w.sluice.push(await timeSluice(w.repo, JOBS));
        if (sluiceFirst) w.floor.push(await timeFloor(JOBS, w.floorPar));
        if (withLibrary) w.lib.push(await timeLibrary(w.repo));
        log(
          `${w.key} #${rep + 1}: sluice ${w.sluice.at(-1).ms.toFixed(0)} ms, floor ${w.floor.at(-1).ms.toFixed(0)} ms`,
        );
      }
    }

    const med = (runs, field) =>
      runs.length === 0 || runs[0][field] === null ? null : median(runs.map((r) => r[field]));
    const fixedMs = med(fixed, "ms");
    const engine = {};
    for (const w of workloads) {
      const sluiceMs = med(w.sluice, "ms");
      const floorMs = med(w.floor, "ms");
      const sluiceCpuMs = med(w.sluice, "cpuMs");
      const floorCpuMs = med(w.floor, "cpuMs");
      const libraryMs = withLibrary ? median(w.lib) : null;
      engine[w.key] = {
        sluiceMs: round(sluiceMs),
        floorMs: round(floorMs),
        overheadRatio: round(sluiceMs / floorMs, 2),
        // Each repetition's own sluice/floor pair: less sensitive to a noisy repetition.
        pairedRatios: w.sluice.map((r, i) => round(r.ms / w.floor[i].ms, 2)),
        peakRssMb: round(med(w.sluice, "rssMb")),
        // Wall time beyond the floor, per job, after taking out the per-invocation cost (fixedMs).
        perJobOverheadMs: round((sluiceMs - fixedMs - floorMs) / JOBS, 2),
        // CPU (user + sys, child processes included): steadier than wall time on a busy machine.
        sluiceCpuMs: round(sluiceCpuMs),
        floorCpuMs: round(floorCpuMs),
        cpuRatio: sluiceCpuMs === null ? null : round(sluiceCpuMs / floorCpuMs, 2),
        libraryMs: round(libraryMs),
        libraryRatio: libraryMs === null ? null : round(libraryMs / floorMs, 2),
        libraryPairedRatios: w.lib.map((ms, i) => round(ms / w.floor[i].ms, 2)),
        // What the target leaves once the floor and the per-invocation cost (fixed.sluiceMs) are
        // paid: the wall time per job for reading, recording and scheduling it. At or below zero,
        // the target is out of reach however little each job costs.
        targetBudget: {
          allowedMs: round(TARGET * floorMs),
          leftPerJobMs: round((TARGET * floorMs - floorMs - fixedMs) / JOBS, 2),
        },
        sluiceSamplesMs: w.sluice.map((r) => round(r.ms)),
        floorSamplesMs: w.floor.map((r) => round(r.ms)),
        librarySamplesMs: w.lib.map((ms) => round(ms)),
      };
    }
    engine.fixed = {
      jobs: 1,
      sluiceMs: round(fixedMs),
      sluiceCpuMs: round(med(fixed, "cpuMs")),
      peakRssMb: round(med(fixed, "rssMb")),
      libraryMs: withLibrary ? round(median(fixedLibrary)) : null,
      // `node -e 0`: the part of sluiceMs no Node program can avoid.
      nodeStartupMs: round(median(nodeStartup)),
    };
    engine.target = TARGET;
    engine.goal = GOAL;
    engine.config = {
      jobs: JOBS,
      repeats: REPEATS,
      concurrency: CONCURRENCY,
      cores: os.availableParallelism(),
      node: process.version,
      tmpdir: path.dirname(tmp),
      build: distDir ?? "dist",
      measuredWith: haveGnuTime ? "/usr/bin/time -f '%M %U %S'" : "process.resourceUsage().maxRSS",
      // How the local executor spawns steps (src/executor/local/local-executor.ts); auto unless set.
      spawnHelper: process.env.SLUICE_SPAWN_HELPER ?? "auto",
      // Other work on the machine inflates both sides; a high load average means noisy figures.
      loadAverage: os.loadavg().map((x) => round(x, 2)),
    };
    process.stdout.write(JSON.stringify({ engine }, null, 2) + "\n");
  } finally {
    if (process.env.SLUICE_BENCH_KEEP === "1") log(`kept ${tmp}`);
    else rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
