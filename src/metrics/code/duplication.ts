import { scriptKindOf } from "./complexity";
import type { TokenStream, TokenizeOptions } from "./tokenize";
import { TokenTable, tokenize } from "./tokenize";

/**
 * Token-based duplicate detection in the manner of PMD CPD and jscpd: every file becomes a token stream
 * (see `tokenize` for what is normalised), a Rabin–Karp rolling hash finds windows of `minTokens` equal
 * tokens, and each hit is extended token by token to the longest common run. The first occurrence of a
 * window is the original; later occurrences are reported as its duplicates, so N copies give N - 1
 * duplicates. Density follows SonarQube's "duplicated lines (%)": non-blank lines inside any copy
 * (original or duplicate) over all non-blank lines.
 */

export interface DuplicationOptions extends TokenizeOptions {
  /** Shortest run of equal tokens reported. Default 50, jscpd's default (CPD's is 100). */
  minTokens?: number;
}

/** One side of a duplicate: a file and the 1-based, inclusive line span of the copied tokens. */
export interface CodeSpan {
  file: string;
  startLine: number;
  endLine: number;
}

export interface Duplicate {
  /** The first occurrence (earlier file in input order, or earlier in the same file). */
  a: CodeSpan;
  /** The later copy. */
  b: CodeSpan;
  /** Length of the common run in tokens (≥ minTokens). */
  tokens: number;
  /** Lines the copy `b` spans. */
  lines: number;
}

export interface DuplicationReport {
  duplicates: Duplicate[];
  /** Non-blank lines inside at least one side of a duplicate, counted once each. */
  duplicatedLines: number;
  /** Non-blank lines of every analysed file. */
  totalLines: number;
  /** duplicatedLines / totalLines × 100; 0 when there is no line at all. */
  percent: number;
}

const DEFAULT_MIN_TOKENS = 50;
const BASE = 0x01000193; // an odd multiplier spreads small token ids over the 32-bit hash space

interface Analysed {
  file: string;
  text: string;
  tokens: TokenStream;
  /** Index of the file's first token in the concatenation of all files' tokens. */
  offset: number;
}

/** Finds duplicated code across (and within) the given files; non-JS/TS files are skipped. Pure. */
export function detectDuplication(
  files: ReadonlyArray<{ path: string; text: string }>,
  options: DuplicationOptions = {},
): DuplicationReport {
  const minTokens = Math.max(1, options.minTokens ?? DEFAULT_MIN_TOKENS);
  const table = new TokenTable();
  const analysed: Analysed[] = [];
  let offset = 0;
  for (const f of files) {
    if (scriptKindOf(f.path) === undefined) continue;
    const tokens = tokenize(f.text, table, options);
    analysed.push({ file: f.path, text: f.text, tokens, offset });
    offset += tokens.ids.length;
  }
  const all = concatIds(analysed, offset);
  const duplicates = findDuplicates(analysed, all, minTokens);
  return summarize(analysed, duplicates);
}

function concatIds(analysed: Analysed[], total: number): Int32Array {
  const all = new Int32Array(total);
  for (const a of analysed) all.set(a.tokens.ids, a.offset);
  return all;
}

/** Rolling hashes of every window of `w` tokens of one file (empty when the file is shorter). */
function windowHashes(ids: Int32Array, w: number): Int32Array {
  const count = ids.length - w + 1;
  if (count <= 0) return new Int32Array(0);
  let top = 1; // BASE^(w-1) mod 2^32: the weight of the token leaving the window
  for (let i = 1; i < w; i++) top = Math.imul(top, BASE);
  const hashes = new Int32Array(count);
  let h = 0;
  for (let i = 0; i < w; i++) h = (Math.imul(h, BASE) + (ids[i] as number)) | 0;
  hashes[0] = h;
  for (let i = 1; i < count; i++) {
    const out = Math.imul(ids[i - 1] as number, top);
    h = (Math.imul(h - out, BASE) + (ids[i + w - 1] as number)) | 0;
    hashes[i] = h;
  }
  return hashes;
}

function sameRun(all: Int32Array, p: number, q: number, length: number): boolean {
  for (let k = 0; k < length; k++) if (all[p + k] !== all[q + k]) return false;
  return true;
}

/**
 * hash → global position of the first window with that hash: open addressing over typed arrays. A
 * `Map` would box most 32-bit hashes (V8 keeps only 31-bit integers unboxed) and run 5× slower.
 */
class WindowIndex {
  private readonly keys: Int32Array;
  /** Position + 1; 0 marks an empty slot. */
  private readonly values: Int32Array;
  private readonly mask: number;

  constructor(expected: number) {
    let capacity = 1024;
    while (capacity < expected * 2) capacity *= 2;
    this.keys = new Int32Array(capacity);
    this.values = new Int32Array(capacity);
    this.mask = capacity - 1;
  }

  /** The position stored for `hash`, storing `pos` first when there is none (then returns undefined). */
  getOrAdd(hash: number, pos: number): number | undefined {
    let slot = Math.imul(hash, 0x9e3779b1) & this.mask;
    for (;;) {
      const v = this.values[slot] as number;
      if (v === 0) {
        this.keys[slot] = hash;
        this.values[slot] = pos + 1;
        return undefined;
      }
      if (this.keys[slot] === hash) return v - 1;
      slot = (slot + 1) & this.mask;
    }
  }
}

/** Scans the files in order, each window either matching an earlier one or becoming the original. */
function findDuplicates(analysed: Analysed[], all: Int32Array, w: number): Duplicate[] {
  const seen = new WindowIndex(all.length);
  const fileOf = (pos: number) => analysed[fileIndexAt(analysed, pos)] as Analysed;
  const duplicates: Duplicate[] = [];
  for (const file of analysed) {
    const hashes = windowHashes(file.tokens.ids, w);
    const end = file.offset + file.tokens.ids.length;
    let i = 0;
    while (i < hashes.length) {
      const pos = file.offset + i;
      const h = hashes[i] as number;
      const earlier = seen.getOrAdd(h, pos);
      // Overlapping windows of one file are repetition (`0, 0, 0, …`), not a copy.
      if (earlier === undefined || earlier + w > pos || !sameRun(all, earlier, pos, w)) {
        i++;
        continue;
      }
      const length = extend(all, earlier, pos, w, end);
      // The copy's inner windows are indexed too, so a third copy of any part of it is found.
      for (let k = i + 1; k <= i + length - w; k++) seen.getOrAdd(hashes[k] as number, file.offset + k);
      duplicates.push(describe(fileOf(earlier), earlier, file, pos, length));
      // Resume after the copy: windows overlapping its end would mostly re-report its tail against
      // another occurrence of the same repetitive code.
      i += length;
    }
  }
  return duplicates;
}

/** Grows a verified match of `w` tokens forward while tokens agree and the copy stays apart from its original. */
function extend(all: Int32Array, earlier: number, pos: number, w: number, end: number): number {
  let length = w;
  while (pos + length < end && earlier + length < pos && all[earlier + length] === all[pos + length])
    length++;
  return length;
}

/** The file holding a global token position (binary search over offsets). */
function fileIndexAt(analysed: Analysed[], pos: number): number {
  let lo = 0;
  let hi = analysed.length - 1;
  while (lo < hi) {
    const mid = (lo + hi + 1) >> 1;
    if ((analysed[mid] as Analysed).offset <= pos) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

function span(file: Analysed, pos: number, length: number): CodeSpan {
  const first = pos - file.offset;
  return {
    file: file.file,
    startLine: file.tokens.startLines[first] as number,
    endLine: file.tokens.endLines[first + length - 1] as number,
  };
}

function describe(
  original: Analysed,
  earlier: number,
  copy: Analysed,
  pos: number,
  length: number,
): Duplicate {
  const a = span(original, earlier, length);
  const b = span(copy, pos, length);
  return { a, b, tokens: length, lines: b.endLine - b.startLine + 1 };
}

/** Per-line non-blank flags: index = 1-based line number. */
function nonBlankLines(text: string): Uint8Array {
  const lines = text.split("\n");
  const flags = new Uint8Array(lines.length + 1);
  lines.forEach((l, i) => {
    if (l.trim() !== "") flags[i + 1] = 1;
  });
  return flags;
}

function summarize(analysed: Analysed[], duplicates: Duplicate[]): DuplicationReport {
  const spansByFile = new Map<string, CodeSpan[]>();
  for (const d of duplicates) {
    for (const s of [d.a, d.b]) {
      const list = spansByFile.get(s.file) ?? [];
      list.push(s);
      spansByFile.set(s.file, list);
    }
  }
  let totalLines = 0;
  let duplicatedLines = 0;
  for (const file of analysed) {
    const flags = nonBlankLines(file.text);
    for (const f of flags) totalLines += f;
    const marked = new Uint8Array(flags.length);
    for (const s of spansByFile.get(file.file) ?? []) {
      for (let line = s.startLine; line <= s.endLine; line++) marked[line] = flags[line] as number;
    }
    for (const m of marked) duplicatedLines += m;
  }
  const percent = totalLines === 0 ? 0 : (duplicatedLines / totalLines) * 100;
  return { duplicates, duplicatedLines, totalLines, percent };
}
