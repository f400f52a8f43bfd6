/**
 * One pass over a file finds every rule keyword at once: an Aho–Corasick automaton compiled to a
 * dense DFA over ASCII case-folded character classes, so the prefilter runs near memory speed
 * however many keywords the rules declare, and rule regexes then run only where keywords occur.
 *
 * It runs on the file's bytes (`scanBytes`) when it can: measured on Node 20, a typed-array loop over
 * a Buffer is ~3× faster than `charCodeAt` over the decoded string, and files without a single
 * keyword are then never decoded at all. For pure-ASCII bytes, byte offsets are string offsets.
 *
 * The scan loop only records (position, state) pairs; hits are grouped per rule afterwards, where
 * two cheap confirmations drop most of the noise of short, common keywords before any regex runs:
 * `exact` rules need their keyword in the case written (`SK` of a Twilio key, not `sk` of "task"),
 * and `assignment` rules need `=` or `:` within a few identifier characters after it.
 */

import { lastState, runBytes, runBytes4, runString, warmUp } from "./dfa-loops";

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
/** A block of bytes is walked as four quarters of SEGMENT characters (see dfa-loops.ts). */
const SEGMENT = 1 << 14;
const BLOCK = 4 * SEGMENT;
/** Pair slots per chain: at most one (offset, state) pair per character. */
const CAP = 2 * SEGMENT;
/** Below this, a block is walked as one chain: four warm-ups would cost more than they save. */
const SMALL_BLOCK = 1024;
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
  /** Scratch for the (end offset, state) pairs of one block's four chains. */
  private readonly raw = new Int32Array(4 * CAP);
  private readonly ends = new Int32Array(4);
  /** How far before a segment its chain starts: the longest keyword. */
  private readonly warm: number;

  constructor(rules: readonly KeywordRule[]) {
    this.rules = rules;
    this.warm = Math.max(1, ...rules.flatMap((r) => r.keywords.map((k) => k.length)));
    const trie: Map<number, number>[] = [new Map()];
    const out: [number, string][][] = [[]];
    let classes = 1;
    rules.forEach((rule, r) => {
      for (const word of rule.keywords) {
        let s = 0;
        for (const ch of word.toLowerCase()) {
          const c = ch.charCodeAt(0);
          if (this.classOf[c] === 0) {
            this.classOf[c] = classes++;
            const upper = ch.toUpperCase().charCodeAt(0);
            if (upper < 128) this.classOf[upper] = this.classOf[c]!;
          }
          const k = this.classOf[c]!;
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
  }

  /** Keywords in UTF-8 bytes; offsets are byte offsets. */
  scanBytes(bytes: Uint8Array): KeywordHits {
    const hits: KeywordHits = new Map();
    const code: CodeAt = (i) => bytes[i]!;
    const { delta, classOf, raw, ends, warm } = this;
    for (let from = 0; from < bytes.length; from += BLOCK) {
      const to = Math.min(bytes.length, from + BLOCK);
      if (to - from >= SMALL_BLOCK) {
        runBytes4(bytes, from, to, delta, classOf, raw, CAP, ends, warm);
        for (let k = 0; k < 4; k++) this.collect(k * CAP, ends[k]!, code, bytes.length, hits);
      } else {
        const state = warmUp(bytes, Math.max(0, from - warm), from, delta, classOf);
        this.collect(0, runBytes(bytes, from, to, state, delta, classOf, raw, 0), code, bytes.length, hits);
      }
    }
    return hits;
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
      this.collect(0, n, code, text.length, hits);
    }
    return hits;
  }

  /** Group the recorded pairs per rule, confirming exact-case and assignment keywords. */
  private collect(from: number, to: number, code: CodeAt, length: number, hits: KeywordHits): void {
    for (let p = from; p < to; p += 2) {
      const end = this.raw[p]!;
      const s = this.raw[p + 1]! / this.classCount;
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
}

function sameCase(code: CodeAt, start: number, word: string): boolean {
  for (let j = 0; j < word.length; j++) if (code(start + j) !== word.charCodeAt(j)) return false;
  return true;
}

/**
 * Whether `=`, `:`, `|` (of `||=`) or `?` (of `?=`) follows within an identifier tail, a closing
 * quote or bracket and blanks: a superset of what the generic rule's regex accepts after its name.
 */
function assignmentFollows(code: CodeAt, from: number, length: number): boolean {
  const limit = Math.min(length, from + ASSIGNMENT_REACH);
  let i = from;
  while (i < limit && isIdentifier(code(i))) i++;
  if (i < limit && (code(i) === 0x22 || code(i) === 0x27 || code(i) === 0x5d)) i++;
  while (i < limit && isBlank(code(i))) i++;
  if (i >= limit) return false;
  const c = code(i);
  return c === 0x3d || c === 0x3a || c === 0x7c || c === 0x3f;
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
