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

/** Whether the allowlist drops this finding. */
export function isAllowed(a: CompiledAllowlist, ctx: AllowContext): boolean {
  const and = a.condition === "AND";
  let any = false;
  const check = (passed: boolean): boolean => {
    any ||= passed;
    // true: the outcome is decided (OR found a match, AND found a miss).
    return and ? !passed : passed;
  };
  if (a.commits.length > 0) {
    const c = ctx.commit?.toLowerCase();
    if (check(c !== undefined && a.commits.some((x) => c === x || (x.length >= 7 && c.startsWith(x)))))
      return !and;
  }
  if (a.paths.length > 0 && check(a.paths.some((r) => r.test(ctx.path)))) return !and;
  if (a.regexes.length > 0) {
    const target = a.regexTarget === "match" ? ctx.match : a.regexTarget === "line" ? ctx.line() : ctx.secret;
    if (check(a.regexes.some((r) => r.test(target)))) return !and;
  }
  if (a.stopwords.length > 0) {
    const lower = ctx.secret.toLowerCase();
    if (check(a.stopwords.some((w) => lower.includes(w)))) return !and;
  }
  return and && any;
}

/** Whether a file's path alone drops every finding in it (so the file need not be read). */
export function isPathAllowed(allowlists: readonly CompiledAllowlist[], path: string): boolean {
  return allowlists.some((a) => a.pathOnly && a.paths.some((r) => r.test(path)));
}
