/**
 * gitleaks' allowlist semantics. Each allowlist holds up to four criteria (commits, paths, regexes,
 * stopwords); with `condition = "OR"` any one that matches drops the finding, with `"AND"` every
 * criterion the allowlist sets must match.
 */
import type { CompiledAllowlist } from "./compile";

/** What an allowlist is tested against. `line` is computed only if a regex targets it. */
export interface AllowContext {
  path: string;
  commit: string | undefined;
  secret: string;
  match: string;
  line: () => string;
}

/**
 * Whether the allowlist drops this finding. Plain loops rather than `some` with closures: this runs
 * for every candidate, and inlined closures make more code for the optimising compiler to compile.
 */
export function isAllowed(a: CompiledAllowlist, ctx: AllowContext): boolean {
  const and = a.condition === "AND";
  let any = false;
  // A criterion decides the outcome when OR finds a match or AND finds a miss.
  if (a.commits.length > 0) {
    const passed = commitListed(a.commits, ctx.commit);
    any ||= passed;
    if (passed !== and) return !and;
  }
  if (a.paths.length > 0) {
    const passed = anyMatches(a.paths, ctx.path);
    any ||= passed;
    if (passed !== and) return !and;
  }
  if (a.regexes.length > 0) {
    const target = a.regexTarget === "match" ? ctx.match : a.regexTarget === "line" ? ctx.line() : ctx.secret;
    const passed = anyMatches(a.regexes, target);
    any ||= passed;
    if (passed !== and) return !and;
  }
  if (a.stopwords.length > 0) {
    const passed = containsAny(ctx.secret.toLowerCase(), a.stopwords);
    any ||= passed;
    if (passed !== and) return !and;
  }
  return and && any;
}

/** Whether a file's path alone drops every finding in it (so the file need not be read). */
export function isPathAllowed(allowlists: readonly CompiledAllowlist[], path: string): boolean {
  for (let i = 0; i < allowlists.length; i++) {
    const a = allowlists[i]!;
    if (a.pathOnly && anyMatches(a.paths, path)) return true;
  }
  return false;
}

function commitListed(commits: readonly string[], commit: string | undefined): boolean {
  if (commit === undefined) return false;
  const c = commit.toLowerCase();
  for (const x of commits) if (c === x || (x.length >= 7 && c.startsWith(x))) return true;
  return false;
}

function anyMatches(patterns: readonly RegExp[], s: string): boolean {
  for (let i = 0; i < patterns.length; i++) if (patterns[i]!.test(s)) return true;
  return false;
}

function containsAny(s: string, words: readonly string[]): boolean {
  for (let i = 0; i < words.length; i++) if (s.includes(words[i]!)) return true;
  return false;
}
