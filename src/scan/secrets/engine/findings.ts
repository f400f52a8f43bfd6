/**
 * Detections → ScanFindings: positions, a fingerprint that survives edits elsewhere in the file,
 * and redaction. This is the only place a secret's value is turned into output, and it only ever
 * emits a short prefix of it: messages, snippets and fingerprints never carry the value.
 */
import { createHash } from "node:crypto";
import type { ScanFinding } from "../../types";
import type { Detector } from "./compile";
import type { DetectResult, Detection } from "./detect";

/** Where a text came from. */
export interface TextOrigin {
  /** Relative, `/`-separated path. */
  file: string;
  /** History mode: the commit that added the text. */
  commit?: string;
  /** For diff fragments: the file line number of each line of the text (one-based). */
  lineNumbers?: readonly number[];
}

const SNIPPET_CONTEXT = 60;

/**
 * A secret shown safely: a few leading characters (often the non-secret type prefix such as `ghp_`)
 * then `****`. Short values show less, so that no more than a quarter of a value is ever revealed.
 */
export function redact(secret: string): string {
  const shown = Math.min(4, Math.floor(secret.length / 4));
  // Control characters (a PEM body's newline) would break the one-line message.
  const prefix = [...secret.slice(0, shown)].map((c) => (c < " " || c === "\x7f" ? " " : c)).join("");
  return prefix + "****";
}

/** SHA-256 of a secret, hex: what fingerprints and baselines keep instead of the value. */
export function hashSecret(secret: string): string {
  return createHash("sha256").update(secret).digest("hex");
}

/** `file:ruleId:sha256(secret)`, with `commit:` in front when scanning history. */
export function fingerprintOf(origin: TextOrigin, ruleId: string, secret: string): string {
  const base = `${origin.file}:${ruleId}:${hashSecret(secret)}`;
  return origin.commit ? `${origin.commit}:${base}` : base;
}

/** Turn one text's detections into findings. */
export function toFindings(
  d: Detector,
  text: string,
  result: DetectResult,
  origin: TextOrigin,
): ScanFinding[] {
  const lines = new LineIndex(text);
  return result.detections.map((det) => toFinding(d, text, det, result.spans, lines, origin));
}

function toFinding(
  d: Detector,
  text: string,
  det: Detection,
  spans: DetectResult["spans"],
  lines: LineIndex,
  origin: TextOrigin,
): ScanFinding {
  const rule = d.rules[det.ruleIndex]!.spec;
  const finding: ScanFinding = {
    kind: "secrets",
    ruleId: rule.id,
    severity: rule.severity,
    message: det.pathOnly ? rule.description : `${rule.description}: ${redact(det.secret)}`,
    file: origin.file,
    fingerprint: fingerprintOf(origin, rule.id, det.secret),
    properties: { entropy: Math.round(det.entropy * 100) / 100, tags: rule.tags },
  };
  if (origin.commit) finding.commit = origin.commit;
  if (det.pathOnly) return finding;
  const start = lines.position(det.secretStart);
  const end = lines.position(Math.max(det.secretStart, det.secretEnd - 1));
  const lineNo = (i: number) => origin.lineNumbers?.[i] ?? i + 1;
  finding.line = lineNo(start.line);
  finding.column = start.column + 1;
  finding.endLine = lineNo(end.line);
  finding.endColumn = end.column + 2;
  finding.snippet = snippet(text, det, spans, lines.lineStart(start.line), lines.lineEnd(start.line));
  return finding;
}

/** The secret's line around it, with every secret on it redacted and long lines clipped. */
function snippet(
  text: string,
  det: Detection,
  spans: DetectResult["spans"],
  from: number,
  to: number,
): string {
  const winStart = Math.max(from, det.secretStart - SNIPPET_CONTEXT);
  const winEnd = Math.min(to, Math.max(det.secretEnd, det.secretStart + 1) + SNIPPET_CONTEXT);
  const inWindow = spans
    .filter((s) => s.start < winEnd && s.end > winStart)
    .sort((a, b) => a.start - b.start);
  let out = winStart > from ? "…" : "";
  let pos = winStart;
  for (const s of inWindow) {
    if (s.start > pos) out += text.slice(pos, s.start);
    if (s.end > pos) {
      out += redact(s.secret);
      pos = s.end;
    }
  }
  if (pos < winEnd) out += text.slice(pos, winEnd);
  if (winEnd < to) out += "…";
  return out.replace(/\r?\n/g, " ").trim();
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
