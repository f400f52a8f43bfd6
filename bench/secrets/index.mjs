// Secrets scanning throughput and accuracy, side by side with secretlint.
//
// Generates a ≥ 100 MiB source tree (generate.mjs: TS, Python, Go, YAML, lockfiles, docs, fixtures,
// with false-positive traps) and plants fake secrets of many kinds at recorded lines. Then:
//   - Sluice: scanSecrets over the tree (files from a directory walk, default threads), median of
//     SLUICE_BENCH_REPEATS runs (default 3); also in-process (threads: 1) for comparison.
//   - secretlint 12 + @secretlint/secretlint-rule-preset-recommend, through its Node API (what its CLI
//     runs), with `secretLintProfiler.mark` replaced by a no-op: as shipped, the profiler makes a run
//     O(n²) (secretlint#1653; DESIGN.md measured 0.11 MB/s). The output says so. By default secretlint
//     scans a representative subset (every k-th file, SLUICE_BENCH_SECRETLINT_MB, default 20 MiB);
//     SLUICE_BENCH_SECRETLINT_MB=0 scans the whole tree.
//   - recall: planted secrets reported at their line; false positives: every other finding.
//   - parallel crossover: in-process vs worker threads on growing subsets.
// MB = 2^20 bytes. Prints { "secrets": { … } }.
//
// Uses scanSecrets from dist/index.js (npm run bench builds it); while src/index.ts does not export
// it, src/scan/secrets/index.ts is bundled on the spot with esbuild (said on stderr).
import { mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";
import { generateTree } from "./generate.mjs";

const root = fileURLToPath(new URL("../..", import.meta.url));
const MB = 1024 * 1024;
const SIZE = (Number(process.env.SLUICE_BENCH_SECRETS_MB) || 100) * MB;
const REPEATS = Math.max(1, Number(process.env.SLUICE_BENCH_REPEATS) || 3);
const SECRETLINT_MB = process.env.SLUICE_BENCH_SECRETLINT_MB === undefined ? 20 : Number(process.env.SLUICE_BENCH_SECRETLINT_MB);
const TARGET = { throughputRatio: 10, recall: 1, falsePositivesPer10Mb: 1 };

function log(msg) {
  process.stderr.write(`  secrets: ${msg}\n`);
}

const round = (x, d = 2) => Math.round(x * 10 ** d) / 10 ** d;
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function loadSluice(tmp) {
  try {
    const lib = await import(pathToFileURL(path.join(root, "dist", "index.js")).href);
    if (lib.scanSecrets) return lib.scanSecrets;
  } catch {
    // dist/ not built: fall through to bundling the source.
  }
  log("dist/index.js does not export scanSecrets; bundling src/scan/secrets/index.ts with esbuild");
  const { build } = await import("esbuild");
  const outfile = path.join(tmp, "secrets-bundle.mjs");
  await build({
    absWorkingDir: root,
    entryPoints: ["src/scan/secrets/index.ts"],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    logLevel: "warning",
  });
  return (await import(pathToFileURL(outfile).href)).scanSecrets;
}

/** Planted secrets found (a finding in the file at the planted line) and findings that match none. */
function score(findings, planted, files) {
  const inScope = new Set(files);
  const wanted = planted.filter((p) => inScope.has(p.file));
  const key = (file, line) => `${file}:${line}`;
  const plantedAt = new Set(wanted.map((p) => key(p.file, p.line)));
  const hit = new Set(findings.map((f) => key(f.file, f.line)));
  const found = wanted.filter((p) => hit.has(key(p.file, p.line)));
  const falsePositives = findings.filter((f) => !plantedAt.has(key(f.file, f.line)));
  return { found: found.length, planted: wanted.length, missed: wanted.filter((p) => !hit.has(key(p.file, p.line))), falsePositives };
}

async function timeSluice(scanSecrets, dir, options) {
  const runs = [];
  let result;
  for (let i = 0; i < REPEATS; i++) {
    const t0 = performance.now();
    result = await scanSecrets({ root: dir, ...options });
    runs.push(performance.now() - t0);
  }
  return { ms: median(runs), result };
}

async function runSecretlint(dir, files) {
  // The profiler module is a singleton that @secretlint/core imports: silence it before any lint.
  const { secretLintProfiler } = await import("@secretlint/profiler");
  secretLintProfiler.mark = () => {};
  const { createEngine } = await import("@secretlint/node");
  const engine = await createEngine({
    cwd: root,
    configFileJSON: { rules: [{ id: "@secretlint/secretlint-rule-preset-recommend" }] },
    formatter: "json",
    color: false,
    maskSecrets: true,
  });
  const t0 = performance.now();
  const { output } = await engine.executeOnFiles({ filePathList: files.map((f) => path.join(dir, f)) });
  const ms = performance.now() - t0;
  const findings = JSON.parse(output).flatMap((r) =>
    r.messages.map((m) => ({ file: path.relative(dir, r.filePath), line: m.loc.start.line, ruleId: m.ruleId })),
  );
  return { ms, findings };
}

/** Every k-th file, so that a subset keeps the tree's mix of languages and traps. */
function subset(files, sizes, bytes) {
  const total = files.reduce((n, f) => n + sizes.get(f), 0);
  const step = Math.max(1, Math.round(total / bytes));
  return files.filter((_, i) => i % step === 0);
}

async function crossover(scanSecrets, dir, files, sizes) {
  const points = [];
  for (const mb of [1, 4, 8, 16, 32]) {
    const part = subset(files, sizes, mb * MB);
    const bytes = part.reduce((n, f) => n + sizes.get(f), 0);
    const one = await timeSluice(scanSecrets, dir, { files: part, threads: 1 });
    const many = await timeSluice(scanSecrets, dir, { files: part, parallelMinBytes: 0 });
    points.push({ mb: round(bytes / MB, 1), inProcessMs: round(one.ms, 1), workersMs: round(many.ms, 1) });
  }
  const first = points.find((p) => p.workersMs < p.inProcessMs);
  return { points, workersWinFromMb: first ? first.mb : null };
}

async function main() {
  const tmp = mkdtempSync(path.join(process.env.SLUICE_BENCH_TMPDIR ?? os.tmpdir(), "sluice-bench-secrets-"));
  try {
    const scanSecrets = await loadSluice(tmp);
    const dir = path.join(tmp, "tree");
    let t0 = performance.now();
    const tree = generateTree(dir, { bytes: SIZE });
    const kinds = new Set(tree.planted.map((p) => p.kind)).size;
    log(`generated ${tree.files.length} files, ${round(tree.bytes / MB, 1)} MiB, ${tree.planted.length} secrets of ${kinds} kinds in ${round((performance.now() - t0) / 1000, 1)} s`);

    const sluice = await timeSluice(scanSecrets, dir, {});
    const inProcess = await timeSluice(scanSecrets, dir, { threads: 1 });
    const bytes = sluice.result.stats.bytes;
    const s = score(sluice.result.findings, tree.planted, tree.files);
    for (const m of s.missed) log(`missed ${m.kind} in ${m.file}:${m.line}`);
    for (const f of s.falsePositives.slice(0, 20)) log(`false positive ${f.ruleId} ${f.file}:${f.line} ${f.snippet}`);
    log(`sluice: ${round(sluice.ms)} ms (${sluice.result.stats.threads} threads), in-process ${round(inProcess.ms)} ms`);

    const sizes = new Map(tree.files.map((f) => [f, 0]));
    const { statSync } = await import("node:fs");
    for (const f of tree.files) sizes.set(f, statSync(path.join(dir, f)).size);
    const slFiles = SECRETLINT_MB > 0 ? subset(tree.files, sizes, SECRETLINT_MB * MB) : tree.files;
    const slBytes = slFiles.reduce((n, f) => n + sizes.get(f), 0);
    log(`secretlint (profiler replaced by a no-op) on ${slFiles.length} files, ${round(slBytes / MB, 1)} MiB…`);
    t0 = performance.now();
    const sl = await runSecretlint(dir, slFiles);
    const slScore = score(sl.findings, tree.planted, slFiles);
    log(`secretlint: ${round(sl.ms)} ms`);

    const cross = await crossover(scanSecrets, dir, tree.files, sizes);
    const sluiceMbPerSec = bytes / MB / (sluice.ms / 1000);
    const secretlintMbPerSec = slBytes / MB / (sl.ms / 1000);
    const figures = {
      sluiceMbPerSec: round(sluiceMbPerSec, 1),
      sluiceInProcessMbPerSec: round(bytes / MB / (inProcess.ms / 1000), 1),
      secretlintMbPerSec: round(secretlintMbPerSec, 2),
      ratio: round(sluiceMbPerSec / secretlintMbPerSec, 1),
      recall: round(s.found / s.planted, 3),
      falsePositivesPer10Mb: round(s.falsePositives.length / (bytes / (10 * MB)), 3),
      target: TARGET,
      treeMb: round(bytes / MB, 1),
      files: tree.files.length,
      planted: s.planted,
      plantedKinds: kinds,
      threads: sluice.result.stats.threads,
      rules: sluice.result.stats.rules,
      secretlint: {
        note: "secretlint 12 with secretLintProfiler.mark replaced by a no-op (secretlint#1653: as shipped it is O(n²))",
        scannedMb: round(slBytes / MB, 1),
        subset: slFiles.length < tree.files.length ? "every k-th file of the tree (same mix)" : "whole tree",
        recall: round(slScore.found / slScore.planted, 3),
        falsePositivesPer10Mb: round(slScore.falsePositives.length / (slBytes / (10 * MB)), 3),
      },
      parallel: cross,
    };
    figures.pass =
      figures.ratio >= TARGET.throughputRatio && figures.recall >= TARGET.recall && figures.falsePositivesPer10Mb <= TARGET.falsePositivesPer10Mb;
    process.stdout.write(JSON.stringify({ secrets: figures }) + "\n");
  } finally {
    if (process.env.SLUICE_BENCH_KEEP !== "1") rmSync(tmp, { recursive: true, force: true });
  }
}

await main();
