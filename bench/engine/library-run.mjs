// Runs the workflows of the repo in cwd through the bundled library's runRepository() and prints
// {"ms": …} timed around the call alone. Usage: node library-run.mjs <dist/index.js> <concurrency>
import { performance } from "node:perf_hooks";
import { pathToFileURL } from "node:url";

const [entry, concurrency] = process.argv.slice(2);
const lib = await import(pathToFileURL(entry).href);
const noop = () => {};
const reporter = lib.silentReporter ?? new Proxy({}, { get: () => noop });
const t0 = performance.now();
const result = await lib.runRepository({
  cwd: process.cwd(),
  env: process.env,
  workflows: [],
  inputs: {},
  secrets: {},
  vars: {},
  jobs: [],
  concurrency: Number(concurrency),
  reporter,
  signal: new globalThis.AbortController().signal,
});
const ms = performance.now() - t0;
if (result.conclusion !== "success") {
  process.stderr.write(`conclusion ${result.conclusion}\n`);
  process.exitCode = 1;
}
process.stdout.write(JSON.stringify({ ms }) + "\n");
