/**
 * Multi-line path patterns as @actions/glob reads them for actions/cache and actions/upload-artifact:
 * one pattern a line, `!` excludes, later lines override earlier ones, `~` is the home directory, and
 * relative patterns start at the workspace. Each pattern's literal leading segments form its search
 * path; only those directories are walked.
 */
import type { Dirent } from "node:fs";
import { readdir, realpath, stat, lstat } from "node:fs/promises";
import { join, relative, sep, isAbsolute, dirname } from "node:path";
import picomatch from "picomatch";

export interface MatchOptions {
  /** Turns a user-written pattern (with `~`, relative) into an absolute path pattern. */
  resolve(pattern: string): string;
  /**
   * When a directory matches, true yields the files below it (upload-artifact); false yields the
   * directory itself and does not descend (cache, which archives whole directories).
   */
  implicitDescendants: boolean;
  /** false skips files and directories whose name starts with `.` below each search path. */
  includeHidden: boolean;
  /** true walks into symlinked directories (loops are cut); false reports symlinks as entries. */
  followSymlinks: boolean;
  signal?: AbortSignal;
}

export interface MatchResult {
  /** Matched absolute paths, sorted and unique: files, or top-most files and directories (see implicitDescendants). */
  paths: string[];
  /** The search path of every include pattern, deduplicated and without descendants of one another. */
  searchPaths: string[];
}

interface CompiledPattern {
  negate: boolean;
  /** Absolute literal directory or file the pattern starts at. */
  root: string;
  /** The glob part after `root` ('' for a literal path); matched against paths relative to `root`. */
  rest: string;
  test(relSlash: string): boolean;
}

const GLOB_CHARS = /[*?[]/;
// @actions/glob uses minimatch without braces or extglobs; matching that keeps `{a,b}` literal.
const PM_OPTIONS = { dot: true, nobrace: true, noextglob: true } as const;

/** Compiles one line; matching relative to the literal root keeps odd characters in directory names literal. */
function compile(line: string, options: MatchOptions): CompiledPattern {
  const negate = line.startsWith("!");
  const absolute = options.resolve(negate ? line.slice(1).trim() : line);
  const segments = absolute.split(sep);
  const firstGlob = segments.findIndex((s) => GLOB_CHARS.test(s));
  const root = firstGlob === -1 ? absolute : segments.slice(0, firstGlob).join(sep) || sep;
  const rest = firstGlob === -1 ? "" : segments.slice(firstGlob).join("/");
  const direct = rest === "" ? (rel: string) => rel === "" : picomatch(rest, PM_OPTIONS);
  const below =
    rest === ""
      ? (rel: string) => rel !== ""
      : picomatch(rest.endsWith("**") ? rest : `${rest}/**`, PM_OPTIONS);
  const implicit = options.implicitDescendants;
  return { negate, root, rest, test: (rel) => direct(rel) || (implicit && below(rel)) };
}

function isWithin(root: string, path: string): string | undefined {
  const rel = relative(root, path);
  if (rel.startsWith("..") || isAbsolute(rel)) return undefined;
  return rel.split(sep).join("/");
}

/** Applies the patterns in order, as @actions/glob does: an include sets, a later `!` clears. */
function isMatch(patterns: CompiledPattern[], path: string): boolean {
  let included = false;
  for (const p of patterns) {
    const rel = isWithin(p.root, path);
    if (rel === undefined || !p.test(rel)) continue;
    included = !p.negate;
  }
  return included;
}

/** Search roots of the include patterns, without any that lies inside another (it would be walked twice). */
function searchRoots(patterns: CompiledPattern[]): string[] {
  const roots = [...new Set(patterns.filter((p) => !p.negate).map((p) => p.root))].sort();
  return roots.filter((r) => !roots.some((o) => o !== r && isWithin(o, r) !== undefined));
}

/** Resolves multi-line patterns to the paths they match. Missing search paths simply match nothing. */
export async function matchPaths(lines: string[], options: MatchOptions): Promise<MatchResult> {
  const patterns = lines.map((line) => compile(line, options));
  const found = new Set<string>();
  const visited = new Set<string>();
  const roots = searchRoots(patterns);

  const visit = async (path: string, isDir: boolean): Promise<void> => {
    options.signal?.throwIfAborted();
    const matched = isMatch(patterns, path);
    if (!isDir) {
      if (matched) found.add(path);
      return;
    }
    if (matched && !options.implicitDescendants) {
      found.add(path);
      return;
    }
    if (options.followSymlinks) {
      // A symlinked directory pointing at an ancestor would otherwise be walked forever.
      const real = await realpath(path).catch(() => undefined);
      if (real === undefined || visited.has(real)) return;
      visited.add(real);
    }
    let entries: Dirent[];
    try {
      entries = await readdir(path, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (!options.includeHidden && entry.name.startsWith(".")) continue;
      const child = join(path, entry.name);
      const kind = await entryKind(child, entry, options.followSymlinks);
      if (kind !== "missing") await visit(child, kind === "dir");
    }
  };

  for (const root of roots) {
    const kind = await entryKind(root, undefined, options.followSymlinks);
    if (kind !== "missing") await visit(root, kind === "dir");
  }
  const sorted = [...found].sort();
  const paths = options.implicitDescendants
    ? sorted
    : sorted.filter((p) => !sorted.some((o) => o !== p && isWithin(o, p) !== undefined));
  return { paths, searchPaths: roots };
}

async function entryKind(
  path: string,
  entry: Dirent | undefined,
  follow: boolean,
): Promise<"file" | "dir" | "missing"> {
  if (entry && !entry.isSymbolicLink()) return entry.isDirectory() ? "dir" : "file";
  try {
    const s = follow ? await stat(path) : await lstat(path);
    return s.isDirectory() ? "dir" : "file";
  } catch {
    // Broken symlinks are skipped, as @actions/glob's omitBrokenSymbolicLinks does by default.
    return "missing";
  }
}

/** The deepest directory containing every path (the artifact root @actions/artifact computes). */
export function commonAncestor(paths: string[]): string {
  const split = paths.map((p) => p.split(sep));
  const first = split[0] ?? [];
  let n = 0;
  while (n < first.length && split.every((s) => s[n] === first[n])) n++;
  return first.slice(0, n).join(sep) || sep;
}

/** The directory an upload's paths are stored relative to, following upload-artifact v4's rules. */
export function artifactRoot(result: MatchResult): string {
  const [only] = result.searchPaths;
  if (result.searchPaths.length !== 1 || only === undefined) return commonAncestor(result.searchPaths);
  // A single file named without wildcards is stored flat, under its own name.
  if (result.paths.length === 1 && result.paths[0] === only) return dirname(only);
  return only;
}
