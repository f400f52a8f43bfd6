// Runs every bench/<name>/index.mjs in its own Node process (so one benchmark's heap and warm caches
// cannot colour another's figures) and prints one JSON document that merges what each printed.
// Each benchmark prints exactly one JSON object on stdout; progress goes to stderr.
// Usage: npm run bench [-- <name>...]   (npm run bench builds dist/ first)
import { spawn } from "node:child_process";
import { existsSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
const only = process.argv.slice(2);
const names = readdirSync(here, { withFileTypes: true })
  .filter((d) => d.isDirectory() && existsSync(path.join(here, d.name, "index.mjs")))
  .map((d) => d.name)
  .filter((name) => only.length === 0 || only.includes(name))
  .sort();

const figures = {};
let failed = false;
for (const name of names) {
  const file = path.join(here, name, "index.mjs");
  process.stderr.write(`bench: ${name}\n`);
  const { code, stdout } = await runNode(file);
  try {
    if (code !== 0) throw new Error(`exited with code ${code}`);
    // Merge one level deeper so two benches reporting under one group (e.g. "report") both survive.
    for (const [group, value] of Object.entries(JSON.parse(stdout))) {
      const both = value && typeof value === "object" && figures[group] && typeof figures[group] === "object";
      figures[group] = both ? { ...figures[group], ...value } : value;
    }
  } catch (err) {
    failed = true;
    figures[name] = { error: err instanceof Error ? err.message : String(err) };
  }
}
process.stdout.write(JSON.stringify(figures, null, 2) + "\n");
if (failed) process.exitCode = 1;

function runNode(file) {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [file], { stdio: ["ignore", "pipe", "inherit"] });
    let stdout = "";
    child.stdout.setEncoding("utf8");
    child.stdout.on("data", (s) => (stdout += s));
    child.on("close", (code) => resolve({ code, stdout }));
  });
}
