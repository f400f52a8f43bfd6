/**
 * Manifests whose dependencies no lockfile pins: a package.json without package-lock.json (or pnpm,
 * yarn), a pyproject.toml without poetry.lock / uv.lock / requirements. Scanners read lockfiles only
 * (a version range cannot be matched against advisories), so such a project would otherwise be
 * skipped without a word and its scan would read as clean.
 */
import { readFileSync } from "node:fs";
import path from "node:path";
import type { ProjectFiles } from "./index";
import type { LockfileFormat } from "./types";

const NPM_FORMATS = new Set<LockfileFormat>([
  "package-lock",
  "npm-shrinkwrap",
  "pnpm-lock",
  "yarn-classic",
  "yarn-berry",
]);

/** One note per unlocked manifest that declares dependencies, e.g. "web/package.json has no lockfile: …". */
export function unlockedManifests(root: string, files: ProjectFiles): string[] {
  const npmDirs = new Set<string>();
  const pythonDirs = new Set<string>();
  for (const ref of files.lockfiles)
    (NPM_FORMATS.has(ref.format) ? npmDirs : pythonDirs).add(path.posix.dirname(ref.path));
  const notes: string[] = [];
  for (const manifest of files.manifests) {
    const npm = manifest.endsWith("package.json");
    // A workspace member is locked by its workspace root's lockfile, in a folder above it.
    if (coveredBy(path.posix.dirname(manifest), npm ? npmDirs : pythonDirs)) continue;
    let text: string;
    try {
      text = readFileSync(path.join(root, manifest), "utf8");
    } catch {
      continue;
    }
    if (!(npm ? npmDeclaresDependencies(text) : pyprojectDeclaresDependencies(text))) continue;
    const fix = npm
      ? "`npm install` (or pnpm, yarn) writes one"
      : "lock them with poetry lock, uv lock or pip-compile";
    notes.push(`${manifest} has no lockfile: its dependencies were not checked (${fix})`);
  }
  return notes;
}

function coveredBy(dir: string, lockDirs: Set<string>): boolean {
  for (let d = dir; ; d = path.posix.dirname(d)) {
    if (lockDirs.has(d)) return true;
    if (d === "." || d === "/" || d === "") return false;
  }
}

function npmDeclaresDependencies(text: string): boolean {
  let manifest: unknown;
  try {
    manifest = JSON.parse(text);
  } catch {
    return false;
  }
  if (typeof manifest !== "object" || manifest === null) return false;
  const m = manifest as Record<string, unknown>;
  return ["dependencies", "devDependencies", "optionalDependencies"].some(
    (key) => typeof m[key] === "object" && m[key] !== null && Object.keys(m[key]).length > 0,
  );
}

/**
 * PEP 621 `dependencies = ["…"]` or Poetry's `[tool.poetry.dependencies]` naming more than python.
 * A line test, not a TOML parse: this runs for every pyproject.toml and needs no exactness.
 */
function pyprojectDeclaresDependencies(text: string): boolean {
  if (/^\s*dependencies\s*=\s*\[\s*["']/m.test(text)) return true;
  let inPoetry = false;
  for (const line of text.split(/\r?\n/)) {
    const header = /^\s*\[([^\]]+)\]/.exec(line);
    if (header) inPoetry = /^tool\.poetry\.(group\.[^.]+\.)?(dev-)?dependencies$/.test(header[1]!.trim());
    else if (inPoetry && /^\s*["']?[A-Za-z0-9]/.test(line) && !/^\s*["']?python["']?\s*=/.test(line))
      return true;
  }
  return false;
}
