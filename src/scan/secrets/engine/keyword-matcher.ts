/**
 * One pass over a file finds every rule keyword at once: an Aho–Corasick automaton compiled to a
 * dense DFA over ASCII case-folded character classes, so the prefilter runs near memory speed
 * however many keywords the rules declare, and rule regexes then run only where keywords occur.
 *
 * It runs on the file's bytes (`scanBytes`) when it can, in WebAssembly (dfa-wasm.ts: ~2–4× the
 * JavaScript typed-array loop it replaced, which was itself ~3× `charCodeAt` over the decoded
 * string), on bytes read straight into the module's memory (`readBuffer`); files without a single
 * keyword are then never decoded at all. For pure-ASCII bytes, byte offsets are string offsets.
 * Each block is walked as four chains `stride` bytes apart: a DFA step depends on the previous
 * state, so one chain is bound by load latency; four independent chains overlap (~2× on Node 20).
 * Every chain but the block's first starts `warm` bytes early (the longest keyword), so a keyword
 * straddling two chains is reported once, by the chain it ends in.
 *
 * The scan loop only records (position, state) pairs; hits are grouped per rule afterwards, where
 * two cheap confirmations drop most of the noise of short, common keywords before any regex runs:
 * `exact` rules need their keyword in the case written (`SK` of a Twilio key, not `sk` of "task"),
 * and `assignment` rules need `=` or `:` within a few identifier characters after it.
 */

import { lastState, runString } from "./dfa-loops";
import { CLASS_AT, DELTA_AT, ENDS_AT, STRIDES, instantiateDfa } from "./dfa-wasm";
import type { DfaExports } from "./dfa-wasm";

/** Keyword hits of one text: for each rule that fired, the offset where each keyword starts. */
export type KeywordHits = Map<number, number[]>;

/** What the matcher needs of a rule. */
export interface KeywordRule {
  /** Lower-case unless `exact`; ASCII only. */
  keywords: readonly string[];
  exact?: boolean;
  assignment?: boolean;
}

/** Character reader shared by the byte and string scans. */
type CodeAt = (i: number) => number;

/** How far past a keyword an assignment operator may sit: identifier tail, a quote, blanks. */
const ASSIGNMENT_REACH = 48;
/** The generic rule's shortest value (`{8,256}`), quotes not counted. */
const VALUE_MIN = 8;
/** The longest stretch one chain walks per call (the largest of STRIDES). */
const SEGMENT = 1 << 14;
/** Pair slots (i32) per chain: at most one (offset, state) pair per character. */
const CAP = 2 * SEGMENT;
const CAP_BYTES = 4 * CAP;
/** WebAssembly's memory page. */
const PAGE = 1 << 16;
/** Strings (non-ASCII files, diff fragments) are walked in chunks of this many characters. */
const CHUNK = CAP / 2;

/** A compiled keyword automaton: build once per configuration, scan any number of texts. */
export class KeywordMatcher {
  /** Byte / char code → character class (0: a character no keyword contains, and all non-ASCII). */
  private readonly classOf = new Uint8Array(256);
  private readonly classCount: number;
  /**
   * delta[state + class] → next state, where states are pre-multiplied by classCount and a state
   * that reports keywords is stored bitwise-negated: one load and one sign test per character.
   */
  private readonly delta: Int32Array;
  /** For state index s: its keywords are entries outStart[s] .. outStart[s + 1] of outRule / outWord. */
  private readonly outStart: Int32Array;
  private readonly outRule: Int32Array;
  private readonly outWord: string[];
  private readonly rules: readonly KeywordRule[];
  /** Scratch for the (end offset, state) pairs of one string chunk. */
  private readonly raw = new Int32Array(CAP);
  /** The byte loops' WebAssembly instance (own memory), made on the first byte scan. */
  private dfa: DfaExports | undefined;
  /** In its memory: where the four chains' pairs go, then where the scanned bytes go. */
  private readonly outAt: number;
  private readonly dataAt: number;
  /** How far before a segment its chain starts: the longest keyword. */
  private readonly warm: number;

  constructor(rules: readonly KeywordRule[]) {
    this.rules = rules;
    this.warm = Math.max(1, ...rules.flatMap((r) => r.keywords.map((k) => k.length)));
    const trie: Map<number, number>[] = [new Map()];
    const out: [number, string][][] = [[]];
    const split = caseSplitLetters(rules);
    let classes = 1;
    // Both cases of a letter share a class, except split letters: their upper case has its own.
    const classOfChar = (ch: string): number => {
      const lower = ch.toLowerCase();
      const c = lower.charCodeAt(0);
      if (this.classOf[c] === 0) {
        this.classOf[c] = classes++;
        const upper = lower.toUpperCase().charCodeAt(0);
        if (upper < 128 && upper !== c) this.classOf[upper] = split.has(lower) ? classes++ : this.classOf[c]!;
      }
      return this.classOf[ch.charCodeAt(0)]!;
    };
    const insert = (r: number, word: string, spelled: string) => {
      let s = 0;
      for (const ch of spelled) {
        const k = classOfChar(ch);
        let next = trie[s]!.get(k);
        if (next === undefined) {
          next = trie.length;
          trie.push(new Map());
          out.push([]);
          trie[s]!.set(k, next);
        }
        s = next;
      }
      if (!out[s]!.some(([x, w]) => x === r && w === word)) out[s]!.push([r, word]);
    };
    rules.forEach((rule, r) => {
      for (const word of rule.keywords) {
        // An exact keyword is walked in its own case (split letters then tell `SK` from `sk`); any
        // other keyword in every case of its split letters.
        if (rule.exact) insert(r, word, word);
        else for (const spelled of caseVariants(word.toLowerCase(), split)) insert(r, word, spelled);
      }
    });
    this.classCount = classes;
    const { delta, outputs } = buildDfa(trie, out, classes);
    this.outStart = new Int32Array(trie.length + 1);
    const flat: [number, string][] = [];
    for (let s = 0; s < trie.length; s++) {
      this.outStart[s] = flat.length;
      flat.push(...outputs[s]!);
    }
    this.outStart[trie.length] = flat.length;
    this.outRule = Int32Array.from(flat, ([r]) => r);
    this.outWord = flat.map(([, w]) => w);
    this.delta = delta.map((t) => (outputs[t]!.length > 0 ? ~(t * classes) : t * classes));
    this.outAt = DELTA_AT + Math.ceil(this.delta.length / 4) * 16;
    this.dataAt = this.outAt + 4 * CAP_BYTES;
  }

  /**
   * A buffer of `size` bytes inside the automaton's memory, for a caller to read a file into: then
   * `scanBytes` of (a prefix of) it walks the bytes where they are, without copying them. Valid
   * until the next call of `readBuffer` (growing the memory moves it).
   */
  readBuffer(size: number): Buffer {
    const w = this.wasm();
    this.reserve(w, size);
    return Buffer.from(w.memory.buffer, this.dataAt, size);
  }

  /** Keywords in UTF-8 bytes; offsets are byte offsets. */
  scanBytes(bytes: Uint8Array): KeywordHits {
    const hits: KeywordHits = new Map();
    const code: CodeAt = (i) => bytes[i]!;
    const w = this.wasm();
    const base = this.dataAt;
    if (bytes.buffer !== w.memory.buffer || bytes.byteOffset !== base) {
      this.reserve(w, bytes.length);
      new Uint8Array(w.memory.buffer, base, bytes.length).set(bytes);
    }
    const raw = new Int32Array(w.memory.buffer);
    const out = this.outAt;
    const { warm } = this;
    const end = base + bytes.length;
    const collect = (from: number, to: number) => this.collect(raw, from, to, base, code, bytes.length, hits);
    // Blocks of four chains, the largest stride that fits first; each block's first chain carries on
    // from the previous block's last, the others warm up on the bytes before them.
    let p = base;
    let state = 0;
    for (const stride of STRIDES) {
      const run4 = w.run4.get(stride)!;
      const o = [out, out + CAP_BYTES, out + 2 * CAP_BYTES, out + 3 * CAP_BYTES] as const;
      for (; end - p >= 4 * stride; p += 4 * stride) {
        const s1 = w.warm(Math.max(base, p + stride - warm), p + stride);
        const s2 = w.warm(Math.max(base, p + 2 * stride - warm), p + 2 * stride);
        const s3 = w.warm(Math.max(base, p + 3 * stride - warm), p + 3 * stride);
        run4(p, state, s1, s2, s3, o[0], o[1], o[2], o[3]);
        const e = ENDS_AT >> 2;
        state = raw[e + 3]!;
        for (let k = 0; k < 4; k++) collect(o[k]!, raw[e + 4 + k]!);
      }
    }
    collect(out, w.run1(p, end, state, out));
    return hits;
  }

  /** The WebAssembly automaton with this matcher's tables, made on first use. */
  private wasm(): DfaExports {
    if (this.dfa) return this.dfa;
    // Class × 4 fits a byte below 64 classes: the loops then skip a shift per byte.
    const narrow = this.classCount <= 64;
    const w = instantiateDfa(narrow);
    this.reserve(w, 0);
    const mem = new Int32Array(w.memory.buffer);
    const bytes = new Uint8Array(w.memory.buffer);
    for (let c = 0; c < 256; c++) {
      if (narrow) bytes[CLASS_AT + c] = this.classOf[c]! * 4;
      else mem[(CLASS_AT >> 2) + c] = this.classOf[c]! * 4;
    }
    // States become byte offsets into the table; a reporting state stays negated.
    for (let i = 0; i < this.delta.length; i++) {
      const t = this.delta[i]!;
      mem[(DELTA_AT >> 2) + i] = t < 0 ? ~(~t * 4) : t * 4;
    }
    this.dfa = w;
    return w;
  }

  /** Grow the memory to hold the tables, the pairs and `size` bytes of input. */
  private reserve(w: DfaExports, size: number): void {
    const need = this.dataAt + size;
    const have = w.memory.buffer.byteLength;
    if (need > have) w.memory.grow(Math.ceil((need - have) / PAGE));
  }

  /** Keywords in a string; offsets are string (UTF-16) offsets. */
  scanString(text: string): KeywordHits {
    const hits: KeywordHits = new Map();
    const code: CodeAt = (i) => text.charCodeAt(i);
    let state = 0;
    for (let from = 0; from < text.length; from += CHUNK) {
      const to = Math.min(text.length, from + CHUNK);
      const n = runString(text, from, to, state, this.delta, this.classOf, this.raw);
      state = lastState;
      this.collectJs(n, code, text.length, hits);
    }
    return hits;
  }

  /** The pairs runString left in `raw` (offsets, states as table indexes). */
  private collectJs(n: number, code: CodeAt, length: number, hits: KeywordHits): void {
    for (let p = 0; p < n; p += 2) {
      this.report(this.raw[p]!, this.raw[p + 1]! / this.classCount, code, length, hits);
    }
  }

  /**
   * The pairs the WebAssembly loops wrote between byte addresses `from` and `to` (end addresses
   * relative to `base`, states as table byte offsets).
   */
  private collect(
    raw: Int32Array,
    from: number,
    to: number,
    base: number,
    code: CodeAt,
    length: number,
    hits: KeywordHits,
  ): void {
    const unit = this.classCount * 4;
    for (let p = from >> 2, end = to >> 2; p < end; p += 2) {
      this.report(raw[p]! - base, raw[p + 1]! / unit, code, length, hits);
    }
  }

  /** Record state `s`'s keywords ending at `end`, confirming exact-case and assignment keywords. */
  private report(end: number, s: number, code: CodeAt, length: number, hits: KeywordHits): void {
    for (let o = this.outStart[s]!, to = this.outStart[s + 1]!; o < to; o++) {
      const r = this.outRule[o]!;
      const word = this.outWord[o]!;
      const start = end - word.length;
      const rule = this.rules[r]!;
      if (rule.exact && !sameCase(code, start, word)) continue;
      if (rule.assignment && !assignmentFollows(code, end, length)) continue;
      const list = hits.get(r);
      if (list === undefined) hits.set(r, [start]);
      else if (!list.includes(start, list.length - 4)) list.push(start);
    }
  }
}

/**
 * Letters whose two cases the automaton tells apart: those of the shortest exact keywords (`SK`,
 * `Q~`). Folded, `SK` fires on every "task" and "disk" — a third of all raw keyword hits on source
 * code — only for the exact-case check to drop nearly all of them. Only letters of keywords of one or
 * two characters: every case-insensitive keyword holding a split letter is entered in both of its
 * cases, so splitting many letters would multiply the automaton.
 */
function caseSplitLetters(rules: readonly KeywordRule[]): Set<string> {
  const split = new Set<string>();
  for (const rule of rules) {
    if (!rule.exact) continue;
    for (const word of rule.keywords) {
      if (word.length > 2) continue;
      for (const ch of word.toLowerCase()) if (ch >= "a" && ch <= "z") split.add(ch);
    }
  }
  return split;
}

/** `word` (lower-case) spelled with every combination of cases of its split letters. */
function caseVariants(word: string, split: ReadonlySet<string>): string[] {
  let variants = [""];
  for (const ch of word) {
    const cases = split.has(ch) ? [ch, ch.toUpperCase()] : [ch];
    variants = variants.flatMap((v) => cases.map((c) => v + c));
  }
  return variants;
}

function sameCase(code: CodeAt, start: number, word: string): boolean {
  for (let j = 0; j < word.length; j++) if (code(start + j) !== word.charCodeAt(j)) return false;
  return true;
}

/**
 * Whether `=`, `:`, `|` (of `||=`) or `?` (of `?=`) follows within an identifier tail, a closing
 * quote or bracket and blanks, and then a value of at least VALUE_MIN non-blank characters: a
 * superset of what the generic rule's regex accepts after its name (`token: string` and
 * `password = x` are common in code and need no regex run).
 */
function assignmentFollows(code: CodeAt, from: number, length: number): boolean {
  const limit = Math.min(length, from + ASSIGNMENT_REACH);
  let i = from;
  while (i < limit && isIdentifier(code(i))) i++;
  if (i < limit && (code(i) === 0x22 || code(i) === 0x27 || code(i) === 0x5d)) i++;
  while (i < limit && isBlank(code(i))) i++;
  if (i >= limit) return false;
  const c = code(i);
  if (c !== 0x3d && c !== 0x3a && c !== 0x7c && c !== 0x3f) return false;
  return valueFollows(code, i, length);
}

/**
 * From an assignment operator: skip operator characters and blanks (the regex's `\s*` may span
 * lines), then count the non-blank run that holds the value. Operator characters after the last
 * blank count too, since a value may start with one (`==` then `abc…`): never fewer than the regex's.
 */
function valueFollows(code: CodeAt, at: number, length: number): boolean {
  let i = at;
  let run = 0;
  for (; i < length; i++) {
    const c = code(i);
    if (isBlank(c)) run = 0;
    else if (c === 0x3d || c === 0x3a || c === 0x7c || c === 0x3f || c === 0x3e) run++;
    else break;
  }
  for (; i < length && run < VALUE_MIN && !isBlank(code(i)); i++) run++;
  return run >= VALUE_MIN;
}

function isIdentifier(c: number): boolean {
  return (
    (c >= 0x30 && c <= 0x39) ||
    (c >= 0x41 && c <= 0x5a) ||
    (c >= 0x61 && c <= 0x7a) ||
    c === 0x5f ||
    c === 0x2d ||
    c === 0x2e
  );
}

function isBlank(c: number): boolean {
  return c === 0x20 || (c >= 0x09 && c <= 0x0d);
}

/** Breadth-first failure links, folded into a complete transition table of state indexes. */
function buildDfa<T>(
  trie: Map<number, number>[],
  out: T[][],
  classes: number,
): { delta: Int32Array; outputs: T[][] } {
  const n = trie.length;
  const delta = new Int32Array(n * classes);
  const fail = new Int32Array(n);
  const outputs = out.map((o) => [...o]);
  const queue: number[] = [];
  for (let k = 0; k < classes; k++) {
    const next = trie[0]!.get(k);
    if (next !== undefined) {
      delta[k] = next;
      queue.push(next);
    }
  }
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q]!;
    const f = fail[s]!;
    for (const o of outputs[f]!) if (!outputs[s]!.includes(o)) outputs[s]!.push(o);
    for (let k = 0; k < classes; k++) {
      const next = trie[s]!.get(k);
      if (next === undefined) {
        delta[s * classes + k] = delta[f * classes + k]!;
      } else {
        fail[next] = delta[f * classes + k]!;
        delta[s * classes + k] = next;
        queue.push(next);
      }
    }
  }
  return { delta, outputs };
}
