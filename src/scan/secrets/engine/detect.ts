/**
 * The pure core of secret detection: text and path in, candidate secrets out. One keyword pass picks
 * the rules worth running; each rule's regex then runs on the whole text (gitleaks' semantics, for
 * user rules) or only on the lines around its keywords (Sluice's rules), and every match goes through
 * the secret-group choice, entropy, filter, allowlists and inline `gitleaks:allow` / `sluice:allow`.
 */
import type { RawSecret } from "../types";
import { isAllowed, isPathAllowed } from "./allowlist";
import type { AllowContext } from "./allowlist";
import type { CompiledRule, Detector } from "./compile";
import { shannonEntropy } from "./entropy";
import type { KeywordHits } from "./keyword-matcher";

const INLINE_ALLOW = /(?:gitleaks|sluice):allow/;

/** Where a candidate was found and which rule found it; still holds the secret. */
export interface Detection extends RawSecret {
  /** Set for path-only rules, which report a file rather than a value. */
  pathOnly?: boolean;
}

/** The text being scanned, and where candidates go. */
interface TextScan {
  d: Detector;
  text: string;
  path: string;
  commit: string | undefined;
  found: Detection[];
}

/** Candidate secrets of one text, sorted by offset, deduplicated (see `dedupe`). */
export interface DetectResult {
  detections: Detection[];
  /** Every secret span that passed the checks, including ones dedupe dropped: redaction covers all. */
  spans: { start: number; end: number; secret: string }[];
}

/**
 * Detect secrets in one text. `path` is relative and `/`-separated; `commit` is set when scanning
 * history (allowlists may name commits). `hits` may be given when the caller already ran the keyword
 * pass (over the file's bytes), with offsets that are offsets into `text`.
 */
export function detectSecrets(
  d: Detector,
  text: string,
  path: string,
  commit?: string,
  hits: KeywordHits = d.matcher.scanString(text),
): DetectResult {
  const empty: DetectResult = { detections: [], spans: [] };
  if (isPathAllowed(d.global, path)) return empty;
  const order = [...hits.keys(), ...d.alwaysRun].sort((a, b) => a - b);
  const found: Detection[] = [];
  const scan: TextScan = { d, text, path, commit, found };
  for (const index of order) {
    const rule = d.rules[index]!;
    if (rule.path && !rule.path.test(path)) continue;
    if (isPathAllowed(rule.allowlists, path)) continue;
    if (!rule.regex) {
      if (rule.path) found.push(pathFinding(rule));
      continue;
    }
    const at = hits.get(index);
    if (rule.sticky && at) {
      for (const start of at) runRegex(scan, rule, rule.sticky, start, text.length);
      continue;
    }
    for (const [start, end] of windows(text, rule, at)) runRegex(scan, rule, rule.regex, start, end);
  }
  const spans = found.map((f) => ({ start: f.secretStart, end: f.secretEnd, secret: f.secret }));
  return { detections: dedupe(d, found), spans };
}

function pathFinding(rule: CompiledRule): Detection {
  return {
    ruleIndex: rule.index,
    secret: "",
    secretStart: 0,
    secretEnd: 0,
    matchStart: 0,
    matchEnd: 0,
    entropy: 0,
    pathOnly: true,
  };
}

/** The text ranges a rule's regex must see: whole lines around each keyword, merged. */
function windows(text: string, rule: CompiledRule, hits: number[] | undefined): [number, number][] {
  const w = rule.spec.window;
  if (w === "file" || hits === undefined) return [[0, text.length]];
  // Keywords of different lengths can report their starts slightly out of order.
  const sorted = hits.every((h, i) => i === 0 || hits[i - 1]! <= h) ? hits : [...hits].sort((a, b) => a - b);
  const out: [number, number][] = [];
  for (const hit of sorted) {
    const last = out[out.length - 1];
    if (last && hit <= last[1]) continue;
    const start = hit === 0 ? 0 : text.lastIndexOf("\n", hit - 1) + 1;
    const to = w === "line" || w === "anchor" ? hit : Math.min(text.length, hit + w);
    let end = text.indexOf("\n", to);
    if (end === -1) end = text.length;
    // Neighbouring windows merge, so a regex never sees half of a run of lines it could span.
    if (last && start <= last[1] + 1) last[1] = end;
    else out.push([start, end]);
  }
  return out;
}

/**
 * Run one rule's regex over text[start, end). A sticky regex is tried once, at `start`, on the
 * whole text (no copy); a global one runs over a slice of the window.
 */
function runRegex(
  scan: TextScan,
  rule: CompiledRule,
  re: RegExp | undefined,
  from: number,
  to: number,
): void {
  if (!re) return;
  const { d, text, path, commit, found } = scan;
  const sticky = re.sticky;
  const slice = sticky || (from === 0 && to === text.length) ? text : text.slice(from, to);
  const start = sticky ? 0 : from;
  re.lastIndex = sticky ? from : 0;
  for (let m = re.exec(slice); m !== null; m = sticky ? null : re.exec(slice)) {
    if (m[0].length === 0) re.lastIndex++;
    const group = secretGroup(rule, m);
    if (group < 0) continue;
    const secret = m[group]!;
    const [s0, s1] = m.indices![group]!;
    // The filter first: it is cheaper than entropy and rejects most generic candidates.
    if (rule.filter && !rule.filter(secret, m[0].slice(0, s0 - m.index), m)) continue;
    const entropy = shannonEntropy(secret);
    const minEntropy = rule.spec.entropy;
    if (minEntropy !== undefined && minEntropy > 0 && entropy <= minEntropy) continue;
    const matchStart = start + m.index;
    const matchEnd = matchStart + m[0].length;
    const ctx: AllowContext = {
      path,
      commit,
      secret,
      match: m[0],
      line: () => linesAround(text, matchStart, matchEnd),
    };
    if (rule.allowlists.some((a) => isAllowed(a, ctx)) || d.global.some((a) => isAllowed(a, ctx))) continue;
    if (INLINE_ALLOW.test(ctx.line())) continue;
    found.push({
      ruleIndex: rule.index,
      secret,
      secretStart: start + s0,
      secretEnd: start + s1,
      matchStart,
      matchEnd,
      entropy,
    });
  }
}

/** gitleaks: `secretGroup` if set, else the first capture group that matched, else the whole match. */
function secretGroup(rule: CompiledRule, m: RegExpExecArray): number {
  const g = rule.spec.secretGroup;
  if (g !== undefined && g > 0) return m[g] ? g : -1;
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

/**
 * Two rules finding the same value report it once (the earlier rule, the more specific by order),
 * and a generic rule's finding gives way to any other rule's finding that overlaps it.
 */
function dedupe(d: Detector, found: Detection[]): Detection[] {
  found.sort((a, b) => a.secretStart - b.secretStart || a.ruleIndex - b.ruleIndex);
  const specific = found.filter((f) => !d.rules[f.ruleIndex]!.spec.generic && !f.pathOnly);
  const out: Detection[] = [];
  const seen = new Set<string>();
  for (const f of found) {
    if (
      d.rules[f.ruleIndex]!.spec.generic &&
      specific.some((s) => s.secretStart < f.secretEnd && f.secretStart < s.secretEnd)
    ) {
      continue;
    }
    const key = f.pathOnly ? `path:${f.ruleIndex}` : `${f.secretStart}:${f.secretEnd}`;
    if (seen.has(key)) continue;
    seen.add(key);
    out.push(f);
  }
  return out;
}
