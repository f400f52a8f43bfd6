/**
 * The pure core of secret detection: text and path in, candidate secrets out. One keyword pass picks
 * the rules worth running; each rule's regex then runs on the whole text (gitleaks' semantics, for
 * user rules) or only on the lines around its keywords (Sluice's rules), and every match goes through
 * the secret-group choice, entropy, filter, allowlists and inline `gitleaks:allow` / `sluice:allow`.
 */
import { isPathAllowed } from "./allowlist";
import { acceptMatch } from "./candidate";
import type { Detection, TextScan } from "./candidate";
import type { CompiledRule, Detector } from "./compile";
import type { KeywordHits } from "./keyword-matcher";

export type { Detection };

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
 *
 * Runs once per file with a keyword — nearly every file — so it is kept small, and what only texts
 * with candidates need (dedupe, spans) is done apart: the optimising compiler's time grows with the
 * size of a hot function and everything it inlines, and it was a large share of a scan's CPU time.
 */
export function detectSecrets(
  d: Detector,
  text: string,
  path: string,
  commit?: string,
  hits: KeywordHits = d.matcher.scanString(text),
): DetectResult {
  if (isPathAllowed(d.global, path)) return { detections: [], spans: [] };
  const scan: TextScan = { d, text, path, commit, found: [] };
  // Rules run in the order their keywords first occur: `toResult` orders the candidates by offset
  // and rule, so only the order of one rule's own candidates matters, and that stays the hits' order.
  hits.forEach((at, index) => runRule(scan, d.rules[index]!, at));
  const always = d.alwaysRun;
  for (let i = 0; i < always.length; i++) runRule(scan, d.rules[always[i]!]!, undefined);
  return scan.found.length === 0 ? { detections: [], spans: [] } : toResult(d, scan.found);
}

/** One rule over the text: `at` holds its keywords' offsets (undefined: it has no keywords). */
function runRule(scan: TextScan, rule: CompiledRule, at: number[] | undefined): void {
  const path = scan.path;
  if (rule.path && !rule.path.test(path)) return;
  if (isPathAllowed(rule.allowlists, path)) return;
  if (!rule.regex) {
    if (rule.path) scan.found.push(pathFinding(rule));
    return;
  }
  if (rule.sticky && at) {
    for (let i = 0; i < at.length; i++) runSticky(scan, rule, rule.sticky, at[i]!);
    return;
  }
  runWindows(scan, rule, rule.regex, at);
}

/**
 * Candidates by offset, then rule (stable: one rule's own candidates keep their order): the order
 * they had when rules ran by index. Spans keep it too, since redaction walks same-offset spans in
 * that order.
 */
function toResult(d: Detector, found: Detection[]): DetectResult {
  found.sort((a, b) => a.secretStart - b.secretStart || a.ruleIndex - b.ruleIndex);
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

/**
 * Run a rule's global regex over the text ranges it must see: whole lines around each keyword,
 * merged (neighbouring windows merge, so a regex never sees half of a run of lines it could span);
 * the whole text for `file` windows and rules without keywords.
 */
function runWindows(scan: TextScan, rule: CompiledRule, re: RegExp, hits: number[] | undefined): void {
  const text = scan.text;
  const w = rule.window;
  if (w === "file" || hits === undefined) {
    runWindow(scan, rule, re, 0, text.length);
    return;
  }
  // Keywords of different lengths can report their starts slightly out of order.
  const sorted = isSorted(hits) ? hits : [...hits].sort((a, b) => a - b);
  let from = -1;
  let to = -1;
  for (let i = 0; i < sorted.length; i++) {
    const hit = sorted[i]!;
    if (from >= 0 && hit <= to) continue;
    const start = hit === 0 ? 0 : text.lastIndexOf("\n", hit - 1) + 1;
    const reach = w === "line" || w === "anchor" ? hit : Math.min(text.length, hit + w);
    let end = text.indexOf("\n", reach);
    if (end === -1) end = text.length;
    if (from >= 0 && start <= to + 1) {
      to = end;
      continue;
    }
    if (from >= 0) runWindow(scan, rule, re, from, to);
    from = start;
    to = end;
  }
  if (from >= 0) runWindow(scan, rule, re, from, to);
}

function isSorted(list: readonly number[]): boolean {
  for (let i = 1; i < list.length; i++) if (list[i - 1]! > list[i]!) return false;
  return true;
}

/** An anchored rule: its sticky regex tried once, at a keyword's start, on the whole text (no copy). */
function runSticky(scan: TextScan, rule: CompiledRule, re: RegExp, at: number): void {
  re.lastIndex = at;
  const m = re.exec(scan.text);
  if (m !== null) acceptMatch(scan, rule, m, 0);
}

/** A rule's global regex over text[from, to): a slice, so that it never sees past its window. */
function runWindow(scan: TextScan, rule: CompiledRule, re: RegExp, from: number, to: number): void {
  const text = scan.text;
  const slice = from === 0 && to === text.length ? text : text.slice(from, to);
  re.lastIndex = 0;
  for (let m = re.exec(slice); m !== null; m = re.exec(slice)) {
    if (m[0].length === 0) re.lastIndex++;
    acceptMatch(scan, rule, m, from);
  }
}

/**
 * Two rules finding the same value report it once (the earlier rule, the more specific by order),
 * and a generic rule's finding gives way to any other rule's finding that overlaps it. `found` is
 * sorted by offset, then rule.
 */
function dedupe(d: Detector, found: readonly Detection[]): Detection[] {
  const specific = found.filter((f) => !d.rules[f.ruleIndex]!.generic && !f.pathOnly);
  const out: Detection[] = [];
  const seen = new Set<string>();
  for (const f of found) {
    if (
      d.rules[f.ruleIndex]!.generic &&
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
