/**
 * The dotenv-style secrets file (`secrets.file` in sluice.yml, `--secrets-file`): KEY=VALUE lines.
 *
 * Supported: `#` comment lines and trailing ` # comments` after unquoted or quoted values, an
 * optional `export ` prefix, spaces around `=`, single-quoted values (literal), double-quoted values
 * (escapes \n \r \t \" \\), quoted values spanning lines, CRLF line endings and a UTF-8 BOM. Not supported, on
 * purpose: `${VAR}` expansion (values are taken literally, so a secret containing `$` survives).
 * A key defined twice is a problem rather than "last one wins", since the shadowed secret is
 * almost always a mistake.
 */
import { readFile } from "node:fs/promises";
import { createError } from "../core/errors";
import type { Problem } from "../core/errors";

// The names GitHub allows for secrets, so that `secrets.NAME` works in expressions.
const keyPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;
const escapes: Record<string, string> = { n: "\n", r: "\r", t: "\t", '"': '"', "\\": "\\" };

/**
 * Parses the text of a secrets file; `file` names it in locations. Pure: no I/O.
 *
 * @returns the values by key, in file order.
 * @throws SluiceError SLUICE_E_SECRETS_FILE with every located problem in `problems`.
 */
export function parseDotenv(text: string, file: string): Record<string, string> {
  const src = text.startsWith("\uFEFF") ? text.slice(1) : text;
  const lineStarts = [0];
  for (let i = 0; i < src.length; i++) if (src[i] === "\n") lineStarts.push(i + 1);
  const problems: Problem[] = [];
  const report = (offset: number, message: string): void => {
    problems.push({ code: "SLUICE_E_SECRETS_FILE", message, location: locate(file, lineStarts, offset) });
  };

  // A Map, then fromEntries: a plain object would swallow a key named `__proto__`.
  const values = new Map<string, string>();
  let pos = 0;
  while (pos < src.length) {
    const entry = parseEntry(src, pos, report);
    pos = entry.next;
    if (!entry.key || entry.value === undefined) continue;
    if (values.has(entry.key)) {
      report(entry.keyOffset, `${entry.key} is defined more than once`);
      continue;
    }
    values.set(entry.key, entry.value);
  }
  if (problems.length > 0) {
    const count = `${problems.length} problem${problems.length === 1 ? "" : "s"}`;
    throw createError("SLUICE_E_SECRETS_FILE", `the secrets file is invalid (${count})`, {
      location: problems[0]?.location ?? { file },
      problems,
    });
  }
  return Object.fromEntries(values);
}

/**
 * Reads and parses a secrets file.
 *
 * @throws SluiceError SLUICE_E_SECRETS_FILE when the file cannot be read or parsed.
 */
export async function loadDotenvFile(file: string): Promise<Record<string, string>> {
  let text: string;
  try {
    text = await readFile(file, "utf8");
  } catch (err) {
    const reason = err instanceof Error ? err.message : String(err);
    throw createError("SLUICE_E_SECRETS_FILE", `cannot read the secrets file: ${reason}`, {
      location: { file },
      cause: err,
    });
  }
  return parseDotenv(text, file);
}

interface Entry {
  key?: string;
  keyOffset: number;
  value?: string;
  /** Offset of the first character after this entry (and its newline). */
  next: number;
}

function parseEntry(src: string, start: number, report: (offset: number, message: string) => void): Entry {
  const lineEnd = endOfLine(src, start);
  const line = src.slice(start, lineEnd).replace(/\r$/, "");
  const next = lineEnd + 1;
  const indent = line.length - line.trimStart().length;
  const body = line.trimStart();
  if (body === "" || body.startsWith("#")) return { keyOffset: start, next };

  const exported = /^export\s+/.exec(body);
  const keyStart = indent + (exported ? exported[0].length : 0);
  const eq = line.indexOf("=", keyStart);
  if (eq < 0) {
    report(start + keyStart, "expected KEY=VALUE");
    return { keyOffset: start + keyStart, next };
  }
  const key = line.slice(keyStart, eq).trim();
  if (!keyPattern.test(key)) {
    const why = key === "" ? "the key is missing" : `invalid key "${key}"`;
    report(
      start + keyStart,
      `${why}: keys use letters, digits and underscores and do not start with a digit`,
    );
    return { keyOffset: start + keyStart, next };
  }
  const afterEq = line.slice(eq + 1);
  const valueStart = start + eq + 1 + (afterEq.length - afterEq.trimStart().length);
  const quote = src[valueStart];
  if (quote === '"' || quote === "'") {
    return { key, keyOffset: start + keyStart, ...parseQuoted(src, valueStart, report) };
  }
  // An unquoted value ends at a ` #` comment; a `#` inside a word (`pa#ss`) is part of the value.
  const raw = afterEq.replace(/(^|\s)#.*$/, "").trim();
  return { key, keyOffset: start + keyStart, value: raw, next };
}

function parseQuoted(
  src: string,
  open: number,
  report: (offset: number, message: string) => void,
): { value?: string; next: number } {
  const quote = src[open];
  let value = "";
  let i = open + 1;
  for (; i < src.length && src[i] !== quote; i++) {
    const ch = src[i] ?? "";
    if (quote === '"' && ch === "\\" && i + 1 < src.length) {
      const escaped = src[i + 1] ?? "";
      // Unknown escapes stay as written, as in most dotenv dialects, so Windows paths survive.
      value += escapes[escaped] ?? `\\${escaped}`;
      i++;
    } else if (ch === "\r" && src[i + 1] === "\n") {
      continue;
    } else {
      value += ch;
    }
  }
  if (i >= src.length) {
    report(open, `unterminated ${quote === '"' ? "double" : "single"}-quoted value`);
    return { next: src.length };
  }
  const lineEnd = endOfLine(src, i + 1);
  const rest = src.slice(i + 1, lineEnd).trim();
  if (rest !== "" && !rest.startsWith("#")) {
    report(i + 1, "unexpected text after the closing quote");
    return { next: lineEnd + 1 };
  }
  return { value, next: lineEnd + 1 };
}

function endOfLine(src: string, from: number): number {
  const nl = src.indexOf("\n", from);
  return nl < 0 ? src.length : nl;
}

function locate(file: string, lineStarts: number[], offset: number): Problem["location"] {
  let lo = 0;
  let hi = lineStarts.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((lineStarts[mid] ?? 0) <= offset) lo = mid;
    else hi = mid - 1;
  }
  return { file, line: lo + 1, column: offset - (lineStarts[lo] ?? 0) + 1 };
}
