// The floor: <count> × `bash -c true` spawned with child_process.spawn, <parallelism> at a time,
// output piped as an engine must pipe it. Prints {"ms": …} timed around the spawning alone.
// Usage: node floor.mjs <count> <parallelism>
import { spawn } from "node:child_process";
import { performance } from "node:perf_hooks";

const [count, parallelism] = process.argv.slice(2).map(Number);

function spawnTrue() {
  return new Promise((resolve, reject) => {
    const child = spawn("bash", ["-c", "true"], { stdio: ["ignore", "pipe", "pipe"] });
    child.stdout.resume();
    child.stderr.resume();
    child.on("error", reject);
    child.on("close", (code) => (code === 0 ? resolve() : reject(new Error(`bash -c true exited ${code}`))));
  });
}

let next = 0;
async function worker() {
  while (next < count) {
    next++;
    await spawnTrue();
  }
}

const t0 = performance.now();
await Promise.all(Array.from({ length: parallelism }, worker));
process.stdout.write(JSON.stringify({ ms: performance.now() - t0 }) + "\n");
