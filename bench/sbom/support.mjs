// Helpers of bench/sbom/index.mjs: processes, medians, the temp project, component sets, and the
// module that exports generateSbom.
import { spawn } from "node:child_process";
import { writeFileSync } from "node:fs";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath, pathToFileURL } from "node:url";

export const root = fileURLToPath(new URL("../..", import.meta.url));

export function log(msg) {
  process.stderr.write(`  sbom: ${msg}\n`);
}

/** Runs a command to its exit: its stdout and the spawn-to-exit time; rejects on a non-zero exit. */
export function run(command, args, options = {}) {
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
          new Error(
            `${path.basename(command)} ${args.join(" ")} exited with ${code}: ${(stderr || stdout).slice(-500)}`,
          ),
        );
    });
  });
}

export function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid] : (sorted[mid - 1] + sorted[mid]) / 2;
}

export const round = (n, d = 1) => Math.round(n * 10 ** d) / 10 ** d;

function npmCommand() {
  return process.platform === "win32" ? "npm.cmd" : "npm";
}

export async function makeProject(dir) {
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

/** group/name@version of every component, nested ones included. */
export function componentSet(bom) {
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

export function sameSet(a, b) {
  return a.size === b.size && [...a].every((c) => b.has(c));
}

/** The module exporting generateSbom: <distDir>/index.js, or the SBOM source bundled into `dir`. */
export async function sluiceModule(distDir, dir) {
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
