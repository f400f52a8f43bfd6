// One timed scan in a fresh Node process, as a CI job runs it: `node child.mjs <tool> <job.json>`.
// Prints one JSON object: { ms, cpuMs, findings: [{ file, line, ruleId }], stats }. The clock starts
// after the tool's modules are loaded and stops when its result is back; `cpuMs` counts every thread
// of the process (workers, JIT and GC threads too).
import { readFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

const [tool, jobFile] = process.argv.slice(2);
const job = JSON.parse(readFileSync(jobFile, "utf8"));

async function sluice() {
  const { scanSecrets } = await import(pathToFileURL(job.bundle).href);
  return async () => {
    const result = await scanSecrets({ root: job.root, files: job.files, ...job.options });
    return {
      findings: result.findings.map((f) => ({
        file: f.file,
        line: f.line,
        ruleId: f.ruleId,
        snippet: f.snippet,
      })),
      stats: result.stats,
    };
  };
}

async function secretlint() {
  // The profiler is a module singleton that @secretlint/core imports: silence it before any lint
  // (secretlint#1653: as shipped, every mark makes the run O(n²)).
  const { secretLintProfiler } = await import("@secretlint/profiler");
  secretLintProfiler.mark = () => {};
  const { createEngine } = await import("@secretlint/node");
  const engine = await createEngine({
    cwd: job.cwd,
    configFileJSON: { rules: [{ id: "@secretlint/secretlint-rule-preset-recommend" }] },
    formatter: "json",
    color: false,
    maskSecrets: true,
  });
  return async () => {
    const { output } = await engine.executeOnFiles({
      filePathList: job.files.map((f) => path.join(job.root, f)),
    });
    const findings = JSON.parse(output).flatMap((r) =>
      r.messages.map((m) => ({
        file: path.relative(job.root, r.filePath),
        line: m.loc.start.line,
        ruleId: m.ruleId,
      })),
    );
    return { findings, stats: {} };
  };
}

const run = tool === "sluice" ? await sluice() : await secretlint();
const cpu0 = process.cpuUsage();
const t0 = performance.now();
const out = await run();
const ms = performance.now() - t0;
const cpu = process.cpuUsage(cpu0);
process.stdout.write(JSON.stringify({ ms, cpuMs: (cpu.user + cpu.system) / 1000, ...out }) + "\n");
