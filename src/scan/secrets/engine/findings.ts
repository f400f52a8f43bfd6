/**
 * Detections → ScanFindings: positions, a fingerprint that survives edits elsewhere in the file,
 * and redaction. This is the only place a secret's value is turned into output: messages and
 * snippets show at most a short prefix of it (secret-mask.ts), fingerprints nothing of it. The value
 * stays attached to the finding invisibly (attachSecrets) for history deduplication, old baselines
 * and the final masking pass, and never reaches JSON, SARIF or a worker message.
 */
import type { ScanFinding } from "../../types";
import { SecretSet, attachSecrets, redact } from "../../secret-mask";
import { CONTEXT_CHARS, fingerprintV2 } from "../fingerprint";
import type { Detector } from "./compile";
import type { DetectResult, Detection } from "./detect";

export { redact };

/** Where a text came from. */
export interface TextOrigin {
  /** Relative, `/`-separated path. */
  file: string;
  /** History mode: the commit that added the text, its author (`Name <email>`) and author date. */
  commit?: string;
  author?: string;
  date?: string;
  /** For diff fragments: the file line number of each line of the text (one-based). */
  lineNumbers?: readonly number[];
}

type Span = DetectResult["spans"][number];

/** A masked stretch of a line; `label` is what the snippet shows instead. */
interface Masked {
  start: number;
  end: number;
  label: string;
}

/** What stands for a secret in a fingerprint's context: no part of the value, not even its length. */
const PLACEHOLDER = "\0";

/** Turn one text's detections into findings. */
export function toFindings(
  d: Detector,
  text: string,
  result: DetectResult,
  origin: TextOrigin,
): ScanFinding[] {
  const lines = new LineIndex(text);
  // Every value found in this text is masked wherever it recurs on a finding's line, even where no
  // rule detected it again (`# rotate: echo <value> | passwd`).
  const spans = sortedByStart(result.spans);
  const values = new SecretSet(spans.map((s) => s.secret));
  const longest = spans.reduce((n, s) => Math.max(n, s.secret.length, s.end - s.start), 0);
  const seen = new Map<string, number>();
  return result.detections.map((det) => {
    const rule = d.rules[det.ruleIndex]!.spec;
    const finding: ScanFinding = {
      kind: "secrets",
      ruleId: rule.id,
      severity: rule.severity,
      message: det.pathOnly ? rule.description : `${rule.description}: ${redact(det.secret)}`,
      file: origin.file,
      fingerprint: "",
      properties: { entropy: Math.round(det.entropy * 100) / 100, tags: rule.tags },
    };
    if (origin.commit) {
      finding.commit = origin.commit;
      if (origin.author) finding.author = origin.author;
      if (origin.date) finding.date = origin.date;
    }
    let context = "";
    if (!det.pathOnly) {
      const start = lines.position(det.secretStart);
      const end = lines.position(Math.max(det.secretStart, det.secretEnd - 1));
      const lineNo = (i: number) => origin.lineNumbers?.[i] ?? i + 1;
      finding.line = lineNo(start.line);
      finding.column = start.column + 1;
      finding.endLine = lineNo(end.line);
      finding.endColumn = end.column + 2;
      const around = new LineWindow(text, lines.lineStart(start.line), lines.lineEnd(start.line), det);
      around.mask(spans, values, longest);
      finding.snippet = around.render((m) => m.label);
      context = around.render(() => PLACEHOLDER).replace(/\s+/g, " ");
    }
    // Identical contexts (the same line twice) are told apart by their order in the text.
    const key = `${rule.id}\0${context}`;
    const occurrence = seen.get(key) ?? 0;
    seen.set(key, occurrence + 1);
    finding.fingerprint = fingerprintV2(origin, rule.id, context, occurrence);
    attachSecrets(finding, det.pathOnly ? [] : [det.secret]);
    return finding;
  });
}

/**
 * The part of a secret's line that is shown: up to CONTEXT_CHARS characters on each side of it,
 * widened so that no masked stretch is cut in two (half a value would otherwise show).
 */
class LineWindow {
  private masked: Masked[] = [];
  private start: number;
  private end: number;

  constructor(
    private readonly text: string,
    private readonly from: number,
    private readonly to: number,
    det: Detection,
  ) {
    this.start = Math.max(from, det.secretStart - CONTEXT_CHARS);
    this.end = Math.min(to, Math.max(det.secretEnd, det.secretStart + 1) + CONTEXT_CHARS);
  }

  /** Mask the detected spans and every recurrence of a found value near the window, merged. */
  mask(spans: readonly Span[], values: SecretSet, longest: number): void {
    // Anything that reaches into the window starts at most `longest` characters before it.
    const lo = Math.max(this.from, this.start - longest);
    const hi = Math.min(this.to, this.end + longest);
    const raw: Masked[] = [];
    // Spans are sorted by start and none is longer than `longest`: only a few can reach [lo, hi).
    for (let i = firstFrom(spans, lo - longest); i < spans.length && spans[i]!.start < hi; i++) {
      const s = spans[i]!;
      if (s.end <= s.start || s.end <= lo) continue;
      // A value that began on an earlier line (a PEM body) shows no prefix here.
      const label = s.start >= this.from ? redact(s.secret) : "****";
      raw.push({ start: Math.max(s.start, lo), end: Math.min(s.end, hi), label });
    }
    for (const o of values.find(this.text, lo, hi)) raw.push({ ...o, label: redact(o.secret) });
    raw.sort((a, b) => a.start - b.start || a.end - b.end);
    for (const m of raw) {
      const last = this.masked[this.masked.length - 1];
      if (last && m.start < last.end) last.end = Math.max(last.end, m.end);
      else this.masked.push({ ...m });
    }
    for (const m of this.masked) {
      if (m.start < this.start && this.start < m.end) this.start = m.start;
      if (m.start < this.end && this.end < m.end) this.end = m.end;
    }
  }

  /** The window as one line, each masked stretch replaced by `label(it)`, `…` where it is clipped. */
  render(label: (m: Masked) => string): string {
    let out = this.start > this.from ? "…" : "";
    let pos = this.start;
    for (const m of this.masked) {
      if (m.end <= this.start || m.start >= this.end) continue;
      out += this.text.slice(pos, m.start) + label(m);
      pos = m.end;
    }
    out += this.text.slice(pos, this.end);
    if (this.end < this.to) out += "…";
    return out.replace(/\r?\n/g, " ").trim();
  }
}

/** The spans by start (detectSecrets sorts them already: then they are used as they are). */
function sortedByStart(spans: readonly Span[]): readonly Span[] {
  for (let i = 1; i < spans.length; i++)
    if (spans[i - 1]!.start > spans[i]!.start) return [...spans].sort((a, b) => a.start - b.start);
  return spans;
}

/** Index of the first span starting at or after `offset` (spans are sorted by start). */
function firstFrom(spans: readonly Span[], offset: number): number {
  let lo = 0;
  let hi = spans.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (spans[mid]!.start < offset) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Offsets → zero-based line and column, computed once per text and only when it has findings. */
class LineIndex {
  private starts: number[] | undefined;

  constructor(private readonly text: string) {}

  private get lineStarts(): number[] {
    if (!this.starts) {
      const starts = [0];
      for (let i = this.text.indexOf("\n"); i !== -1; i = this.text.indexOf("\n", i + 1)) starts.push(i + 1);
      this.starts = starts;
    }
    return this.starts;
  }

  position(offset: number): { line: number; column: number } {
    const starts = this.lineStarts;
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo, column: offset - starts[lo]! };
  }

  lineStart(line: number): number {
    return this.lineStarts[line]!;
  }

  lineEnd(line: number): number {
    const next = this.lineStarts[line + 1];
    return next === undefined ? this.text.length : next - 1;
  }
}
