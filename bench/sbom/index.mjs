// SBOM generation speed against the reference generator: for one real npm project (express 4 and
// its ~70 packages, installed with npm into a temp dir), time @cyclonedx/cyclonedx-npm — which runs
// `npm ls` and reads every node_modules manifest — and Sluice's lockfile → CycloneDX 1.6 path on the
// same tree in the same run, SLUICE_BENCH_REPEATS times each (default 5) after one warm-up,
// interleaved, and print the medians:
//   { "sbom": { "sluiceMs", "sluiceColdMs", "sluiceLibraryColdMs", "sluiceStepMs", "cyclonedxNpmMs",
//               "cyclonedxNpmStepMs", "nodeStartupMs", "ratio", "ratioCold", "ratioStep",
//               "ratioColdCeiling", "pairedRatiosStep", "packages", "sameComponents", "sameComponentsStep",
//               "onlyInSluice", "onlyInCyclonedxNpm", "target": 20, "targetOn": "ratioStep", "pass",
//               "loadAverage" } }
// Three levels, each against cyclonedx-npm timed the same way:
// - the pipeline step, where the target is evaluated (users generate SBOMs inside their pipelines):
//   the project is a git repository with .github/workflows/sbom.yml, one job of two steps, `uses:
//   sluice/scan@v1` (scans: sbom) and a `run:` step with the cyclonedx-npm command below;
//   `node <cli> run --json` gives each step's durationMs (jobs[].steps[]): sluiceStepMs,
//   cyclonedxNpmStepMs, ratioStep = cyclonedxNpmStepMs / sluiceStepMs. The built-in step runs in the
//   engine's process; the `run:` step starts a shell and Node. The steps swap places every run.
//   pairedRatiosStep: each run's own ratio (both steps in the same job, seconds apart).
//   sameComponentsStep compares the two SBOMs those steps wrote; pass = ratioStep ≥ target and
//   sameComponentsStep.
// - the CLI: sluiceColdMs is `node <cli> scan sbom` in the project, spawn to exit (Node startup and
//   module loading included), ratioCold = cyclonedxNpmMs / sluiceColdMs. No Node CLI can beat
//   ratioColdCeiling = cyclonedxNpmMs / nodeStartupMs, nodeStartupMs being `node -e 0` spawn to
//   exit (also in the loop): at ≈ 1–1.5 s for cyclonedx-npm and 60–85 ms for Node, 15–20 here.
// - the library: sluiceMs is generateSbom() (read lockfile, resolve licences, build, serialise) in a
//   warm process, ratio = cyclonedxNpmMs / sluiceMs; sluiceLibraryColdMs is a fresh Node process
//   importing the library and making the call.
// cyclonedxNpmMs is `node cyclonedx-npm-cli.js` spawned directly, spawn to exit. Both tools run
// without schema validation (cyclonedx-npm --no-validate) and with flat components. The component
// sets (group/name@version) are compared, so a fast but incomplete SBOM cannot pass; every Sluice
// output (library, CLI, step, base build) must list the same set, and so must both cyclonedx-npm runs.
//
// Uses generateSbom from dist/index.js and the CLI bin/sluice.js (dist/cli.js; npm run bench builds
// both; the step needs a build whose sluice/scan@v1 accepts `scans: sbom`). While src/index.ts does
// not export generateSbom, src/scan/sbom/index.ts is bundled on the spot with esbuild instead (said
// on stderr). SLUICE_BENCH_DIST=<dir> measures a build made with
// `node scripts/build.mjs --outdir <dir>` instead of dist/ (its cli.js and index.js).
// SLUICE_BENCH_BASE_DIST=<dir> also times another build's CLI (the code before a change) in the
// same loop, interleaved with the rest, and adds "baseColdMs" and "baseRatioCold": before and after
// against the same cyclonedx-npm runs.
import { randomUUID } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { createRequire } from "node:module";
import os from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";
import { makeRepository, runPipeline } from "./pipeline.mjs";
import {
  componentSet,
  log,
  makeProject,
  median,
  root,
  round,
  run,
  sameSet,
  sluiceModule,
} from "./support.mjs";

const distDir = process.env.SLUICE_BENCH_DIST ? path.resolve(process.env.SLUICE_BENCH_DIST) : null;
const sluiceCli = distDir ? path.join(distDir, "cli.js") : path.join(root, "bin", "sluice.js");
const baseDir = process.env.SLUICE_BENCH_BASE_DIST ? path.resolve(process.env.SLUICE_BENCH_BASE_DIST) : null;
const TARGET_RATIO = 20;
const REPEATS = Math.max(1, Number(process.env.SLUICE_BENCH_REPEATS) || 5);
const require = createRequire(import.meta.url);

const work = mkdtempSync(path.join(os.tmpdir(), "sluice-bench-sbom-"));
try {
  const project = path.join(work, "project");
  mkdirSync(project);
  await makeProject(project);
  const modulePath = await sluiceModule(distDir, work);
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
  await makeRepository(project, cdxArgs);
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
  await run(process.execPath, ["-e", "0"]);
  const cliArgs = [sluiceCli, "scan", "sbom", "--format", "cyclonedx"];
  const cliDoc = JSON.parse((await run(process.execPath, cliArgs, { cwd: project })).stdout);
  const baseArgs = baseDir ? [path.join(baseDir, "cli.js"), ...cliArgs.slice(1)] : null;
  const baseDoc = baseArgs
    ? JSON.parse((await run(process.execPath, baseArgs, { cwd: project })).stdout)
    : null;
  let pipeline = await runPipeline(sluiceCli, project, cdxArgs, true);
  const times = { base: [], sluice: [], cold: [], coldLib: [], cdx: [], node: [], step: [], cdxStep: [] };
  for (let i = 0; i < REPEATS; i++) {
    const cdx = await run(process.execPath, cdxArgs, { cwd: project });
    times.cdx.push(cdx.ms);
    cdxDoc = JSON.parse(cdx.stdout);
    const warm = await sluiceOnce();
    times.sluice.push(warm.ms);
    sluiceDoc = warm.doc;
    times.coldLib.push((await run(process.execPath, ["--input-type=module", "-e", coldScript])).ms);
    times.node.push((await run(process.execPath, ["-e", "0"])).ms);
    // The two builds alternate which goes first.
    if (baseArgs && i % 2 === 0)
      times.base.push((await run(process.execPath, baseArgs, { cwd: project })).ms);
    times.cold.push((await run(process.execPath, cliArgs, { cwd: project })).ms);
    if (baseArgs && i % 2 === 1)
      times.base.push((await run(process.execPath, baseArgs, { cwd: project })).ms);
    // The two steps alternate which goes first (the warm-up had Sluice's first).
    pipeline = await runPipeline(sluiceCli, project, cdxArgs, i % 2 === 1);
    times.step.push(pipeline.sluiceStepMs);
    times.cdxStep.push(pipeline.cdxStepMs);
    const order = i % 2 === 1 ? "sluice first" : "cyclonedx-npm first";
    const { sluiceStepMs, cdxStepMs } = pipeline;
    log(`run ${i + 1}: steps (${order}) sluice ${sluiceStepMs} ms, cyclonedx-npm ${cdxStepMs} ms`);
  }

  const ours = componentSet(sluiceDoc);
  if (!sameSet(componentSet(cliDoc), ours))
    throw new Error("`sluice scan sbom` and generateSbom() list different components");
  if (baseDoc && !sameSet(componentSet(baseDoc), ours))
    throw new Error("the SLUICE_BENCH_BASE_DIST build lists different components");
  const theirs = componentSet(cdxDoc);
  const stepOurs = componentSet(pipeline.sluiceDoc);
  const stepTheirs = componentSet(pipeline.cdxDoc);
  if (!sameSet(stepOurs, ours))
    throw new Error("the sluice/scan@v1 step and generateSbom() list different components");
  if (!sameSet(stepTheirs, theirs))
    throw new Error("cyclonedx-npm lists different components as a `run:` step");
  const onlyInSluice = [...ours].filter((c) => !theirs.has(c)).sort();
  const onlyInCyclonedxNpm = [...theirs].filter((c) => !ours.has(c)).sort();
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, v.length ? median(v) : null]));
  const ratioStep = m.cdxStep / m.step;
  const sameComponentsStep = sameSet(stepOurs, stepTheirs);
  log(`cyclonedx-npm ${round(m.cdx)} ms, as a step ${round(m.cdxStep)} ms; node -e 0 ${round(m.node)} ms`);
  log(`sluice: step ${round(m.step)} ms, CLI ${round(m.cold)} ms, library ${round(m.sluice)} ms warm`);
  log(`target ${TARGET_RATIO}× on the pipeline step: ratioStep ${round(ratioStep)}`);
  process.stdout.write(
    JSON.stringify({
      sbom: {
        sluiceMs: round(m.sluice),
        sluiceColdMs: round(m.cold),
        sluiceLibraryColdMs: round(m.coldLib),
        sluiceStepMs: round(m.step),
        cyclonedxNpmMs: round(m.cdx),
        cyclonedxNpmStepMs: round(m.cdxStep),
        nodeStartupMs: round(m.node),
        ratio: round(m.cdx / m.sluice),
        ratioCold: round(m.cdx / m.cold),
        ratioStep: round(ratioStep),
        ratioColdCeiling: round(m.cdx / m.node),
        pairedRatiosStep: times.step.map((ms, i) => round(times.cdxStep[i] / ms)),
        packages: ours.size,
        sameComponents: onlyInSluice.length === 0 && onlyInCyclonedxNpm.length === 0,
        sameComponentsStep,
        onlyInSluice,
        onlyInCyclonedxNpm,
        target: TARGET_RATIO,
        targetOn: "ratioStep",
        pass: ratioStep >= TARGET_RATIO && sameComponentsStep,
        loadAverage: round(os.loadavg()[0], 2),
        ...(m.base === null ? {} : { baseColdMs: round(m.base), baseRatioCold: round(m.cdx / m.base) }),
      },
    }) + "\n",
  );
} finally {
  rmSync(work, { recursive: true, force: true });
}
