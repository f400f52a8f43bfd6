// Report parsing throughput: a generated 20 MB JUnit file (Surefire/vitest-shaped: 90 % passing
// cases, failures with escaped stack traces, skips, CDATA output) and a 20 MB coverage.py-shaped
// Cobertura file, each parsed 5 times after one warm-up parse by the bundled parsers.
// Figures are medians; MB means 2^20 bytes of UTF-8. `mbPerSec` is from wall time, `cpuMbPerSec`
// from this process's CPU time, which is steadier on a busy machine (GC threads count against it).
// The target is 50 MB/s for JUnit.
//
// The parsers come from dist/index.js (npm run bench builds it). Until src/index.ts exports them,
// the bench bundles them from src/ itself with esbuild, so that it measures the same code either way.
import { Buffer } from "node:buffer";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { generateCobertura, generateJunit } from "./generate.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const SIZE = 20 * 1024 * 1024;
const RUNS = 5;
const TARGET = 50;

function log(msg) {
  process.stderr.write(`  report-junit: ${msg}\n`);
}

async function loadParsers() {
  const lib = await import(pathToFileURL(path.join(root, "dist", "index.js")).href).catch((err) => {
    // dist/ is shared: a concurrent build can leave it between two sets of chunks for a moment.
    log(`dist/index.js did not load (${err.code ?? err.message})`);
    return {};
  });
  if (lib.junitParser && lib.coberturaParser) return { ...lib, source: "dist/index.js" };
  const { build } = await import("esbuild");
  const dir = mkdtempSync(path.join(os.tmpdir(), "sluice-bench-report-"));
  try {
    const entry = path.join(dir, "entry.ts");
    writeFileSync(
      entry,
      `export { junitParser } from ${JSON.stringify(path.join(root, "src/report/parsers/junit"))};\n` +
        `export { coberturaParser } from ${JSON.stringify(path.join(root, "src/report/parsers/cobertura"))};\n`,
    );
    const outfile = path.join(dir, "parsers.mjs");
    await build({
      entryPoints: [entry],
      outfile,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      logLevel: "warning",
    });
    return {
      ...(await import(pathToFileURL(outfile).href)),
      source: "src/report/parsers (bundled by the bench)",
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function measure(label, parser, content, check) {
  const mb = Buffer.byteLength(content) / 2 ** 20;
  check(parser.parse(content, `${label}.xml`));
  const wall = [];
  const cpu = [];
  for (let i = 0; i < RUNS; i++) {
    const usage = process.cpuUsage();
    const start = performance.now();
    parser.parse(content, `${label}.xml`);
    wall.push(performance.now() - start);
    const used = process.cpuUsage(usage);
    cpu.push((used.user + used.system) / 1000);
  }
  const ms = median(wall);
  const cpuMs = median(cpu);
  const round = (n) => Math.round(n * 10) / 10;
  log(
    `${label}: ${round(mb)} MB, median ${round(ms)} ms wall (${round(mb / (ms / 1000))} MB/s), ${round(cpuMs)} ms CPU`,
  );
  return {
    mb: round(mb),
    ms: round(ms),
    minMs: round(Math.min(...wall)),
    mbPerSec: round(mb / (ms / 1000)),
    cpuMs: round(cpuMs),
    cpuMbPerSec: round(mb / (cpuMs / 1000)),
  };
}

const { junitParser, coberturaParser, source } = await loadParsers();
log(`parsers from ${source}`);
const junit = generateJunit(SIZE);
const junit20mb = measure("junit", junitParser, junit, (r) => {
  if (!(r.tests?.total > 0)) throw new Error("the JUnit parse found no tests");
});
const cobertura = generateCobertura(SIZE);
const cobertura20mb = measure("cobertura", coberturaParser, cobertura, (r) => {
  if (!(r.coverage?.lines.total > 0)) throw new Error("the Cobertura parse found no lines");
});
process.stdout.write(
  JSON.stringify({
    report: {
      junit20mb: { ...junit20mb, target: TARGET, pass: junit20mb.mbPerSec >= TARGET },
      cobertura20mb,
    },
  }) + "\n",
);
