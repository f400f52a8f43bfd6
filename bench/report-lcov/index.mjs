// lcov parsing throughput: the tracefiles of large repositories reach hundreds of MB, and gates read
// them on every run, so the parser must stay far from being the slow part of a pipeline.
//
// Generates a 50 MiB tracefile shaped like Istanbul's lcov reporter output (TN/SF, FN+FNDA, FNF/FNH,
// DA, LF/LH, BRDA, BRF/BRH, end_of_record; a seeded PRNG so every run parses the same text), parses
// it SLUICE_BENCH_REPEATS times (default 5) after one warm-up, and prints the median:
//   { "report": { "lcov50mb": { "mbPerSec": …, "ms": …, "target": 50 } } }     (MB = 2^20 bytes)
// The parse result is checked against the generator's own counts, so a wrong parser cannot look fast.
//
// Uses the lcov parser from dist/index.js (npm run bench builds it). When dist/ is missing or does not
// export it, the parser source is bundled on the spot with esbuild instead (said on stderr).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const TARGET_MB_PER_SEC = 50;
const SIZE = 50 * 1024 * 1024;
const REPEATS = Math.max(1, Number(process.env.SLUICE_BENCH_REPEATS) || 5);

function log(msg) {
  process.stderr.write(`  report-lcov: ${msg}\n`);
}

async function loadParser() {
  try {
    const lib = await import(pathToFileURL(path.join(root, "dist", "index.js")).href);
    const parser = lib.lcovParser ?? lib.reportParsers?.lcov;
    if (parser) return parser;
  } catch {
    // dist/ not built: fall through to bundling the source.
  }
  log("dist/index.js has no lcov parser; bundling src/report/parsers/lcov.ts with esbuild");
  const { build } = await import("esbuild");
  const dir = mkdtempSync(path.join(os.tmpdir(), "sluice-bench-lcov-"));
  try {
    const outfile = path.join(dir, "lcov.mjs");
    await build({
      absWorkingDir: root,
      entryPoints: ["src/report/parsers/lcov.ts"],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      logLevel: "warning",
    });
    return (await import(pathToFileURL(outfile).href)).lcovParser;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

// mulberry32: fast, seeded, good enough for shaping test data.
function random(seed) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function generate(size) {
  const rnd = random(42);
  const pick = (n) => Math.floor(rnd() * n);
  const parts = [];
  let length = 0;
  const expected = { files: 0, lines: 0, linesCovered: 0, branches: 0, branchesCovered: 0 };
  for (let f = 0; length < size; f++) {
    const lines = 40 + pick(400);
    const fns = 1 + pick(30);
    const out = [`TN:\nSF:/home/ci/project/src/module-${f % 97}/file-${f}.ts\n`];
    let fnHit = 0;
    for (let i = 0; i < fns; i++) out.push(`FN:${1 + pick(lines)},fn${i}\n`);
    for (let i = 0; i < fns; i++) {
      const hits = rnd() < 0.7 ? pick(1000) : 0;
      if (hits > 0) fnHit++;
      out.push(`FNDA:${hits},fn${i}\n`);
    }
    out.push(`FNF:${fns}\nFNH:${fnHit}\n`);
    let covered = 0;
    let line = 0;
    for (let i = 0; i < lines; i++) {
      line += 1 + pick(3);
      const hits = rnd() < 0.8 ? pick(rnd() < 0.1 ? 100000 : 50) : 0;
      if (hits > 0) covered++;
      out.push(`DA:${line},${hits}\n`);
    }
    out.push(`LF:${lines}\nLH:${covered}\n`);
    const branchLines = pick(lines / 4);
    let brHit = 0;
    for (let i = 0; i < branchLines; i++) {
      const at = 1 + pick(line);
      for (let b = 0; b < 2; b++) {
        const taken = rnd() < 0.1 ? "-" : String(pick(20));
        if (taken !== "-" && taken !== "0") brHit++;
        out.push(`BRDA:${at},${i},${b},${taken}\n`);
      }
    }
    out.push(`BRF:${branchLines * 2}\nBRH:${brHit}\nend_of_record\n`);
    const text = out.join("");
    parts.push(text);
    length += text.length;
    expected.files++;
    expected.lines += lines;
    expected.linesCovered += covered;
    expected.branches += branchLines * 2;
    expected.branchesCovered += brHit;
  }
  return { text: parts.join(""), expected };
}

function check(report, expected) {
  const c = report.coverage;
  const got = {
    files: c.files.length,
    lines: c.lines.total,
    linesCovered: c.lines.covered,
    branches: c.branches.total,
    branchesCovered: c.branches.covered,
  };
  if (JSON.stringify(got) !== JSON.stringify(expected)) {
    throw new Error(`wrong result: ${JSON.stringify(got)} != ${JSON.stringify(expected)}`);
  }
}

const parser = await loadParser();
const { text, expected } = generate(SIZE);
const mb = text.length / (1024 * 1024);
log(`generated ${mb.toFixed(1)} MB, ${expected.files} files`);
check(parser.parse(text, "lcov.info"), expected); // warm-up, and proof the figures are right
const times = [];
for (let i = 0; i < REPEATS; i++) {
  const t0 = performance.now();
  const report = parser.parse(text, "lcov.info");
  times.push(performance.now() - t0);
  if (report.coverage.files.length !== expected.files) throw new Error("wrong file count");
}
times.sort((a, b) => a - b);
const ms = times[Math.floor(times.length / 2)];
log(`runs (ms): ${times.map((t) => t.toFixed(0)).join(" ")}`);
const figures = {
  mbPerSec: Math.round((mb / (ms / 1000)) * 10) / 10,
  ms: Math.round(ms),
  target: TARGET_MB_PER_SEC,
};
process.stdout.write(JSON.stringify({ report: { lcov50mb: figures } }) + "\n");
if (figures.mbPerSec < TARGET_MB_PER_SEC) {
  log(`below target: ${figures.mbPerSec} MB/s < ${TARGET_MB_PER_SEC} MB/s`);
  process.exitCode = 1;
}
