/**
 * Go RE2 syntax (what gitleaks configs are written in) → a JavaScript RegExp source with the same
 * meaning. Node 20's RegExp has no inline flag groups, no `\z`, no `(?P<name>…)` and no POSIX
 * classes, so each is rewritten: scoped `(?i)` becomes `[aA]`-style classes, `(?s)` / `(?m)` become
 * explicit classes and lookarounds. Whatever RE2 does not accept either (backreferences,
 * lookarounds) or JavaScript cannot express (the ungreedy flag `U`, `\C`) is rejected with the
 * offset of the offending token, so a config error can point at it.
 */
import {
  GoRegexError,
  classItemSource,
  escapeChar,
  parseClass,
  parseEscape,
  rangeHasLetter,
} from "./go-regex-atoms";

export { GoRegexError };

/** A JavaScript pattern: what `new RegExp(source, flags)` takes. */
export interface JsPattern {
  source: string;
  flags: string;
}

interface Flags {
  i: boolean;
  m: boolean;
  s: boolean;
}

/** Whether letters are emitted as-is under a global `i` flag, or expanded to both cases. */
type CaseMode = "flag" | "expand";

interface State {
  src: string;
  pos: number;
  out: string;
  flags: Flags;
  stack: { flags: Flags }[];
  mode: CaseMode;
  needsUnicode: boolean;
  letterUnderCi: boolean;
  letterUnderCs: boolean;
  /** Whether the last emitted item can take a quantifier (RE2 rejects `*` at the start). */
  canRepeat: boolean;
}

const PASS_THROUGH = new Set(["d", "D", "w", "W", "s", "S", "b", "B"]);

/**
 * Translate a Go regular expression. Throws {@link GoRegexError} for syntax JavaScript cannot express
 * or RE2 rejects; the result compiles with `new RegExp` (checked here, so callers need not).
 */
export function translateGoRegex(pattern: string): JsPattern {
  const expanded = run(pattern, "expand");
  // A pattern whose letters are all case-insensitive (the usual leading `(?i)`) keeps V8's fast
  // native `i` flag instead of thousands of `[aA]` classes.
  const result = expanded.letterUnderCi && !expanded.letterUnderCs ? run(pattern, "flag") : expanded;
  const flags =
    (result.mode === "flag" && result.letterUnderCi ? "i" : "") + (result.needsUnicode ? "u" : "");
  try {
    new RegExp(result.out, flags);
  } catch (err) {
    throw new GoRegexError(`JavaScript cannot compile the translated pattern: ${(err as Error).message}`, 0);
  }
  return { source: result.out, flags };
}

function run(src: string, mode: CaseMode): State {
  const st: State = {
    src,
    pos: 0,
    out: "",
    flags: { i: false, m: false, s: false },
    stack: [],
    mode,
    needsUnicode: false,
    letterUnderCi: false,
    letterUnderCs: false,
    canRepeat: false,
  };
  while (st.pos < src.length) step(st);
  if (st.stack.length > 0) throw new GoRegexError("missing closing )", src.length);
  return st;
}

function step(st: State): void {
  const c = st.src[st.pos]!;
  switch (c) {
    case "(":
      return openGroup(st);
    case ")":
      if (st.stack.length === 0) throw new GoRegexError("unexpected )", st.pos);
      st.flags = st.stack.pop()!.flags;
      return emit(st, ")", 1, true);
    case "|":
      return emit(st, "|", 1, false);
    case "*":
    case "+":
    case "?":
    case "{":
      return quantifier(st);
    case "[":
      return charClass(st);
    case "\\":
      return escape(st);
    case ".":
      return emit(st, st.flags.s ? "[\\s\\S]" : "[^\\n]", 1, true);
    case "^":
      return emit(st, st.flags.m ? "(?<![^\\n])" : "^", 1, false);
    case "$":
      return emit(st, st.flags.m ? "(?![^\\n])" : "$", 1, false);
    default: {
      const cp = st.src.codePointAt(st.pos)!;
      literal(st, cp);
      st.pos += cp > 0xffff ? 2 : 1;
      st.canRepeat = true;
    }
  }
}

/** Append JS source for `consumed` Go characters; `repeatable`: whether a quantifier may follow. */
function emit(st: State, js: string, consumed: number, repeatable: boolean): void {
  st.out += js;
  st.pos += consumed;
  st.canRepeat = repeatable;
}

function openGroup(st: State): void {
  const start = st.pos;
  const rest = st.src.slice(st.pos + 1);
  if (!rest.startsWith("?")) {
    st.stack.push({ flags: { ...st.flags } });
    st.out += "(";
    st.pos++;
    st.canRepeat = false;
    return;
  }
  const named = /^\?P?<([A-Za-z_][A-Za-z0-9_]*)>/.exec(rest);
  if (named) {
    // Names are dropped: gitleaks selects the secret by group number, and Node 20 rejects the
    // duplicate names RE2 allows.
    st.stack.push({ flags: { ...st.flags } });
    st.out += "(";
    st.pos += 1 + named[0].length;
    st.canRepeat = false;
    return;
  }
  if (/^\?(?:=|!|<=|<!)/.test(rest)) {
    throw new GoRegexError(
      "lookahead and lookbehind are not RE2 syntax (gitleaks cannot run them either)",
      start,
    );
  }
  const flagGroup = /^\?([a-zA-Z]*)(?:-([a-zA-Z]*))?([:)])/.exec(rest);
  if (!flagGroup) throw new GoRegexError("invalid or unsupported group syntax", start);
  const flags = applyFlags(st.flags, flagGroup[1] ?? "", flagGroup[2], start);
  st.pos += 1 + flagGroup[0].length;
  if (flagGroup[3] === ")") {
    // `(?i)` changes the flags until the end of the enclosing group, as in RE2.
    st.flags = flags;
    return;
  }
  st.stack.push({ flags: { ...st.flags } });
  st.flags = flags;
  st.out += "(?:";
  st.canRepeat = false;
}

function applyFlags(current: Flags, on: string, off: string | undefined, offset: number): Flags {
  const next = { ...current };
  if (off !== undefined && off === "") throw new GoRegexError("missing flags after -", offset);
  for (const [letters, value] of [
    [on, true],
    [off ?? "", false],
  ] as const) {
    for (const f of letters) {
      if (f === "U") throw new GoRegexError("the ungreedy flag U cannot be expressed in JavaScript", offset);
      if (f !== "i" && f !== "m" && f !== "s") throw new GoRegexError(`unknown flag ${f}`, offset);
      next[f] = value;
    }
  }
  return next;
}

function quantifier(st: State): void {
  const start = st.pos;
  const c = st.src[st.pos]!;
  let token = c;
  if (c === "{") {
    const m = /^\{(\d+)(,(\d*))?\}/.exec(st.src.slice(st.pos));
    // RE2 takes a `{` that does not open a repetition as a literal.
    if (!m) return emit(st, "\\{", 1, true);
    const min = Number(m[1]);
    const max = m[3] ? Number(m[3]) : min;
    if (min > 1000 || max > 1000) throw new GoRegexError("repetition count above 1000 (RE2's limit)", start);
    if (m[3] && max < min) throw new GoRegexError("invalid repetition range", start);
    token = m[0];
  }
  if (!st.canRepeat) throw new GoRegexError("missing argument to repetition operator", start);
  st.pos += token.length;
  if (st.src[st.pos] === "?") {
    token += "?";
    st.pos++;
  }
  if (/^[*+?{]/.test(st.src[st.pos] ?? ""))
    throw new GoRegexError("invalid nested repetition operator", st.pos);
  st.out += token;
  st.canRepeat = false;
}

function escape(st: State): void {
  const start = st.pos;
  const c = st.src[st.pos + 1];
  if (c === undefined) throw new GoRegexError("trailing backslash", start);
  if (c === "Q") return quoted(st);
  if (c === "A") return emit(st, "(?<![\\s\\S])", 2, false);
  if (c === "z") return emit(st, "(?![\\s\\S])", 2, false);
  if (PASS_THROUGH.has(c)) return emit(st, "\\" + c, 2, c !== "b" && c !== "B");
  // Everything else is one atom that a character class would also accept (\x, \p, octal, \n…).
  const { item, length } = parseEscape(st.src, st.pos);
  if (item.kind === "unicode") {
    st.needsUnicode = true;
    return emit(st, classItemSource(item, false), length, true);
  }
  if (item.kind === "shorthand") {
    st.out += "\\" + item.letter;
  } else if (item.kind === "range") {
    literal(st, item.from);
  }
  st.pos += length;
  st.canRepeat = true;
}

function quoted(st: State): void {
  const end = st.src.indexOf("\\E", st.pos + 2);
  const text = st.src.slice(st.pos + 2, end === -1 ? undefined : end);
  for (const ch of text) literal(st, ch.codePointAt(0)!);
  st.pos = end === -1 ? st.src.length : end + 2;
  st.canRepeat = text.length > 0;
}

function literal(st: State, cp: number): void {
  const ch = String.fromCodePoint(cp);
  const lower = ch.toLowerCase();
  const upper = ch.toUpperCase();
  const isLetter = lower !== upper;
  if (isLetter) {
    if (st.flags.i) st.letterUnderCi = true;
    else st.letterUnderCs = true;
  }
  if (isLetter && st.flags.i && st.mode === "expand" && [...lower].length === 1 && [...upper].length === 1) {
    st.out += `[${escapeChar(lower.codePointAt(0)!, true, st)}${escapeChar(upper.codePointAt(0)!, true, st)}]`;
    return;
  }
  st.out += escapeChar(cp, false, st);
}

function charClass(st: State): void {
  const parsed = parseClass(st.src, st.pos);
  const ci = st.flags.i;
  let hasLetter = false;
  for (const item of parsed.items) {
    if (item.kind === "unicode" || (item.kind === "range" && rangeHasLetter(item.from, item.to)))
      hasLetter = true;
  }
  if (hasLetter) {
    if (ci) st.letterUnderCi = true;
    else st.letterUnderCs = true;
  }
  const foldCase = ci && st.mode === "expand";
  let body = "";
  for (const item of parsed.items) {
    if (item.kind === "unicode") st.needsUnicode = true;
    body += classItemSource(item, foldCase, st);
  }
  st.out += `[${parsed.negated ? "^" : ""}${body}]`;
  st.pos = parsed.end;
  st.canRepeat = true;
}
