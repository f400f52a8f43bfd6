/**
 * Where a value sits in a TOML document. smol-toml returns plain objects without positions, so a
 * validation problem found later ("rules[3].allowlists[0].regexes[2] is not valid RE2") is located
 * by re-reading the text with this small scanner. It only ever sees documents smol-toml accepted, so
 * it skips strings, comments and inline values without validating them.
 */

/** A path into the parsed document: table keys and array indexes. */
export type TomlPath = readonly (string | number)[];

/** One-based line and column. */
export interface TomlPosition {
  line: number;
  column: number;
}

/** Build a function that maps a document path to the closest position the scanner recorded. */
export function createTomlLocator(text: string): (path: TomlPath) => TomlPosition {
  const positions = scan(text);
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const toPosition = (offset: number): TomlPosition => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - lineStarts[lo]! + 1 };
  };
  return (path) => {
    for (let n = path.length; n > 0; n--) {
      const offset = positions.get(key(path.slice(0, n)));
      if (offset !== undefined) return toPosition(offset);
    }
    return { line: 1, column: 1 };
  };
}

function key(path: TomlPath): string {
  return JSON.stringify(path);
}

interface Scanner {
  text: string;
  i: number;
  positions: Map<string, number>;
  /** How many [[x]] headers each array-of-tables path has seen. */
  counts: Map<string, number>;
  table: (string | number)[];
}

function scan(text: string): Map<string, number> {
  const s: Scanner = { text, i: 0, positions: new Map(), counts: new Map(), table: [] };
  while (s.i < text.length) {
    skipBlank(s, true);
    if (s.i >= text.length) break;
    if (text[s.i] === "[") header(s);
    else keyValue(s, s.table);
    skipToLineEnd(s);
  }
  return s.positions;
}

function header(s: Scanner): void {
  const start = s.i;
  const isArray = s.text.startsWith("[[", s.i);
  s.i += isArray ? 2 : 1;
  const parts = readKey(s);
  s.i = s.text.indexOf("]", s.i) + (isArray ? 2 : 1);
  if (s.i < start) s.i = s.text.length;
  // Resolve each dotted part against the innermost array-of-tables instance already seen.
  const path: (string | number)[] = [];
  for (let p = 0; p < parts.length; p++) {
    path.push(parts[p]!);
    const count = s.counts.get(key(path));
    const last = p === parts.length - 1;
    if (last && isArray) {
      const index = count ?? 0;
      s.counts.set(key(path), index + 1);
      path.push(index);
    } else if (count !== undefined) {
      path.push(count - 1);
    }
  }
  s.table = path;
  s.positions.set(key(path), start);
}

function keyValue(s: Scanner, table: (string | number)[]): void {
  const start = s.i;
  const parts = readKey(s);
  if (parts.length === 0 || s.text[s.i] !== "=") {
    s.i = Math.max(s.i, start + 1);
    return;
  }
  const path = [...table, ...parts];
  s.positions.set(key(path), start);
  s.i++;
  skipBlank(s, false);
  value(s, path);
}

function readKey(s: Scanner): string[] {
  const parts: string[] = [];
  while (s.i < s.text.length) {
    skipBlank(s, false);
    const c = s.text[s.i];
    if (c === '"' || c === "'") {
      const end = s.text.indexOf(c, s.i + 1);
      if (end === -1) break;
      parts.push(s.text.slice(s.i + 1, end));
      s.i = end + 1;
    } else {
      const m = /^[A-Za-z0-9_-]+/.exec(s.text.slice(s.i, s.i + 256));
      if (!m) break;
      parts.push(m[0]);
      s.i += m[0].length;
    }
    skipBlank(s, false);
    if (s.text[s.i] !== ".") break;
    s.i++;
  }
  return parts;
}

function value(s: Scanner, path: (string | number)[]): void {
  const c = s.text[s.i];
  if (c === '"' || c === "'") return skipString(s);
  if (c === "[") return array(s, path);
  if (c === "{") return inlineTable(s, path);
  while (s.i < s.text.length && !/[,\]}\n#]/.test(s.text[s.i]!)) s.i++;
}

function array(s: Scanner, path: (string | number)[]): void {
  s.i++;
  for (let index = 0; s.i < s.text.length;) {
    skipBlank(s, true);
    if (s.text[s.i] === "]") {
      s.i++;
      return;
    }
    s.positions.set(key([...path, index]), s.i);
    value(s, [...path, index]);
    index++;
    skipBlank(s, true);
    if (s.text[s.i] === ",") s.i++;
    else if (s.text[s.i] !== "]") return;
  }
}

function inlineTable(s: Scanner, path: (string | number)[]): void {
  s.i++;
  while (s.i < s.text.length) {
    skipBlank(s, false);
    if (s.text[s.i] === "}") {
      s.i++;
      return;
    }
    const before = s.i;
    keyValue(s, path);
    skipBlank(s, false);
    if (s.text[s.i] === ",") s.i++;
    else if (s.text[s.i] !== "}" || s.i === before) return;
  }
}

function skipString(s: Scanner): void {
  const q = s.text[s.i]!;
  const triple = s.text.startsWith(q.repeat(3), s.i);
  const delimiter = triple ? q.repeat(3) : q;
  let j = s.i + delimiter.length;
  while (j < s.text.length) {
    if (q === '"' && s.text[j] === "\\") {
      j += 2;
      continue;
    }
    if (s.text.startsWith(delimiter, j)) {
      j += delimiter.length;
      // A multi-line string may end with up to two extra quotes (`""""` closes with one inside).
      while (triple && s.text[j] === q) j++;
      break;
    }
    if (!triple && s.text[j] === "\n") break;
    j++;
  }
  s.i = j;
}

function skipBlank(s: Scanner, newlines: boolean): void {
  while (s.i < s.text.length) {
    const c = s.text[s.i]!;
    if (c === " " || c === "\t" || c === "\r" || (newlines && c === "\n")) s.i++;
    else if (c === "#") {
      const end = s.text.indexOf("\n", s.i);
      s.i = end === -1 ? s.text.length : newlines ? end + 1 : end;
    } else break;
  }
}

function skipToLineEnd(s: Scanner): void {
  skipBlank(s, false);
  if (s.text[s.i] === "\n") s.i++;
  else if (s.i < s.text.length && s.text[s.i] !== "[") {
    const end = s.text.indexOf("\n", s.i);
    s.i = end === -1 ? s.text.length : end + 1;
  }
}
