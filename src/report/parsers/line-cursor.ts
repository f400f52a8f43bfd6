/**
 * A cursor over line-oriented report text (used by the lcov reader): walks lines with indexOf, reads
 * unsigned numbers with charCodeAt, and throws SLUICE_E_REPORT_PARSE at the exact line and column of
 * anything unexpected. Subclasses handle one line at a time in line().
 */
import { createError } from "../../core/errors";
import type { ReportFormat } from "../types";

export const CR = 13;
export const COMMA = 44;
export const MINUS = 45;

export abstract class LineCursor {
  /** Where the last number read ended. */
  protected pos = 0;
  protected lineStart = 0;
  /** End of the current line, before any `\r`. */
  protected lineEnd = 0;
  protected lineNo = 0;

  constructor(
    protected readonly text: string,
    protected readonly file: string,
    private readonly format: ReportFormat,
  ) {}

  /** Handles the line starting at `start` (never empty; it ends at this.lineEnd). */
  protected abstract line(start: number): void;

  /** Calls line() for each non-empty line between two offsets; lines are numbered from firstLineNo + 1. */
  protected walk(from: number, to: number, firstLineNo: number): void {
    const s = this.text;
    this.lineNo = firstLineNo;
    let next = from;
    while (next < to) {
      const start = next;
      let end = s.indexOf("\n", start);
      if (end === -1) end = s.length;
      next = end + 1;
      this.lineNo++;
      this.lineStart = start;
      this.lineEnd = end > start && s.charCodeAt(end - 1) === CR ? end - 1 : end;
      if (this.lineEnd > start) this.line(start);
    }
  }

  /** Reads digits at p; leaves this.pos after them. */
  protected uint(p: number): number {
    const s = this.text;
    const end = this.lineEnd;
    let n = 0;
    let i = p;
    for (; i < end; i++) {
      const c = s.charCodeAt(i);
      if (c < 48 || c > 57) break;
      n = n * 10 + (c - 48);
    }
    if (i === p) this.unexpected(p, "a number");
    this.pos = i;
    return n;
  }

  /** Hit counts: gcov occasionally writes negative counts, which lcov treats as zero. */
  protected hits(p: number): number {
    if (this.text.charCodeAt(p) === MINUS) {
      this.uint(p + 1);
      return 0;
    }
    return this.uint(p);
  }

  protected expectComma(p: number): number {
    if (p >= this.lineEnd || this.text.charCodeAt(p) !== COMMA) this.unexpected(p, "`,`");
    return p + 1;
  }

  protected unexpected(p: number, expected?: string): never {
    const found = p >= this.lineEnd ? "end of line" : JSON.stringify(this.text[p]);
    this.fail(this.lineNo, p - this.lineStart + 1, `expected ${expected ?? "end of line"}, found ${found}`);
  }

  protected fail(line: number, column: number, message: string): never {
    throw createError("SLUICE_E_REPORT_PARSE", `${this.format}: ${message}`, {
      location: { file: this.file, line, column },
    });
  }
}
