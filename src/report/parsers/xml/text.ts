/**
 * Character-level helpers of the XML scanner: entity decoding, attribute-value normalisation and
 * turning an offset into a line and column. Kept apart from the scanner's loop so that each stays
 * small; both are on the hot path only when a value actually contains `&`.
 */
import { createError, type SluiceError } from "../../../core/errors";

/** One-based line and column of a UTF-16 offset (columns count code units, as editors mostly do). */
export function locate(input: string, offset: number): { line: number; column: number } {
  const end = Math.min(Math.max(offset, 0), input.length);
  let line = 1;
  let lineStart = 0;
  // Counting newlines on demand keeps the scanner's loop free of bookkeeping: errors are rare, and
  // a located error costs one extra pass over the prefix.
  for (let nl = input.indexOf("\n", 0); nl !== -1 && nl < end; nl = input.indexOf("\n", nl + 1)) {
    line++;
    lineStart = nl + 1;
  }
  return { line, column: end - lineStart + 1 };
}

/** A located `SLUICE_E_REPORT_PARSE` for a problem at `offset` of `input`. */
export function parseError(input: string, file: string, offset: number, message: string): SluiceError {
  const { line, column } = locate(input, offset);
  return createError("SLUICE_E_REPORT_PARSE", `${file}:${line}:${column}: ${message}`, {
    location: { file, line, column },
  });
}

const named: Record<string, string> = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" };

/**
 * Decodes the five predefined entities and numeric character references in `raw`, which starts at
 * `offset` of `input` (for error locations). Anything else after `&` is an error: a document using
 * DTD-declared entities is not a report any tool writes, and guessing would hide truncation.
 */
export function decodeEntities(raw: string, input: string, file: string, offset: number): string {
  let amp = raw.indexOf("&");
  if (amp === -1) return raw;
  let out = "";
  let last = 0;
  while (amp !== -1) {
    const semi = raw.indexOf(";", amp + 1);
    // Real entities are short; a far-away `;` means a bare `&` (which XML forbids).
    if (semi === -1 || semi - amp > 12) {
      throw parseError(input, file, offset + amp, "'&' does not start an entity (write &amp;)");
    }
    const body = raw.slice(amp + 1, semi);
    out += raw.slice(last, amp) + decodeOne(body, input, file, offset + amp);
    last = semi + 1;
    amp = raw.indexOf("&", last);
  }
  return out + raw.slice(last);
}

function decodeOne(body: string, input: string, file: string, offset: number): string {
  const known = named[body];
  if (known !== undefined) return known;
  if (body.charCodeAt(0) === 0x23 /* # */) {
    const hex = body.charCodeAt(1) === 0x78; /* x */
    const digits = body.slice(hex ? 2 : 1);
    const valid = hex ? /^[0-9a-fA-F]{1,6}$/.test(digits) : /^[0-9]{1,7}$/.test(digits);
    const code = valid ? parseInt(digits, hex ? 16 : 10) : -1;
    if (code > 0 && code <= 0x10ffff && (code < 0xd800 || code > 0xdfff)) return String.fromCodePoint(code);
    throw parseError(input, file, offset, `invalid character reference &${body};`);
  }
  throw parseError(input, file, offset, `unknown entity &${body};`);
}

/**
 * An attribute value as XML defines it: literal tabs and newlines become spaces (the writer meant
 * `&#10;` if it wanted a newline, which pytest's ElementTree does write), then entities decode.
 */
export function attributeValue(raw: string, input: string, file: string, offset: number): string {
  const spaced = /[\t\n\r]/.test(raw) ? raw.replace(/\r\n|[\t\n\r]/g, " ") : raw;
  return decodeEntities(spaced, input, file, offset);
}
