/**
 * Finding and reading lockfiles under a project root: the I/O edge around the pure parsers. Each
 * lockfile becomes one DependencyGraph; the manifest beside it (package.json, pyproject.toml,
 * Pipfile) tells direct dependencies from transitive ones.
 */
import { isSluiceError } from "../../core/errors";
import { existsSync, readFileSync } from "node:fs";
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import type { DependencyGraph } from "../types";
import { readPackageJson, type ManifestDeps } from "./manifest";
import { parsePackageLock } from "./package-lock";
import { parseRequirements } from "./requirements";
import type { LockfileContext, LockfileFormat, LockfileParser } from "./types";
import { unlockedManifests } from "./unlocked";
import { parseYarnClassic } from "./yarn-classic";

export type { LockfileContext, LockfileFormat, LockfileParser } from "./types";
export type { ManifestDeps } from "./manifest";

/** A lockfile found under the root: its path (relative, `/`-separated) and format. */
export interface LockfileRef {
  path: string;
  format: LockfileFormat;
}

const BY_NAME: Record<string, LockfileFormat> = {
  "package-lock.json": "package-lock",
  "npm-shrinkwrap.json": "npm-shrinkwrap",
  "pnpm-lock.yaml": "pnpm-lock",
  "yarn.lock": "yarn-classic",
  "poetry.lock": "poetry-lock",
  "Pipfile.lock": "pipfile-lock",
  "uv.lock": "uv-lock",
};
const SKIP_DIRS = new Set([
  "node_modules",
  ".git",
  ".hg",
  ".svn",
  ".venv",
  "venv",
  "__pycache__",
  ".sluice",
  ".tox",
  ".yarn",
]);
const MAX_DEPTH = 8;

/**
 * The parser for a lockfile (yarn.lock holds two formats; Yarn 2+ writes YAML with a `__metadata`
 * block). The YAML formats (pnpm, Yarn 2+) and the Python ones (TOML manifests and lockfiles) load
 * their parsers, and with them `yaml` or `smol-toml`, on first use: an npm project's scan loads
 * neither. `parsers.ts` has them all in one synchronous table.
 */
async function parserFor(format: LockfileFormat, text: string): Promise<LockfileParser> {
  switch (format) {
    case "package-lock":
    case "npm-shrinkwrap":
      return parsePackageLock;
    case "requirements":
      return parseRequirements;
    case "yarn-classic":
    case "yarn-berry":
      return /^__metadata:/m.test(text) ? (await import("./yaml-parsers")).parseYarnBerry : parseYarnClassic;
    case "pnpm-lock":
      return (await import("./yaml-parsers")).parsePnpmLock;
    case "pipfile-lock":
      return (await import("./python-parsers")).parsePipfileLock;
    case "poetry-lock":
      return (await import("./python-parsers")).parsePoetryLock;
    case "uv-lock":
      return (await import("./python-parsers")).parseUvLock;
  }
}

function requirementsFile(name: string, dir: string): boolean {
  return (
    /requirements.*\.txt$/i.test(name) || (path.basename(dir) === "requirements" && name.endsWith(".txt"))
  );
}

/** Files that declare dependencies but lock none by themselves (see unlocked.ts). */
const MANIFEST_NAMES = new Set(["package.json", "pyproject.toml"]);

/** What a walk of the project finds: lockfiles, and manifests (relative, `/`-separated, sorted). */
export interface ProjectFiles {
  lockfiles: LockfileRef[];
  manifests: string[];
}

/** Path filters for discovery: `exclude` (scan.exclude) drops lockfiles and manifests it matches. */
export interface DiscoverOptions {
  exclude?: (file: string) => boolean;
}

/** Lockfiles under `root` (dependency folders and VCS metadata skipped), sorted by path. */
export async function findLockfiles(root: string, options: DiscoverOptions = {}): Promise<LockfileRef[]> {
  return (await findProjectFiles(root, options)).lockfiles;
}

/** Lockfiles and manifests under `root`, in one walk. */
export async function findProjectFiles(root: string, options: DiscoverOptions = {}): Promise<ProjectFiles> {
  const found: LockfileRef[] = [];
  const manifests: string[] = [];
  const kept = (rel: string) => !options.exclude?.(rel);
  const walk = async (dir: string, depth: number): Promise<void> => {
    let items;
    try {
      items = await readdir(path.join(root, dir), { withFileTypes: true });
    } catch {
      return;
    }
    const names = new Set(items.filter((i) => i.isFile()).map((i) => i.name));
    for (const item of items) {
      const rel = dir === "" ? item.name : `${dir}/${item.name}`;
      if (item.isDirectory()) {
        if (depth < MAX_DEPTH && !SKIP_DIRS.has(item.name)) await walk(rel, depth + 1);
      } else if (item.isFile()) {
        const format = BY_NAME[item.name] ?? (requirementsFile(item.name, dir) ? "requirements" : undefined);
        if (MANIFEST_NAMES.has(item.name) && kept(rel)) manifests.push(rel);
        // npm reads npm-shrinkwrap.json and ignores package-lock.json beside it.
        if (format === "package-lock" && names.has("npm-shrinkwrap.json")) continue;
        if (format && kept(rel))
          found.push({
            path: rel,
            format: format === "yarn-classic" ? yarnFormat(path.join(root, rel)) : format,
          });
      }
    }
  };
  await walk("", 0);
  const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
  return { lockfiles: found.sort((a, b) => byPath(a.path, b.path)), manifests: manifests.sort(byPath) };
}

function yarnFormat(file: string): LockfileFormat {
  try {
    return /^__metadata:/m.test(readFileSync(file, "utf8").slice(0, 4096)) ? "yarn-berry" : "yarn-classic";
  } catch {
    return "yarn-classic";
  }
}

/** The manifest that names a lockfile's direct dependencies, read from the lockfile's folder. */
async function manifestFor(
  format: LockfileFormat,
  read: (rel: string) => string | undefined,
): Promise<ManifestDeps | undefined> {
  if (format === "poetry-lock" || format === "uv-lock") {
    const text = read("pyproject.toml");
    return text === undefined ? undefined : (await import("./python-parsers")).readPyproject(text);
  }
  if (format === "pipfile-lock") {
    const text = read("Pipfile");
    return text === undefined ? undefined : (await import("./python-parsers")).readPipfile(text);
  }
  if (format === "requirements") return undefined;
  const text = read("package.json");
  return text === undefined ? undefined : readPackageJson(text);
}

/**
 * A reader for files relative to `dir`, confined to `root`. Files in `own` are lockfiles read on
 * their own: an include of one reads as empty, so its packages are reported once, at its lines.
 */
function readerFor(root: string, dir: string, own: Set<string>): (rel: string) => string | undefined {
  const base = path.resolve(root);
  return (rel) => {
    const abs = path.resolve(base, dir, rel);
    if (abs !== base && !abs.startsWith(base + path.sep)) return undefined;
    if (own.has(path.relative(base, abs).split(path.sep).join("/"))) return "";
    try {
      return existsSync(abs) ? readFileSync(abs, "utf8") : undefined;
    } catch {
      return undefined;
    }
  };
}

/**
 * Reads every lockfile under `root` into a graph, in path order. A malformed lockfile throws
 * SLUICE_E_LOCKFILE located in it.
 */
export async function readDependencyGraphs(
  root: string,
  lockfiles?: LockfileRef[],
  options: DiscoverOptions = {},
): Promise<DependencyGraph[]> {
  const refs = lockfiles ?? (await findLockfiles(root, options));
  return readGraphs(root, refs, lockfiles !== undefined);
}

/**
 * Every lockfile under `root` as graphs, as readDependencyGraphs reads them, and a note for each
 * manifest that declares dependencies no lockfile pins (those were not checked).
 */
export async function readProjectDependencies(
  root: string,
  options: DiscoverOptions = {},
): Promise<{ graphs: DependencyGraph[]; unlocked: string[] }> {
  const files = await findProjectFiles(root, options);
  const graphs = await readGraphs(root, files.lockfiles, false);
  return { graphs, unlocked: unlockedManifests(root, files) };
}

async function readGraphs(root: string, refs: LockfileRef[], named: boolean): Promise<DependencyGraph[]> {
  const requirements = new Set(refs.filter((r) => r.format === "requirements").map((r) => r.path));
  const graphs: DependencyGraph[] = [];
  for (const ref of refs) {
    const text = await readFile(path.join(root, ref.path), "utf8");
    const read = readerFor(root, path.posix.dirname(ref.path), requirements);
    const context: LockfileContext = { manifest: await manifestFor(ref.format, read), readFile: read };
    const parse = await parserFor(ref.format, text);
    try {
      graphs.push(parse(text, ref.path, context));
    } catch (err) {
      // A malformed lockfile the caller named, or the project's own (at the root), stops the scan. One
      // found deeper (a test fixture, a vendored example) is reported and skipped, so a repository's
      // fixtures cannot block scanning its real dependencies.
      if (named || !ref.path.includes("/") || !isSluiceError(err)) throw err;
      // The note names the lockfile once (its message starts with the place already).
      const reason = err.message.replace(new RegExp(`^${escapeRegExp(ref.path)}(:\\d+)*: `), "");
      graphs.push(skippedGraph(ref, `skipped: ${reason}`, err.location?.line));
    }
  }
  return graphs;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

function skippedGraph(ref: LockfileRef, message: string, line: number | undefined): DependencyGraph {
  const ecosystem = ["requirements", "poetry", "pipfile", "uv"].includes(ref.format) ? "PyPI" : "npm";
  return {
    ecosystem,
    lockfile: ref.path,
    root: { name: "", version: "" },
    packages: new Map(),
    warnings: [{ message, ...(line !== undefined ? { line } : {}) }],
  };
}
