// SBOM generation speed against the reference generator: for one real npm project (express 4 and
// its ~70 packages, installed with npm into a temp dir), time @cyclonedx/cyclonedx-npm — which runs
// `npm ls` and reads every node_modules manifest — and Sluice's lockfile → CycloneDX 1.6 path on the
// same tree in the same run, SLUICE_BENCH_REPEATS times each (default 5) after one warm-up, and
// print the medians:
//   { "sbom": { "sluiceMs", "sluiceColdMs", "sluiceLibraryColdMs", "cyclonedxNpmMs", "ratio",
//               "ratioCold", "packages", "sameComponents", "onlyInSluice", "onlyInCyclonedxNpm",
//               "target": 20 } }
// sluiceMs is the library call (read lockfile, resolve licences, build, serialise) in a warm
// process; sluiceColdMs is the CLI as a user runs it, `node bin/sluice.js scan sbom` in the project
// (Node startup and module loading included); sluiceLibraryColdMs is a fresh Node process importing
// the library and making the call. ratio = cyclonedxNpmMs / sluiceMs, ratioCold = cyclonedxNpmMs /
// sluiceColdMs; the target applies to ratioCold.
// Both tools run without schema validation (cyclonedx-npm --no-validate) and with flat components.
// The component sets (group/name@version) are compared, so a fast but incomplete SBOM cannot pass.
//
// Uses generateSbom from dist/index.js (npm run bench builds it). While src/index.ts does not export
// it yet, src/scan/sbom/index.ts is bundled on the spot with esbuild instead (said on stderr).
// SLUICE_BENCH_DIST=<dir> measures a build made with `node scripts/build.mjs --outdir <dir>` instead
// of dist/ (its cli.js and index.js). SLUICE_BENCH_BASE_DIST=<dir> also times another build's CLI
// (the code before a change) in the same loop, interleaved with the rest, and adds "baseColdMs" and
// "baseRatioCold": before and after against the same cyclonedx-npm runs.
import { spawn } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";

const root = fileURLToPath(new URL("../..", import.meta.url));
const distDir = process.env.SLUICE_BENCH_DIST ? path.resolve(process.env.SLUICE_BENCH_DIST) : null;
const sluiceCli = distDir ? path.join(distDir, "cli.js") : path.join(root, "bin", "sluice.js");
const baseDir = process.env.SLUICE_BENCH_BASE_DIST ? path.resolve(process.env.SLUICE_BENCH_BASE_DIST) : null;
const TARGET_RATIO = 20;
const REPEATS = Math.max(1, Number(process.env.SLUICE_BENCH_REPEATS) || 5);
const require = createRequire(import.meta.url);

function log(msg) {
  process.stderr.write(`  sbom: ${msg}\n`);
}

function run(command, args, options = {}) {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, { stdio: ["ignore", "pipe", "pipe"], ...options });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s) => (stderr += s));
    child.on("error", reject);
    child.on("close", (code) => {
      const ms = performance.now() - started;
      if (code === 0) resolve({ stdout, ms });
      else
        reject(
          new Error(`${path.basename(command)} ${args.join(" ")} exited with ${code}: ${stderr.slice(-500)}`),
        );
    });
  });
}

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

/** The module exporting generateSbom: dist/index.js, or the SBOM source bundled into `dir`. */
async function sluiceModule(dir) {
  const dist = path.join(distDir ?? path.join(root, "dist"), "index.js");
  try {
    const lib = await import(pathToFileURL(dist).href);
    if (lib.generateSbom) return dist;
  } catch {
    // dist/ not built: fall through to bundling the source.
  }
  log("dist/index.js does not export generateSbom; bundling src/scan/sbom/index.ts with esbuild");
  const { build } = await import("esbuild");
  const outfile = path.join(dir, "sluice-sbom.mjs");
  await build({
    absWorkingDir: root,
    entryPoints: ["src/scan/sbom/index.ts"],
    outfile,
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    banner: {
      js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
    },
    logLevel: "warning",
  });
  return outfile;
}

async function makeProject(dir) {
  writeFileSync(
    path.join(dir, "package.json"),
    JSON.stringify(
      { name: "sbom-bench", version: "1.0.0", private: true, dependencies: { express: "4.21.2" } },
      null,
      2,
    ),
  );
  log("npm install express@4.21.2 (real registry)");
  await run(npmCommand(), ["install", "--ignore-scripts", "--no-audit", "--no-fund", "--loglevel=error"], {
    cwd: dir,
  });
}

function npmCommand() {
  return process.platform === "win32" ? "npm.cmd" : "npm";
}

/** group/name@version of every component, nested ones included. */
function componentSet(bom) {
  const set = new Set();
  const visit = (list) => {
    for (const c of list ?? []) {
      set.add(`${c.group ? `${c.group}/` : ""}${c.name}@${c.version}`);
      visit(c.components);
    }
  };
  visit(bom.components);
  return set;
}

const work = mkdtempSync(path.join(os.tmpdir(), "sluice-bench-sbom-"));
try {
  const project = path.join(work, "project");
  mkdirSync(project);
  await makeProject(project);
  const modulePath = await sluiceModule(work);
  const { generateSbom } = await import(pathToFileURL(modulePath).href);
  // The package's exports hide package.json; its bin sits beside its main module's folder.
  const cdxBin = path.join(
    path.dirname(require.resolve("@cyclonedx/cyclonedx-npm")),
    "bin",
    "cyclonedx-npm-cli.js",
  );
  const cdxArgs = [
    cdxBin,
    "--spec-version",
    "1.6",
    "--output-format",
    "JSON",
    "--flatten-components",
    "--no-validate",
    "--output-file",
    "-",
  ];
  const coldScript = [
    `const { generateSbom } = await import(${JSON.stringify(pathToFileURL(modulePath).href)});`,
    `const doc = await generateSbom(${JSON.stringify(project)}, { format: "cyclonedx", meta: { timestamp: new Date(), serialNumber: crypto.randomUUID() } });`,
    `process.stdout.write(JSON.stringify(doc));`,
  ].join("\n");

  const sluiceOnce = async () => {
    const started = performance.now();
    const doc = await generateSbom(project, {
      format: "cyclonedx",
      meta: { timestamp: new Date(), serialNumber: randomUUID() },
    });
    const text = JSON.stringify(doc, null, 2);
    return { ms: performance.now() - started, doc: JSON.parse(text) };
  };

  log(`warm-up, then ${REPEATS} runs each`);
  let sluiceDoc = (await sluiceOnce()).doc;
  let cdxDoc = JSON.parse((await run(process.execPath, cdxArgs, { cwd: project })).stdout);
  await run(process.execPath, ["--input-type=module", "-e", coldScript]);
  const cliArgs = [sluiceCli, "scan", "sbom", "--format", "cyclonedx"];
  const cliDoc = JSON.parse((await run(process.execPath, cliArgs, { cwd: project })).stdout);
  const baseArgs = baseDir ? [path.join(baseDir, "cli.js"), ...cliArgs.slice(1)] : null;
  const baseDoc = baseArgs
    ? JSON.parse((await run(process.execPath, baseArgs, { cwd: project })).stdout)
    : null;
  const baseTimes = [];
  const sluiceTimes = [];
  const coldTimes = [];
  const libraryColdTimes = [];
  const cdxTimes = [];
  for (let i = 0; i < REPEATS; i++) {
    const cdx = await run(process.execPath, cdxArgs, { cwd: project });
    cdxTimes.push(cdx.ms);
    cdxDoc = JSON.parse(cdx.stdout);
    const warm = await sluiceOnce();
    sluiceTimes.push(warm.ms);
    sluiceDoc = warm.doc;
    libraryColdTimes.push((await run(process.execPath, ["--input-type=module", "-e", coldScript])).ms);
    // The two builds alternate which goes first.
    if (baseArgs && i % 2 === 0) baseTimes.push((await run(process.execPath, baseArgs, { cwd: project })).ms);
    coldTimes.push((await run(process.execPath, cliArgs, { cwd: project })).ms);
    if (baseArgs && i % 2 === 1) baseTimes.push((await run(process.execPath, baseArgs, { cwd: project })).ms);
  }

  const ours = componentSet(sluiceDoc);
  const cliComponents = componentSet(cliDoc);
  if (cliComponents.size !== ours.size || [...ours].some((c) => !cliComponents.has(c)))
    throw new Error("`sluice scan sbom` and generateSbom() list different components");
  if (baseDoc) {
    const baseComponents = componentSet(baseDoc);
    if (baseComponents.size !== ours.size || [...ours].some((c) => !baseComponents.has(c)))
      throw new Error("the SLUICE_BENCH_BASE_DIST build lists different components");
  }
  const theirs = componentSet(cdxDoc);
  const onlyInSluice = [...ours].filter((c) => !theirs.has(c)).sort();
  const onlyInCyclonedxNpm = [...theirs].filter((c) => !ours.has(c)).sort();
  const sluiceMs = median(sluiceTimes);
  const sluiceColdMs = median(coldTimes);
  const sluiceLibraryColdMs = median(libraryColdTimes);
  const cyclonedxNpmMs = median(cdxTimes);
  const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d;
  const baseColdMs = baseDir ? median(baseTimes) : null;
  log(
    `cyclonedx-npm ${round(cyclonedxNpmMs)} ms, sluice ${round(sluiceMs)} ms warm / ${round(sluiceColdMs)} ms CLI / ${round(sluiceLibraryColdMs)} ms library cold, ${ours.size} components`,
  );
  process.stdout.write(
    JSON.stringify({
      sbom: {
        sluiceMs: round(sluiceMs),
        sluiceColdMs: round(sluiceColdMs),
        sluiceLibraryColdMs: round(sluiceLibraryColdMs),
        cyclonedxNpmMs: round(cyclonedxNpmMs),
        ratio: round(cyclonedxNpmMs / sluiceMs),
        ratioCold: round(cyclonedxNpmMs / sluiceColdMs),
        packages: ours.size,
        sameComponents: onlyInSluice.length === 0 && onlyInCyclonedxNpm.length === 0,
        onlyInSluice,
        onlyInCyclonedxNpm,
        target: TARGET_RATIO,
        ...(baseColdMs === null
          ? {}
          : { baseColdMs: round(baseColdMs), baseRatioCold: round(cyclonedxNpmMs / baseColdMs) }),
      },
    }) + "\n",
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
