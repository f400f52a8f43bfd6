import { createHash } from "node:crypto";
import { closeSync, createReadStream, lstatSync, openSync, readSync, realpathSync } from "node:fs";
import { lstat, realpath } from "node:fs/promises";
import path from "node:path";
import picomatch from "picomatch";
import type { GlobOptions } from "tinyglobby";
import { escapePath, glob, globSync } from "tinyglobby";
import { createError } from "../core/errors";

/**
 * The `hashFiles()` expression function, with the runner's algorithm: glob the workspace, sha256 each
 * matched file, and sha256 the concatenation of those binary digests.
 */

// The runner matches with @actions/glob (minimatch with dot files, no braces, no extglobs); use the same
// dialect so `{a,b}` or `+(x)` mean what they mean on GitHub: literal characters.
const GLOB_DIALECT = { dot: true, nobrace: true, noextglob: true } as const;

/** What hashFiles never selects, whatever the patterns say. */
export interface HashFilesOptions {
  /**
   * Workspace-relative paths (`/`-separated) of files or directories to leave out, with everything
   * below them: files inside the workspace that a GitHub runner keeps elsewhere (Sluice's state).
   */
  exclude?: readonly string[];
}

interface ParsedPattern {
  negated: boolean;
  /** The glob, relative to the workspace, without `!`, `./` or a trailing `/`. */
  glob: string;
}

/** Reads the pattern lines as @actions/glob does: trimmed, blank and `#` lines skipped; keeps order. */
function parsePatterns(workspace: string, patterns: readonly string[]): ParsedPattern[] {
  const parsed: ParsedPattern[] = [];
  for (const raw of patterns) {
    let line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    const negated = line.startsWith("!");
    if (negated) line = line.slice(1).trim();
    if (path.isAbsolute(line)) {
      const rel = path.relative(workspace, line);
      // A pattern rooted outside the workspace cannot select a file inside it.
      if (rel === ".." || rel.startsWith(`..${path.sep}`) || path.isAbsolute(rel)) continue;
      line = rel === "" ? "**" : rel.split(path.sep).join("/");
    }
    while (line.startsWith("./")) line = line.slice(2);
    while (line.length > 1 && line.endsWith("/")) line = line.slice(0, -1);
    if (line === "" || line === ".") line = "**";
    parsed.push({ negated, glob: line });
  }
  return parsed;
}

/**
 * Applies the patterns in order to one relative path: a pattern selects a path it matches or any path
 * below a directory it matches (@actions/glob's implicit descendants), the last selecting pattern decides.
 */
function selectedInOrder(
  rel: string,
  matchers: { negated: boolean; test: (p: string) => boolean }[],
): boolean {
  let selected = false;
  for (const m of matchers) if (m.negated === selected && m.test(rel)) selected = !m.negated;
  return selected;
}

function isInside(root: string, target: string): boolean {
  const rel = path.relative(root, target);
  return rel !== "" && !rel.startsWith(`..${path.sep}`) && rel !== ".." && !path.isAbsolute(rel);
}

async function sha256File(file: string): Promise<Buffer> {
  const hash = createHash("sha256");
  // Streamed: workspaces hold multi-gigabyte files that must not be read into memory at once.
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest();
}

function sha256FileSync(file: string): Buffer {
  const hash = createHash("sha256");
  const buffer = Buffer.allocUnsafe(1 << 20);
  const fd = openSync(file, "r");
  try {
    // Read in fixed chunks for the same reason the async variant streams.
    for (let n = readSync(fd, buffer); n > 0; n = readSync(fd, buffer)) hash.update(buffer.subarray(0, n));
  } finally {
    closeSync(fd);
  }
  return hash.digest();
}

interface GlobPlan {
  positives: string[];
  options: GlobOptions;
  /** Whether `keep` must be applied to the crawl's results (some negation precedes a positive pattern). */
  ordered: boolean;
  keep: (rel: string) => boolean;
}

/** What to crawl for, given the workspace's real path; undefined when no pattern can select anything. */
function planGlob(root: string, patterns: readonly string[], opts: HashFilesOptions): GlobPlan | undefined {
  const parsed = parsePatterns(root, patterns);
  const lastPositive = parsed.findLastIndex((p) => !p.negated);
  if (lastPositive < 0) return undefined;
  // Negations after the last positive pattern can only remove, so the crawl may skip them outright
  // (this is what keeps `!**/node_modules/**` from walking node_modules); earlier ones are applied in order.
  const ordered = parsed.slice(0, lastPositive + 1);
  const matchers = ordered.map((p) => {
    const self = picomatch(p.glob, GLOB_DIALECT);
    const below = picomatch(`${p.glob}/**`, GLOB_DIALECT);
    return { negated: p.negated, test: (rel: string) => self(rel) || below(rel) };
  });
  return {
    positives: ordered.filter((p) => !p.negated).map((p) => p.glob),
    options: {
      cwd: root,
      ignore: [
        ...parsed.slice(lastPositive + 1).map((p) => p.glob),
        ...(opts.exclude ?? []).flatMap((rel) => [escapePath(rel), `${escapePath(rel)}/**`]),
      ],
      dot: true,
      braceExpansion: false,
      extglob: false,
      expandDirectories: true,
      followSymbolicLinks: false,
      onlyFiles: true,
    },
    ordered: ordered.some((p) => p.negated),
    keep: (rel) => selectedInOrder(rel, matchers),
  };
}

/** Candidates that may be regular files inside the workspace, as absolute and `/`-separated relative paths. */
function insideCandidates(
  root: string,
  plan: GlobPlan,
  found: string[],
): { absolute: string; rel: string }[] {
  const selected = plan.ordered ? found.filter(plan.keep) : found;
  const out: { absolute: string; rel: string }[] = [];
  for (const rel of new Set(selected)) {
    const absolute = path.resolve(root, rel);
    // `../` patterns reach outside the workspace.
    if (isInside(root, absolute))
      out.push({ absolute, rel: path.relative(root, absolute).split(path.sep).join("/") });
  }
  return out;
}

// Code-unit order, not locale order: the digest must not depend on the machine it runs on. (The runner
// hashes in directory-walk order, which the file system decides; sorting is what makes ours stable.)
function sortPaths(paths: string[]): string[] {
  return paths.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

/**
 * The workspace-relative paths (with `/`) of the regular files `patterns` select, sorted.
 * Patterns are globs relative to `workspace`; `**` crosses directories, hidden files are included, a
 * pattern naming a directory selects everything below it, and a `!` pattern deselects what earlier
 * patterns selected (a later positive pattern selects again). Only regular files count: symbolic links
 * are neither followed nor hashed, so a link cannot pull content from outside the workspace into a key.
 * Nothing under `opts.exclude` is selected.
 */
export async function matchWorkspaceFiles(
  workspace: string,
  patterns: readonly string[],
  opts: HashFilesOptions = {},
): Promise<string[]> {
  const root = await realpath(workspace);
  const plan = planGlob(root, patterns, opts);
  if (!plan) return [];
  const files: string[] = [];
  for (const c of insideCandidates(root, plan, await glob(plan.positives, plan.options))) {
    // A file removed since the crawl has nothing to hash.
    const stats = await lstat(c.absolute).catch(() => undefined);
    if (stats?.isFile()) files.push(c.rel);
  }
  return sortPaths(files);
}

/** {@link matchWorkspaceFiles}, synchronously. */
export function matchWorkspaceFilesSync(
  workspace: string,
  patterns: readonly string[],
  opts: HashFilesOptions = {},
): string[] {
  const root = realpathSync(workspace);
  const plan = planGlob(root, patterns, opts);
  if (!plan) return [];
  const files: string[] = [];
  for (const c of insideCandidates(root, plan, globSync(plan.positives, plan.options))) {
    if (lstatSync(c.absolute, { throwIfNoEntry: false })?.isFile()) files.push(c.rel);
  }
  return sortPaths(files);
}

function readError(rel: string, cause: unknown): Error {
  return createError("SLUICE_E_EXPRESSION_EVAL", `hashFiles could not read ${rel}`, { cause });
}

/**
 * `hashFiles(patterns...)`: the hex sha256 of the concatenated binary sha256 digests of every file
 * {@link matchWorkspaceFiles} selects, in sorted path order; "" when no file is selected. Reads files as
 * streams. Throws SLUICE_E_EXPRESSION_EVAL when a selected file cannot be read.
 */
export async function hashFiles(
  workspace: string,
  patterns: readonly string[],
  opts: HashFilesOptions = {},
): Promise<string> {
  const files = await matchWorkspaceFiles(workspace, patterns, opts);
  if (files.length === 0) return "";
  const root = await realpath(workspace);
  const outer = createHash("sha256");
  for (const rel of files) {
    try {
      outer.update(await sha256File(path.join(root, rel)));
    } catch (cause) {
      throw readError(rel, cause);
    }
  }
  return outer.digest("hex");
}

/**
 * {@link hashFiles}, synchronously, for the expression evaluator (whose functions cannot await). Same
 * result; files are read in 1 MiB chunks, never whole. Throws SLUICE_E_EXPRESSION_EVAL like hashFiles.
 */
export function hashFilesSync(
  workspace: string,
  patterns: readonly string[],
  opts: HashFilesOptions = {},
): string {
  const files = matchWorkspaceFilesSync(workspace, patterns, opts);
  if (files.length === 0) return "";
  const root = realpathSync(workspace);
  const outer = createHash("sha256");
  for (const rel of files) {
    try {
      outer.update(sha256FileSync(path.join(root, rel)));
    } catch (cause) {
      throw readError(rel, cause);
    }
  }
  return outer.digest("hex");
}
