import path from "node:path";
import type { CoverageSummary, FileCoverage } from "../../report/types";
import type { ChangedLines } from "./changed-lines";

/**
 * SonarQube's "coverage on new code", line flavour: of the lines a change added or modified, those the
 * coverage tool instruments (the lines it reports a hit count for) are coverable, and those with a hit
 * count above zero are covered. Changed lines that are not executable (blank lines, comments, types) or
 * that lie in files the report does not know are neither, exactly as SonarQube leaves them out.
 */

export interface UncoveredLines {
  /** Repository-relative POSIX path. */
  file: string;
  /** Changed, instrumented, never-hit lines, ascending. */
  lines: number[];
}

export interface NewCodeCoverage {
  coveredLines: number;
  coverableLines: number;
  /** coveredLines / coverableLines × 100; 100 when nothing changed is coverable (the `Ratio` convention). */
  percent: number;
  /** Files with uncovered new lines, sorted by path. */
  uncovered: UncoveredLines[];
}

/**
 * Coverage of the changed lines. `repoRoot` is the repository's absolute path, against which `changed`
 * paths are relative; `coverageRoot` is the directory the coverage report's relative paths are relative
 * to (absolute, or relative to `repoRoot`; default `repoRoot`). Pure: paths are matched as strings.
 */
export function newCodeCoverage(
  changed: ChangedLines,
  coverage: CoverageSummary,
  repoRoot: string,
  coverageRoot?: string,
): NewCodeCoverage {
  const hitsByFile = matchCoverageFiles([...changed.keys()], coverage.files, repoRoot, coverageRoot);
  let coveredLines = 0;
  let coverableLines = 0;
  const uncovered: UncoveredLines[] = [];
  for (const [file, lines] of changed) {
    const hits = hitsByFile.get(file);
    if (hits === undefined) continue;
    const missed: number[] = [];
    for (const line of lines) {
      const count = hits.get(line);
      if (count === undefined) continue;
      coverableLines++;
      if (count > 0) coveredLines++;
      else missed.push(line);
    }
    if (missed.length > 0) uncovered.push({ file, lines: missed.sort((a, b) => a - b) });
  }
  uncovered.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  const percent = coverableLines === 0 ? 100 : (coveredLines / coverableLines) * 100;
  return { coveredLines, coverableLines, percent, uncovered };
}

/**
 * Line hits per changed file, found by resolving each coverage path to a repository path. Exact
 * resolutions win over suffix guesses: a guessed entry never lands on a file that some entry names
 * exactly. Reports of several runs (or one file listed twice) are merged by adding hit counts.
 */
export function matchCoverageFiles(
  changedFiles: readonly string[],
  files: readonly FileCoverage[],
  repoRoot: string,
  coverageRoot?: string,
): Map<string, Map<number, number>> {
  const known = new Set(changedFiles);
  const resolved = files.map((fc) => ({
    fc,
    match: resolveCoveragePath(fc.path, known, repoRoot, coverageRoot),
  }));
  const exactly = new Set(resolved.flatMap((r) => (r.match?.exact ? [r.match.path] : [])));
  const matched = new Map<string, Map<number, number>>();
  for (const { fc, match } of resolved) {
    if (match === undefined || (!match.exact && exactly.has(match.path))) continue;
    const merged = matched.get(match.path) ?? new Map<number, number>();
    for (const [line, count] of fc.lineHits) merged.set(line, (merged.get(line) ?? 0) + count);
    matched.set(match.path, merged);
  }
  return matched;
}

function toPosix(p: string): string {
  return p.replace(/\\/g, "/");
}

function stripDotSlash(p: string): string {
  let out = p;
  while (out.startsWith("./")) out = out.slice(2);
  return out;
}

/** A POSIX path relative to `root`, or undefined when `abs` lies outside it. */
function relativeInside(root: string, abs: string): string | undefined {
  const rel = toPosix(path.posix.relative(toPosix(root), toPosix(abs)));
  return rel === "" || rel.startsWith("../") || rel === ".." || rel.startsWith("/") ? undefined : rel;
}

function isAbsolutePath(p: string): boolean {
  return p.startsWith("/") || /^[A-Za-z]:\//.test(p);
}

/**
 * The repository path a coverage entry names, among `known` paths:
 * 1. exact: an absolute path inside `repoRoot`, or a relative one resolved against `coverageRoot`;
 * 2. guessed, when that fails and the report's root is not known for sure (an absolute path from
 *    another machine, or a relative path with no `coverageRoot`, as from a report made in a package
 *    directory): the known path that the coverage path ends with, or that ends with it, on a `/`
 *    boundary, taken only when exactly one known path fits so that no file is credited by chance.
 */
export function resolveCoveragePath(
  coveragePath: string,
  known: ReadonlySet<string>,
  repoRoot: string,
  coverageRoot?: string,
): { path: string; exact: boolean } | undefined {
  const raw = stripDotSlash(toPosix(coveragePath.replace(/^file:\/\//, "")));
  const root = toPosix(repoRoot);
  const absolute = isAbsolutePath(raw);
  const base = coverageRoot === undefined ? root : path.posix.resolve(root, toPosix(coverageRoot));
  const direct = relativeInside(root, absolute ? raw : path.posix.join(base, raw));
  if (direct !== undefined && known.has(direct)) return { path: direct, exact: true };
  const rootKnown = absolute ? direct !== undefined : coverageRoot !== undefined;
  if (rootKnown) return undefined;
  const guess = uniqueSuffixMatch(raw, known, absolute);
  return guess === undefined ? undefined : { path: guess, exact: false };
}

function uniqueSuffixMatch(raw: string, known: ReadonlySet<string>, absolute: boolean): string | undefined {
  const bare = raw.replace(/^[A-Za-z]:/, "").replace(/^\/+/, "");
  if (bare === "") return undefined;
  // An absolute path from elsewhere ends with the repository path; a relative one from a subdirectory
  // is a tail of it.
  const fits = [...known].filter(
    (k) => k === bare || (absolute ? bare.endsWith(`/${k}`) : k.endsWith(`/${bare}`)),
  );
  return fits.length === 1 ? fits[0] : undefined;
}
