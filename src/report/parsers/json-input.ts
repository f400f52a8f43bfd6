/**
 * Shared by the JSON report parsers: parse once, then check each value's shape where it is used and,
 * when a value is wrong, point at its place in the text (file:line:column) rather than at a JSON path
 * alone. Locating is done only on failure, so well-formed reports pay nothing for it.
 */
import { createError } from "../../core/errors";
import type { SourceLocation } from "../../core/errors";
import type { ReportFormat } from "../types";

/** Keys and indexes from the document root down to a value. */
export type JsonPath = readonly (string | number)[];

export type JsonObject = Record<string, unknown>;

export class JsonInput {
  /** The parsed document. */
  readonly root: unknown;
  private readonly text: string;

  /** Throws SLUICE_E_REPORT_PARSE at the syntax error's line and column when `content` is not JSON. */
  constructor(
    content: string,
    readonly file: string,
    readonly format: ReportFormat,
  ) {
    // Windows tools often write a byte-order mark, which JSON.parse rejects.
    this.text = content.charCodeAt(0) === 0xfeff ? content.slice(1) : content;
    try {
      this.root = JSON.parse(this.text);
    } catch (err) {
      const offset = syntaxErrorOffset(this.text);
      const reason = err instanceof Error ? err.message : String(err);
      const truncated = offset >= this.text.length ? " (the file looks truncated)" : "";
      throw createError(
        "SLUICE_E_REPORT_PARSE",
        `${format} report is not valid JSON${truncated}: ${reason}`,
        {
          location: this.locationAt(offset),
          cause: err,
        },
      );
    }
  }

  /** Throws SLUICE_E_REPORT_PARSE located at the value `path` names (or its deepest existing parent). */
  fail(path: JsonPath, message: string): never {
    const where = path.length === 0 ? "" : ` (at ${formatJsonPath(path)})`;
    throw createError("SLUICE_E_REPORT_PARSE", `${this.format} report: ${message}${where}`, {
      location: this.locationAt(locateJsonPath(this.text, path)),
    });
  }

  object(value: unknown, path: JsonPath): JsonObject {
    if (typeof value !== "object" || value === null || Array.isArray(value)) {
      this.fail(path, `expected an object, found ${describe(value)}`);
    }
    return value as JsonObject;
  }

  array(value: unknown, path: JsonPath): unknown[] {
    if (!Array.isArray(value)) this.fail(path, `expected an array, found ${describe(value)}`);
    return value;
  }

  number(value: unknown, path: JsonPath): number {
    if (typeof value !== "number") this.fail(path, `expected a number, found ${describe(value)}`);
    return value;
  }

  string(value: unknown, path: JsonPath): string {
    if (typeof value !== "string") this.fail(path, `expected a string, found ${describe(value)}`);
    return value;
  }

  boolean(value: unknown, path: JsonPath): boolean {
    if (typeof value !== "boolean") this.fail(path, `expected true or false, found ${describe(value)}`);
    return value;
  }

  /** `undefined` and `null` both mean absent: tools write either for a missing optional field. */
  optionalNumber(value: unknown, path: JsonPath): number | undefined {
    return value === undefined || value === null ? undefined : this.number(value, path);
  }

  optionalBoolean(value: unknown, path: JsonPath): boolean | undefined {
    return value === undefined || value === null ? undefined : this.boolean(value, path);
  }

  optionalString(value: unknown, path: JsonPath): string | undefined {
    return value === undefined || value === null ? undefined : this.string(value, path);
  }

  optionalObject(value: unknown, path: JsonPath): JsonObject | undefined {
    return value === undefined || value === null ? undefined : this.object(value, path);
  }

  optionalArray(value: unknown, path: JsonPath): unknown[] | undefined {
    return value === undefined || value === null ? undefined : this.array(value, path);
  }

  private locationAt(offset: number): SourceLocation {
    return locationAt(this.text, offset, this.file);
  }
}

/** One-based line and column of a character offset. */
export function locationAt(text: string, offset: number, file: string): SourceLocation {
  const at = Math.max(0, Math.min(offset, text.length));
  let line = 1;
  let lineStart = 0;
  for (let i = text.indexOf("\n"); i !== -1 && i < at; i = text.indexOf("\n", i + 1)) {
    line++;
    lineStart = i + 1;
  }
  return { file, line, column: at - lineStart + 1 };
}

function describe(value: unknown): string {
  if (value === null) return "null";
  if (Array.isArray(value)) return "an array";
  if (value === undefined) return "nothing";
  return typeof value === "object" ? "an object" : `${typeof value} ${JSON.stringify(value).slice(0, 40)}`;
}

function formatJsonPath(path: JsonPath): string {
  return path.map((key) => (typeof key === "number" ? `[${key}]` : `[${JSON.stringify(key)}]`)).join("");
}

function skipSpace(s: string, i: number): number {
  for (;;) {
    const c = s.charCodeAt(i);
    if (c !== 32 && c !== 10 && c !== 13 && c !== 9) return i;
    i++;
  }
}

/** End (exclusive) of the string starting at `i`, or -1 when it is malformed or unterminated. */
function scanString(s: string, i: number): number {
  for (i++; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c === 34) return i + 1;
    if (c < 32) return -1;
    if (c === 92) {
      const e = s[i + 1];
      if (e === "u") {
        if (!/^[0-9a-fA-F]{4}$/.test(s.slice(i + 2, i + 6))) return -1;
        i += 5;
      } else if (e !== undefined && '"\\/bfnrt'.includes(e)) i++;
      else return -1;
    }
  }
  return -1;
}

const numberPattern = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;

/** End of the scalar (string, number, literal) at `i`, or -1. */
function scanScalar(s: string, i: number): number {
  if (s.charCodeAt(i) === 34) return scanString(s, i);
  for (const word of ["true", "false", "null"]) if (s.startsWith(word, i)) return i + word.length;
  numberPattern.lastIndex = i;
  return numberPattern.test(s) ? numberPattern.lastIndex : -1;
}

/**
 * Where the first JSON syntax error is (text.length when the text ends too early). Written here because
 * Node 20's JSON.parse messages give no position for some errors. Iterative, so deep nesting in a
 * damaged file cannot overflow the stack.
 */
export function syntaxErrorOffset(s: string): number {
  const stack: number[] = []; // 123 `{` or 91 `[`
  let i = skipSpace(s, 0);
  for (;;) {
    // Expecting a value at i.
    const c = s.charCodeAt(i);
    if (c === 123 || c === 91) {
      i = skipSpace(s, i + 1);
      const close = c === 123 ? 125 : 93;
      if (s.charCodeAt(i) !== close) {
        stack.push(c);
        if (c === 123) {
          const k = readKey(s, i);
          if (k < 0) return errorAt(s, -1 - k);
          i = k;
        }
        continue;
      }
      i++;
    } else {
      const end = scanScalar(s, i);
      if (end < 0) return errorAt(s, i);
      i = end;
    }
    // After a value: close containers or move to the next member.
    for (;;) {
      i = skipSpace(s, i);
      const top = stack[stack.length - 1];
      if (top === undefined) return i < s.length ? i : s.length;
      const d = s.charCodeAt(i);
      if (d === (top === 123 ? 125 : 93)) {
        stack.pop();
        i++;
        continue;
      }
      if (d !== 44) return errorAt(s, i);
      i = skipSpace(s, i + 1);
      if (top === 123) {
        const k = readKey(s, i);
        if (k < 0) return errorAt(s, -1 - k);
        i = k;
      }
      break;
    }
  }
}

/** Reads `"key" :` at i and returns where the value starts, or `-1 - (where it goes wrong)`. */
function readKey(s: string, i: number): number {
  if (s.charCodeAt(i) !== 34) return -1 - i;
  const end = scanString(s, i);
  if (end < 0) return -1 - i;
  const colon = skipSpace(s, end);
  return s.charCodeAt(colon) === 58 ? skipSpace(s, colon + 1) : -1 - colon;
}

function errorAt(s: string, i: number): number {
  return Math.min(i, s.length);
}

/** End of the (valid) value at i. */
function skipValue(s: string, i: number): number {
  const c = s.charCodeAt(i);
  if (c !== 123 && c !== 91) return scanScalar(s, i);
  let depth = 0;
  for (; i < s.length; i++) {
    const d = s.charCodeAt(i);
    if (d === 34) {
      const end = scanString(s, i);
      if (end < 0) return s.length;
      i = end - 1;
    } else if (d === 123 || d === 91) depth++;
    else if ((d === 125 || d === 93) && --depth === 0) return i + 1;
  }
  return s.length;
}

/** Offset of the value at `path` in valid JSON text, or of its deepest ancestor that exists. */
function locateJsonPath(s: string, path: JsonPath): number {
  let at = skipSpace(s, 0);
  for (const key of path) {
    const c = s.charCodeAt(at);
    if (c !== 123 && c !== 91) return at;
    let i = skipSpace(s, at + 1);
    let found = -1;
    for (let index = 0; s.charCodeAt(i) !== 125 && s.charCodeAt(i) !== 93 && i < s.length; index++) {
      let valueStart = i;
      if (c === 123) {
        const keyEnd = scanString(s, i);
        if (keyEnd < 0) return at;
        valueStart = readKey(s, i);
        if (valueStart < 0) return at;
        if (JSON.parse(s.slice(i, keyEnd)) === key) found = valueStart;
      } else if (index === key) found = valueStart;
      if (found >= 0) break;
      i = skipSpace(s, skipValue(s, valueStart));
      if (s.charCodeAt(i) === 44) i = skipSpace(s, i + 1);
    }
    if (found < 0) return at;
    at = found;
  }
  return at;
}
