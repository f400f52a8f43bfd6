/**
 * A JSON parser that remembers where each object and array starts, so a finding can point at the
 * line of a package's entry in package-lock.json or Pipfile.lock. JSON.parse gives no positions and,
 * on Node 20, not always an offset for its errors; this parser reports every error at file:line:col.
 */
import { LineIndex, lockfileError, positionOf } from "./common";

/** A parsed document and the line where each object or array in it was introduced. */
export interface LocatedJson {
  value: unknown;
  /** One-based line of the member key (or bracket) that introduced `node`; undefined if unknown. */
  lineOf(node: unknown): number | undefined;
}

// Deeper documents are rejected: no lockfile nests this far, and recursion must not overflow.
const MAX_DEPTH = 1000;
const NUMBER = /-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][+-]?\d+)?/y;
const ESCAPES: Record<string, string> = {
  '"': '"',
  "\\": "\\",
  "/": "/",
  b: "\b",
  f: "\f",
  n: "\n",
  r: "\r",
  t: "\t",
};

/** Parses JSON text; a syntax error throws SLUICE_E_LOCKFILE located in `file`. */
export function parseLocatedJson(text: string, file: string): LocatedJson {
  const starts = new WeakMap<object, number>();
  let pos = 0;

  const fail = (message: string, at = pos): never => {
    const { line, column } = positionOf(text, at);
    throw lockfileError(file, `invalid JSON: ${message}`, line, column);
  };
  const skipSpace = (): void => {
    while (pos < text.length) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) pos++;
      else break;
    }
  };
  const parseString = (): string => {
    // pos is at the opening quote.
    let out = "";
    let from = ++pos;
    for (;;) {
      if (pos >= text.length) fail("unterminated string");
      const c = text.charCodeAt(pos);
      if (c === 34) {
        out += text.slice(from, pos++);
        return out;
      }
      if (c < 32) fail("control character in string");
      if (c !== 92) {
        pos++;
        continue;
      }
      out += text.slice(from, pos);
      const e = text[pos + 1];
      if (e === "u") {
        const hex = text.slice(pos + 2, pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail("bad \\u escape", pos);
        out += String.fromCharCode(parseInt(hex, 16));
        pos += 6;
      } else if (e !== undefined && ESCAPES[e] !== undefined) {
        out += ESCAPES[e];
        pos += 2;
      } else {
        fail("bad escape", pos);
      }
      from = pos;
    }
  };
  const parseValue = (depth: number, keyAt: number): unknown => {
    if (depth > MAX_DEPTH) fail("nested too deeply");
    skipSpace();
    const c = text[pos];
    if (c === "{") return parseObject(depth, keyAt);
    if (c === "[") return parseArray(depth, keyAt);
    if (c === '"') return parseString();
    if (c === "t" && text.startsWith("true", pos)) return ((pos += 4), true);
    if (c === "f" && text.startsWith("false", pos)) return ((pos += 5), false);
    if (c === "n" && text.startsWith("null", pos)) return ((pos += 4), null);
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m) {
      pos += m[0].length;
      return Number(m[0]);
    }
    return fail(pos >= text.length ? "unexpected end of file" : `unexpected character ${JSON.stringify(c)}`);
  };
  const parseObject = (depth: number, keyAt: number): Record<string, unknown> => {
    const obj: Record<string, unknown> = {};
    starts.set(obj, keyAt);
    pos++;
    skipSpace();
    if (text[pos] === "}") return (pos++, obj);
    for (;;) {
      skipSpace();
      if (text[pos] !== '"') fail("expected a string key");
      const at = pos;
      const key = parseString();
      skipSpace();
      if (text[pos] !== ":") fail("expected ':'");
      pos++;
      const value = parseValue(depth + 1, at);
      // A "__proto__" key is data here, never the object's prototype.
      if (key === "__proto__")
        Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
      else obj[key] = value;
      skipSpace();
      if (text[pos] === ",") pos++;
      else if (text[pos] === "}") return (pos++, obj);
      else fail("expected ',' or '}'");
    }
  };
  const parseArray = (depth: number, keyAt: number): unknown[] => {
    const arr: unknown[] = [];
    starts.set(arr, keyAt);
    pos++;
    skipSpace();
    if (text[pos] === "]") return (pos++, arr);
    for (;;) {
      skipSpace();
      arr.push(parseValue(depth + 1, pos));
      skipSpace();
      if (text[pos] === ",") pos++;
      else if (text[pos] === "]") return (pos++, arr);
      else fail("expected ',' or ']'");
    }
  };

  if (text.charCodeAt(0) === 0xfeff) pos = 1;
  skipSpace();
  const value = parseValue(0, pos);
  skipSpace();
  if (pos < text.length) fail("unexpected content after the document");

  let index: LineIndex | undefined;
  return {
    value,
    lineOf(node) {
      if (typeof node !== "object" || node === null) return undefined;
      const at = starts.get(node);
      if (at === undefined) return undefined;
      index ??= new LineIndex(text);
      return index.lineOf(at);
    },
  };
}
