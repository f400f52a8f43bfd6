/**
 * One pass over a file finds every rule keyword at once: an Aho–Corasick automaton (aho-corasick.ts)
 * compiled to a dense DFA over ASCII case-folded character classes, so the prefilter runs near memory
 * speed however many keywords the rules declare, and rule regexes then run only where keywords occur.
 *
 * It runs on UTF-8 bytes, in WebAssembly (dfa-wasm.ts: ~2–4× the JavaScript typed-array loop it
 * replaced, which was itself ~3× `charCodeAt` over the decoded string), on bytes read straight into
 * the module's memory (`readBuffer`); files without a single keyword are then never decoded at all.
 * Strings (diff fragments, files that are not valid UTF-8) are encoded into that memory first. For
 * ASCII, byte offsets are string offsets; otherwise hits are mapped to UTF-16 offsets afterwards.
 * Each block is walked as four chains `stride` bytes apart: a DFA step depends on the previous
 * state, so one chain is bound by load latency; four independent chains overlap (~2× on Node 20).
 * Every chain but the block's first starts `warm` bytes early (the longest keyword), so a keyword
 * straddling two chains is reported once, by the chain it ends in.
 *
 * The loops record (position, state) pairs, and the generic rule's `assignment` keywords are
 * confirmed in WebAssembly too before JavaScript sees the pairs (assignment-wasm.ts). Hits are then
 * grouped per rule, where `exact` rules need their keyword in the case written (`SK` of a Twilio
 * key, not `sk` of "task").
 */

import { isUtf8 } from "node:buffer";
import { buildKeywordDfa } from "./aho-corasick";
import type { KeywordRule } from "./aho-corasick";
import {
  FLAG_ALL_ASSIGNMENT,
  FLAG_PLAIN,
  FLAG_SOME_ASSIGNMENT,
  KIND_AT,
  PARAMS_AT,
  UNITS_AT,
  characterTables,
} from "./assignment-wasm";
import { CLASS_AT, DELTA_AT, ENDS_AT, STRIDES, instantiateDfa } from "./dfa-wasm";
import type { DfaExports } from "./dfa-wasm";
import { toUtf16Offsets } from "./utf16-offsets";

export type { KeywordRule };

/** Keyword hits of one text: for each rule that fired, the offset where each keyword starts. */
export type KeywordHits = Map<number, number[]>;

/** The longest stretch one chain walks per call (the largest of STRIDES). */
const SEGMENT = 1 << 14;
/** Pair slots (i32) per chain: at most one (offset, state) pair per character. */
const CAP_BYTES = 4 * 2 * SEGMENT;
/** WebAssembly's memory page. */
const PAGE = 1 << 16;
/** Output flags. */
const EXACT = 1;
const ASSIGNMENT = 2;

const align16 = (n: number) => Math.ceil(n / 16) * 16;

/** A compiled keyword automaton: build once per configuration, scan any number of texts. */
export class KeywordMatcher {
  private readonly classOf: Uint8Array;
  private readonly classCount: number;
  /**
   * The transition table as the WebAssembly loops read it: table[state / 4 + class] → next state,
   * where a state is its row's byte offset (index × classCount × 4) and a state that reports
   * keywords is stored bitwise-negated: one load and one sign test per character.
   */
  private readonly table: Int32Array;
  /** For state index s: its keywords are entries outStart[s] .. outStart[s + 1] of the out* arrays. */
  private readonly outStart: Int32Array;
  private readonly outRule: Int32Array;
  private readonly outLength: Int32Array;
  private readonly outFlags: Uint8Array;
  private readonly outWord: string[];
  /** Per state: FLAG_PLAIN, FLAG_SOME_ASSIGNMENT or FLAG_ALL_ASSIGNMENT (assignment-wasm.ts). */
  private readonly stateFlags: Uint8Array;
  /** The byte loops' WebAssembly instance (own memory), made on the first scan. */
  private dfa: DfaExports | undefined;
  /** In its memory: the state flags, then where the four chains' pairs go, then the scanned bytes. */
  private readonly flagsAt: number;
  private readonly outAt: number;
  private readonly dataAt: number;
  /** How far before a segment its chain starts: the longest keyword. */
  private readonly warm: number;
  /** `readBuffer`'s view of the memory after `dataAt`. */
  private view: Buffer | undefined;

  constructor(rules: readonly KeywordRule[]) {
    this.warm = Math.max(1, ...rules.flatMap((r) => r.keywords.map((k) => k.length)));
    const dfa = buildKeywordDfa(rules);
    const { classCount, outputs } = dfa;
    this.classOf = dfa.classOf;
    this.classCount = classCount;
    this.outStart = new Int32Array(dfa.states + 1);
    this.stateFlags = new Uint8Array(dfa.states);
    const flat: (readonly [number, string])[] = [];
    for (let s = 0; s < dfa.states; s++) {
      this.outStart[s] = flat.length;
      flat.push(...outputs[s]!);
      const assignment = outputs[s]!.filter(([r]) => rules[r]!.assignment).length;
      this.stateFlags[s] =
        assignment === 0
          ? FLAG_PLAIN
          : assignment === outputs[s]!.length
            ? FLAG_ALL_ASSIGNMENT
            : FLAG_SOME_ASSIGNMENT;
    }
    this.outStart[dfa.states] = flat.length;
    this.outRule = Int32Array.from(flat, ([r]) => r);
    this.outLength = Int32Array.from(flat, ([, w]) => w.length);
    this.outFlags = Uint8Array.from(
      flat,
      ([r]) => (rules[r]!.exact ? EXACT : 0) | (rules[r]!.assignment ? ASSIGNMENT : 0),
    );
    this.outWord = flat.map(([, w]) => w);
    this.table = dfa.delta;
    this.flagsAt = DELTA_AT + align16(4 * this.table.length);
    // One flag byte per state at flagsAt + (state offset) / 4 = flagsAt + index × classCount.
    this.outAt = this.flagsAt + align16(dfa.states * classCount);
    this.dataAt = this.outAt + 4 * CAP_BYTES;
  }

  /**
   * A buffer of at least `size` bytes inside the automaton's memory, for a caller to read a file
   * into: then `scanBytes` of a prefix of it walks the bytes where they are, without copying them.
   * Valid until the memory grows (a larger `readBuffer`, or scanning larger bytes or strings from
   * elsewhere); what it holds stays in place when it does. One Buffer serves every file meanwhile.
   */
  readBuffer(size: number): Buffer {
    const w = this.wasm();
    this.reserve(w, size);
    const memory = w.memory.buffer;
    if (this.view?.buffer !== memory)
      this.view = Buffer.from(memory, this.dataAt, memory.byteLength - this.dataAt);
    return this.view;
  }

  /**
   * Keywords in bytes (UTF-8, or any ASCII-compatible encoding); offsets are byte offsets.
   *
   * One function with the pairs' loop written out in it, rather than helpers per block and per pair:
   * V8 compiled each helper on its own and again inlined into this one (interleaved A/B of the two
   * bundles on the benchmark tree: ≈ 10 % less CPU time per scan without them).
   */
  scanBytes(bytes: Uint8Array): KeywordHits {
    const hits: KeywordHits = new Map();
    const w = this.wasm();
    const base = this.dataAt;
    if (bytes.buffer !== w.memory.buffer || bytes.byteOffset !== base) {
      this.reserve(w, bytes.length);
      new Uint8Array(w.memory.buffer, base, bytes.length).set(bytes);
    }
    const raw = new Int32Array(w.memory.buffer);
    const { outAt, warm, outStart, outFlags, outLength } = this;
    const unit = this.classCount * 4;
    const end = base + bytes.length;
    const e = ENDS_AT >> 2;
    // The assignment check reads on to the end of the data.
    raw[(PARAMS_AT >> 2) + 1] = end;
    // Blocks of four chains, the largest stride that fits first, then one chain for the rest; each
    // block's first chain carries on from the previous block's last, the others warm up on the bytes
    // before them.
    let p = base;
    let state = 0;
    let size = 0;
    while (p < end) {
      while (size < STRIDES.length && end - p < 4 * STRIDES[size]!) size++;
      let chains = 1;
      if (size < STRIDES.length) {
        const stride = STRIDES[size]!;
        const s1 = w.warm(Math.max(base, p + stride - warm), p + stride);
        const s2 = w.warm(Math.max(base, p + 2 * stride - warm), p + 2 * stride);
        const s3 = w.warm(Math.max(base, p + 3 * stride - warm), p + 3 * stride);
        w.run4[size]!(
          p,
          state,
          s1,
          s2,
          s3,
          outAt,
          outAt + CAP_BYTES,
          outAt + 2 * CAP_BYTES,
          outAt + 3 * CAP_BYTES,
        );
        state = raw[e + 3]!;
        chains = 4;
        p += 4 * stride;
      } else {
        raw[e + 4] = w.run1(p, end, state, outAt);
        p = end;
      }
      // The (end address, state) pairs each chain wrote: a state's keywords, confirmed.
      for (let k = 0; k < chains; k++) {
        for (let q = (outAt + k * CAP_BYTES) >> 2, qEnd = raw[e + 4 + k]! >> 2; q < qEnd; q += 2) {
          const v = raw[q + 1]!;
          const assigned = v & 1;
          const s = (v - assigned) / unit;
          const keywordEnd = raw[q]! - base;
          for (let o = outStart[s]!, last = outStart[s + 1]!; o < last; o++) {
            const flags = outFlags[o]!;
            if ((flags & ASSIGNMENT) !== 0 && assigned === 0) continue;
            const start = keywordEnd - outLength[o]!;
            if ((flags & EXACT) !== 0 && !sameCase(bytes, start, this.outWord[o]!)) continue;
            const rule = this.outRule[o]!;
            const list = hits.get(rule);
            if (list === undefined) hits.set(rule, [start]);
            else if (!list.includes(start, list.length - 4)) list.push(start);
          }
        }
      }
    }
    return hits;
  }

  /**
   * Keywords in a string; offsets are string (UTF-16) offsets. The string is encoded as UTF-8 into
   * the automaton's memory: this overwrites what `readBuffer` returned.
   */
  scanString(text: string): KeywordHits {
    const size = Buffer.byteLength(text, "utf8");
    const buffer = this.readBuffer(size);
    buffer.write(text, 0, size, "utf8");
    const bytes = buffer.subarray(0, size);
    const hits = this.scanBytes(bytes);
    // Every character outside ASCII takes more than one byte.
    if (size !== text.length && hits.size > 0) toUtf16Offsets(bytes, hits);
    return hits;
  }

  /**
   * Keywords in valid UTF-8 bytes, with the offsets they have in the decoded string. Undefined when
   * the bytes are not valid UTF-8 (then the decoder's replacement characters decide the offsets:
   * scan the decoded string).
   */
  scanUtf8(bytes: Uint8Array): KeywordHits | undefined {
    if (!isUtf8(bytes)) return undefined;
    const hits = this.scanBytes(bytes);
    if (hits.size > 0) toUtf16Offsets(bytes, hits);
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
    mem.set(this.table, DELTA_AT >> 2);
    for (let s = 0; s < this.stateFlags.length; s++)
      bytes[this.flagsAt + s * this.classCount] = this.stateFlags[s]!;
    const { kinds, units } = characterTables();
    bytes.set(kinds, KIND_AT);
    bytes.set(units, UNITS_AT);
    mem[PARAMS_AT >> 2] = this.flagsAt;
    this.dfa = w;
    return w;
  }

  /** Grow the memory to hold the tables, the pairs and `size` bytes of input. */
  private reserve(w: DfaExports, size: number): void {
    const need = this.dataAt + size;
    const have = w.memory.buffer.byteLength;
    if (need > have) w.memory.grow(Math.ceil((need - have) / PAGE));
  }
}

function sameCase(bytes: Uint8Array, start: number, word: string): boolean {
  for (let j = 0; j < word.length; j++) if (bytes[start + j] !== word.charCodeAt(j)) return false;
  return true;
}
