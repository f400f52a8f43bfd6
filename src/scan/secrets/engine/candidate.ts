/**
 * One regex match → a candidate secret, or nothing: the secret group, the rule's filter, entropy,
 * allowlists and inline `gitleaks:allow` / `sluice:allow` decide. Runs for every match (~20 000 on
 * the benchmark tree), so it is written without closures passed to array builtins: the optimising
 * compiler inlines those, and its time grows with what it inlines.
 */
import type { RawSecret } from "../types";
import { isAllowed } from "./allowlist";
import type { AllowContext } from "./allowlist";
import type { CompiledRule, Detector } from "./compile";
import { shannonEntropy } from "./entropy";

const INLINE_ALLOW = /(?:gitleaks|sluice):allow/;

/** Where a candidate was found and which rule found it; still holds the secret. */
export interface Detection extends RawSecret {
  /** True for path-only rules, which report a file rather than a value. */
  pathOnly: boolean;
}

/** The text being scanned, and where candidates go. */
export interface TextScan {
  d: Detector;
  text: string;
  path: string;
  commit: string | undefined;
  found: Detection[];
}

/**
 * Add the candidate of match `m` (of a rule's regex with the `d` flag) if it is one; the matched
 * string starts at `offset` in the text.
 */
export function acceptMatch(scan: TextScan, rule: CompiledRule, m: RegExpExecArray, offset: number): void {
  const group = secretGroup(rule, m);
  if (group < 0) return;
  const secret = m[group]!;
  const span = m.indices![group]!;
  const s0 = span[0];
  // The filter first: it is cheaper than entropy and rejects most generic candidates.
  const filter = rule.filter;
  if (filter !== undefined && !filter(secret, m[0].slice(0, s0 - m.index), m)) return;
  const entropy = shannonEntropy(secret);
  if (rule.minEntropy > 0 && entropy <= rule.minEntropy) return;
  const matchStart = offset + m.index;
  const matchEnd = matchStart + m[0].length;
  const text = scan.text;
  const ctx: AllowContext = {
    path: scan.path,
    commit: scan.commit,
    secret,
    match: m[0],
    line: () => linesAround(text, matchStart, matchEnd),
  };
  if (anyAllows(rule.allowlists, ctx) || anyAllows(scan.d.global, ctx)) return;
  if (INLINE_ALLOW.test(ctx.line())) return;
  scan.found.push({
    ruleIndex: rule.index,
    secret,
    secretStart: offset + s0,
    secretEnd: offset + span[1],
    matchStart,
    matchEnd,
    entropy,
    pathOnly: false,
  });
}

function anyAllows(allowlists: CompiledRule["allowlists"], ctx: AllowContext): boolean {
  for (let i = 0; i < allowlists.length; i++) if (isAllowed(allowlists[i]!, ctx)) return true;
  return false;
}

/** gitleaks: `secretGroup` if set, else the first capture group that matched, else the whole match. */
function secretGroup(rule: CompiledRule, m: RegExpExecArray): number {
  const g = rule.secretGroup;
  if (g > 0) return m[g] ? g : -1;
  for (let i = 1; i < m.length; i++) if (m[i]) return i;
  return m[0] ? 0 : -1;
}

/** The full line(s) a match spans. */
export function linesAround(text: string, start: number, end: number): string {
  const from = text.lastIndexOf("\n", start - 1) + 1;
  let to = text.indexOf("\n", Math.max(start, end - 1));
  if (to === -1) to = text.length;
  return text.slice(from, to);
}
