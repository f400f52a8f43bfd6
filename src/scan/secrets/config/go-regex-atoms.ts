/**
 * The atoms of Go RE2 syntax that appear both inside and outside character classes: escapes
 * (`\x{…}`, octal, `\pL`, punctuation) and bracket expressions with POSIX classes, parsed into
 * code-point ranges so that case folding and negation can be computed rather than guessed.
 */

/** A translation failure: `offset` indexes the Go pattern. */
export class GoRegexError extends Error {
  constructor(
    message: string,
    readonly offset: number,
  ) {
    super(message);
    this.name = "GoRegexError";
  }
}

/** One member of a character class (or one escaped atom outside a class). */
export type ClassItem =
  | { kind: "range"; from: number; to: number }
  | { kind: "shorthand"; letter: string }
  | { kind: "unicode"; negated: boolean; name: string };

const MAX_CP = 0x10ffff;
const SIMPLE_ESCAPES: Record<string, number> = { a: 7, f: 12, t: 9, n: 10, r: 13, v: 11 };
const SHORTHANDS = new Set(["d", "D", "w", "W", "s", "S"]);
const POSIX: Record<string, [number, number][]> = {
  alnum: [r("0", "9"), r("A", "Z"), r("a", "z")],
  alpha: [r("A", "Z"), r("a", "z")],
  ascii: [[0, 0x7f]],
  blank: [r("\t", "\t"), r(" ", " ")],
  cntrl: [
    [0, 0x1f],
    [0x7f, 0x7f],
  ],
  digit: [r("0", "9")],
  graph: [r("!", "~")],
  lower: [r("a", "z")],
  print: [r(" ", "~")],
  punct: [r("!", "/"), r(":", "@"), r("[", "`"), r("{", "~")],
  space: [r("\t", "\r"), r(" ", " ")],
  upper: [r("A", "Z")],
  word: [r("0", "9"), r("A", "Z"), r("a", "z"), r("_", "_")],
  xdigit: [r("0", "9"), r("A", "F"), r("a", "f")],
};

function r(a: string, b: string): [number, number] {
  return [a.codePointAt(0)!, b.codePointAt(0)!];
}

/** Whether a range holds an ASCII letter (so that case-insensitivity matters for it). */
export function rangeHasLetter(from: number, to: number): boolean {
  return (from <= 0x5a && to >= 0x41) || (from <= 0x7a && to >= 0x61);
}

/** Parse the escape at `pos` (which holds the backslash). */
export function parseEscape(src: string, pos: number): { item: ClassItem; length: number } {
  const c = src[pos + 1];
  if (c === undefined) throw new GoRegexError("trailing backslash", pos);
  if (SHORTHANDS.has(c)) return { item: { kind: "shorthand", letter: c }, length: 2 };
  if (c in SIMPLE_ESCAPES) return single(SIMPLE_ESCAPES[c]!, 2);
  if (c === "x") return hexEscape(src, pos);
  if (c === "p" || c === "P") return unicodeEscape(src, pos, c === "P");
  if (c >= "0" && c <= "7") {
    const m = /^[0-7]{1,3}/.exec(src.slice(pos + 1))!;
    if (c !== "0" && m[0].length === 1) {
      throw new GoRegexError("backreferences are not RE2 syntax", pos);
    }
    return single(parseInt(m[0], 8), 1 + m[0].length);
  }
  if (/[!-/:-@[-`{-~]/.test(c)) return single(c.codePointAt(0)!, 2);
  throw new GoRegexError(`invalid or unsupported escape \\${c}`, pos);
}

function single(cp: number, length: number): { item: ClassItem; length: number } {
  return { item: { kind: "range", from: cp, to: cp }, length };
}

function hexEscape(src: string, pos: number): { item: ClassItem; length: number } {
  const braced = /^\{([0-9a-fA-F]{1,8})\}/.exec(src.slice(pos + 2));
  if (braced) {
    const cp = parseInt(braced[1]!, 16);
    if (cp > MAX_CP) throw new GoRegexError("code point out of range", pos);
    return single(cp, 2 + braced[0].length);
  }
  const two = /^[0-9a-fA-F]{2}/.exec(src.slice(pos + 2));
  if (!two) throw new GoRegexError("invalid \\x escape", pos);
  return single(parseInt(two[0], 16), 4);
}

function unicodeEscape(src: string, pos: number, negated: boolean): { item: ClassItem; length: number } {
  const rest = src.slice(pos + 2);
  const m = /^\{(\^?)([A-Za-z_]+)\}/.exec(rest) ?? /^()([A-Za-z])/.exec(rest);
  if (!m) throw new GoRegexError("invalid Unicode class escape", pos);
  return {
    item: { kind: "unicode", negated: negated !== (m[1] === "^"), name: m[2]! },
    length: 2 + m[0].length,
  };
}

/** Parse a bracket expression starting at `pos` (which holds `[`). */
export function parseClass(src: string, pos: number): { negated: boolean; items: ClassItem[]; end: number } {
  let i = pos + 1;
  const negated = src[i] === "^";
  if (negated) i++;
  const items: ClassItem[] = [];
  let first = true;
  while (true) {
    if (i >= src.length) throw new GoRegexError("missing closing ]", pos);
    const c = src[i]!;
    if (c === "]" && !first) return { negated, items, end: i + 1 };
    first = false;
    const posix = /^\[:(\^?)([a-z]+):\]/.exec(src.slice(i, i + 12));
    if (posix) {
      const ranges = POSIX[posix[2]!];
      if (!ranges) throw new GoRegexError(`unknown POSIX class [:${posix[2]}:]`, i);
      for (const [from, to] of posix[1] ? complement(ranges) : ranges)
        items.push({ kind: "range", from, to });
      i += posix[0].length;
      continue;
    }
    const { cp: from, length } = classChar(src, i, items);
    i += length;
    if (from === null) continue;
    if (src[i] === "-" && src[i + 1] !== "]" && i + 1 < src.length) {
      const { cp: to, length: toLength } = classChar(src, i + 1, items);
      if (to === null) throw new GoRegexError("invalid character class range", i);
      if (to < from) throw new GoRegexError("invalid character class range", i);
      items.push({ kind: "range", from, to });
      i += 1 + toLength;
    } else {
      items.push({ kind: "range", from, to: from });
    }
  }
}

/** One class member: a code point, or (for \d, \pL…) an item pushed directly with cp null. */
function classChar(src: string, i: number, items: ClassItem[]): { cp: number | null; length: number } {
  if (src[i] !== "\\") {
    const cp = src.codePointAt(i)!;
    return { cp, length: cp > 0xffff ? 2 : 1 };
  }
  const { item, length } = parseEscape(src, i);
  if (item.kind === "range") return { cp: item.from, length };
  items.push(item);
  return { cp: null, length };
}

function complement(ranges: [number, number][]): [number, number][] {
  const sorted = [...ranges].sort((a, b) => a[0] - b[0]);
  const out: [number, number][] = [];
  let next = 0;
  for (const [from, to] of sorted) {
    if (from > next) out.push([next, from - 1]);
    next = Math.max(next, to + 1);
  }
  if (next <= MAX_CP) out.push([next, MAX_CP]);
  return out;
}

const GENERAL_CATEGORY = /^(?:[LMNPSZC][a-z]?|Any)$/;

/**
 * The JavaScript source of one class item. With `foldCase`, ASCII letter ranges gain their other
 * case (what RE2's scoped `(?i)` means) since the pattern cannot use a global `i` flag.
 */
export function classItemSource(item: ClassItem, foldCase: boolean, st?: { needsUnicode: boolean }): string {
  if (item.kind === "shorthand") return "\\" + item.letter;
  if (item.kind === "unicode") {
    const name = GENERAL_CATEGORY.test(item.name) ? item.name : `Script=${item.name}`;
    return `\\${item.negated ? "P" : "p"}{${name}}`;
  }
  let out = rangeSource(item.from, item.to, st);
  if (foldCase) {
    for (const [lo, hi, shift] of [
      [0x41, 0x5a, 0x20],
      [0x61, 0x7a, -0x20],
    ] as const) {
      const from = Math.max(item.from, lo);
      const to = Math.min(item.to, hi);
      if (from <= to) out += rangeSource(from + shift, to + shift, st);
    }
  }
  return out;
}

function rangeSource(from: number, to: number, st?: { needsUnicode: boolean }): string {
  if (from === to) return escapeChar(from, true, st);
  return `${escapeChar(from, true, st)}-${escapeChar(to, true, st)}`;
}

const SYNTAX = new Set([..."^$\\.*+?()[]{}|/"]);

/** Escape one code point for a JS pattern; valid with or without the `u` flag. */
export function escapeChar(cp: number, inClass: boolean, st?: { needsUnicode: boolean }): string {
  const ch = String.fromCodePoint(cp);
  if (inClass ? "\\]-^[".includes(ch) : SYNTAX.has(ch)) return "\\" + ch;
  if (cp < 0x20 || cp === 0x7f) return "\\x" + cp.toString(16).padStart(2, "0");
  if (cp > 0xffff) {
    if (st) st.needsUnicode = true;
    return `\\u{${cp.toString(16)}}`;
  }
  if (cp >= 0xd800 && cp <= 0xdfff) return "\\u" + cp.toString(16).padStart(4, "0");
  return ch;
}
