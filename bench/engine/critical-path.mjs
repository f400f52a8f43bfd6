// Where a chained job's time goes: runs `sluice run` on a <jobs>-job `needs` chain with the spawn
// helper traced (SLUICE_SPAWN_TRACE, src/executor/local/spawn-helper.ts) and prints, per job, the
// median and total of each segment of the critical path:
//   sent → read      Sluice writes the spawn request, the helper reads it (pipe and wake-up)
//   read → spawned   the helper's spawn() (fork and exec)
//   spawned → exit   the step's process runs (bash starts, runs the script, exits)
//   exit → closed    its output streams close
//   closed → seen    the helper's EXIT frame reaches Sluice
//   seen → next sent Sluice's own work between one job's exit and the next job's spawn request:
//                    recording the step and job, scheduling, the next job's records, scope,
//                    environment and script file
// Usage: node bench/engine/critical-path.mjs [jobs=300] [runs=3]   (SLUICE_BENCH_DIST as index.mjs)
import { execFileSync, spawnSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const distDir = process.env.SLUICE_BENCH_DIST ? path.resolve(process.env.SLUICE_BENCH_DIST) : null;
const sluiceBin = distDir ? path.join(distDir, "cli.js") : path.join(root, "bin", "sluice.js");
const [jobs = 300, runs = 3] = process.argv.slice(2).map(Number);

const tmp = mkdtempSync(path.join(process.env.SLUICE_BENCH_TMPDIR ?? os.tmpdir(), "sluice-critical-"));
try {
  let yaml = "name: chain\non: push\njobs:\n";
  for (let i = 0; i < jobs; i++) {
    yaml += `  j${i}:\n    runs-on: ubuntu-latest\n${i > 0 ? `    needs: j${i - 1}\n` : ""}`;
    yaml += `    steps:\n      - run: "true"\n`;
  }
  const repo = path.join(tmp, "repo");
  mkdirSync(path.join(repo, ".github", "workflows"), { recursive: true });
  writeFileSync(path.join(repo, ".github", "workflows", "chain.yml"), yaml);
  const git = (...args) => execFileSync("git", args, { cwd: repo, stdio: "ignore" });
  git("init", "-q", "-b", "main");
  git("add", "-A");
  git("-c", "user.name=bench", "-c", "user.email=bench@example.invalid", "commit", "-q", "-m", "chain");

  const segments = new Map();
  for (let run = 0; run < runs; run++) {
    rmSync(path.join(repo, ".sluice"), { recursive: true, force: true });
    const trace = path.join(tmp, `trace-${run}`);
    const r = spawnSync(process.execPath, [sluiceBin, "run", "--json", "--concurrency", "1"], {
      cwd: repo,
      env: { ...process.env, SLUICE_SPAWN_TRACE: trace, SLUICE_SPAWN_HELPER: "1", NO_COLOR: "1" },
      encoding: "utf8",
    });
    if (r.status !== 0) throw new Error(`sluice run failed (exit ${r.status}):\n${r.stderr}`);
    const events = new Map();
    for (const file of [`${trace}.main`, `${trace}.helper`]) {
      for (const line of readFileSync(file, "utf8").split("\n")) {
        if (!line) continue;
        const [event, id, t] = line.split(" ");
        const e = events.get(Number(id)) ?? {};
        e[event] = Number(t);
        events.set(Number(id), e);
      }
    }
    const ids = [...events.keys()].sort((a, b) => a - b);
    const add = (name, ms) => {
      if (!Number.isFinite(ms)) return;
      const list = segments.get(name) ?? [];
      list.push(ms);
      segments.set(name, list);
    };
    ids.forEach((id, i) => {
      const e = events.get(id);
      add("sent → read", e.r - e.s);
      add("read → spawned", e.p - e.r);
      add("spawned → exit", e.e - e.p);
      add("exit → closed", e.c - e.e);
      add("closed → seen", e.x - e.c);
      const next = events.get(ids[i + 1]);
      if (next) add("seen → next sent", next.s - e.x);
    });
  }
  const median = (xs) => {
    const s = [...xs].sort((a, b) => a - b);
    return s[s.length >> 1];
  };
  const out = {};
  for (const [name, xs] of segments) {
    out[name] = {
      medianMs: Math.round(median(xs) * 1000) / 1000,
      totalMsPerRun: Math.round(xs.reduce((a, b) => a + b, 0) / runs),
    };
  }
  process.stdout.write(
    JSON.stringify({ jobs, runs, loadAverage: os.loadavg(), segments: out }, null, 2) + "\n",
  );
} finally {
  rmSync(tmp, { recursive: true, force: true });
}
