/**
 * The lcov tracefile reader behind lcovParser (see lcov.ts for the format). Tracefiles of large
 * repositories reach hundreds of MB: lines are dispatched on their first characters and numbers read
 * with charCodeAt, with no split, slice or regex per line.
 */
import type { Ratio } from "../types";
import { COMMA, LineCursor, MINUS } from "./line-cursor";

/** One file's coverage as read so far (records of the same file are merged into one). */
export interface FileAcc {
  path: string;
  lineHits: Map<number, number>;
  branches: Ratio;
  functions: Ratio;
  /** Each record's body as (start offset, end offset, line number before it), kept to recount by name. */
  ranges: number[];
  /** Set when branches and functions must be matched by name: the file has several records, or
   * a record whose FN and FNDA lines do not pair up one to one. */
  keyed: boolean;
  /** Summary lines, used only when the records for this file carry no detail lines of that kind. */
  summary: { lines?: Ratio; branches?: Ratio; functions?: Ratio };
}

/** Branch and function identities, built only for files that need matching by name. */
interface Keyed {
  /** `line,block,branch` → times taken; -1 for `-` (the block never ran). */
  branches: Map<string, number>;
  /** Function name plus its occurrence, or `#<index>` (lcov 2.2) → calls. */
  functions: Map<string, number>;
  fnSeen: Map<string, number>;
  fndaSeen: Map<string, number>;
}

/** What the first pass counts in one record. */
class RecordState {
  /** Highest DA line seen so far. */
  lastLine = -1;
  branchTotal = 0;
  branchCovered = 0;
  fn = 0;
  fnda = 0;
  fndaHit = 0;
  /** lcov 2.2 function index → calls. */
  fnIndex: Map<number, number> | undefined;
  lf?: number;
  lh?: number;
  brf?: number;
  brh?: number;
  fnf?: number;
  fnh?: number;

  constructor(
    /** Offset of the record's first line after SF:, and that line's number. */
    readonly start: number,
    readonly line: number,
  ) {}
}

/**
 * Walks one tracefile; one instance per parse. The first pass counts branches and functions without
 * building a key per entry (string keys cost more than all the rest of the parse); files that need
 * entries matched by name are walked again over their records only, in keyed mode.
 */
export class LcovScanner extends LineCursor {
  private readonly files = new Map<string, FileAcc>();
  private current: FileAcc | undefined;
  private rec = new RecordState(0, 0);
  private keyed: Keyed | undefined;

  constructor(text: string, file: string) {
    super(text, file, "lcov");
  }

  /** The tracefile's files, merged by path; throws SLUICE_E_REPORT_PARSE at the first bad line. */
  run(): FileAcc[] {
    const s = this.text;
    this.walk(s.charCodeAt(0) === 0xfeff ? 1 : 0, s.length, 0);
    if (this.current) {
      this.fail(
        this.rec.line,
        1,
        `the record for ${this.current.path} has no end_of_record: the file looks truncated`,
      );
    }
    for (const acc of this.files.values()) if (acc.keyed) this.recount(acc);
    return [...this.files.values()];
  }

  /** Second pass for one file: match branches and functions by name across its records. */
  private recount(acc: FileAcc): void {
    const keyed: Keyed = {
      branches: new Map(),
      functions: new Map(),
      fnSeen: new Map(),
      fndaSeen: new Map(),
    };
    this.keyed = keyed;
    for (let i = 0; i < acc.ranges.length; i += 3) {
      this.current = acc;
      keyed.fnSeen.clear();
      keyed.fndaSeen.clear();
      this.walk(acc.ranges[i]!, acc.ranges[i + 1]!, acc.ranges[i + 2]!);
    }
    this.current = undefined;
    this.keyed = undefined;
    acc.branches = countHit(keyed.branches);
    acc.functions = countHit(keyed.functions);
  }

  protected line(start: number): void {
    const s = this.text;
    const rec = this.rec;
    const c1 = s.charCodeAt(start + 1);
    const c2 = s.charCodeAt(start + 2);
    // Dispatch on the first characters: startsWith per line costs a fifth of the parse.
    switch (s.charCodeAt(start)) {
      case 68: // D
        if (c1 === 65 && c2 === 58) return this.da(start + 3); // DA:
        break;
      case 66: // B
        if (c1 === 82 && c2 === 68 && s.startsWith("A:", start + 3)) return this.brda(start + 5);
        if (s.startsWith("BRF:", start)) return void (rec.brf = this.summaryInt(start + 4));
        if (s.startsWith("BRH:", start)) return void (rec.brh = this.summaryInt(start + 4));
        break;
      case 70: // F
        if (s.startsWith("FNDA:", start)) return this.fnda(start + 5);
        if (c1 === 78 && c2 === 58) return this.fn(start + 3); // FN:
        if (s.startsWith("FNL:", start)) return this.fnIndexed(start + 4, false);
        if (s.startsWith("FNA:", start)) return this.fnIndexed(start + 4, true);
        if (s.startsWith("FNF:", start)) return void (rec.fnf = this.summaryInt(start + 4));
        if (s.startsWith("FNH:", start)) return void (rec.fnh = this.summaryInt(start + 4));
        break;
      case 76: // L
        if (c1 === 70 && c2 === 58) return void (rec.lf = this.summaryInt(start + 3));
        if (c1 === 72 && c2 === 58) return void (rec.lh = this.summaryInt(start + 3));
        break;
      case 83: // S
        if (c1 === 70 && c2 === 58) return this.sf(start + 3);
        break;
      case 101: // e
        if (s.startsWith("end_of_record", start) && this.lineEnd - start === 13)
          return this.endOfRecord(start);
        break;
      case 35: // `#` comment
        return;
    }
    // Unknown record types (`TN:`, `VER:`, lcov 2's MC/DC lines…) are skipped so newer tools still
    // parse; anything else is not a tracefile line, which catches a wrong file given as lcov.
    if (!/^[A-Za-z_]+:/.test(s.slice(start, Math.min(start + 16, this.lineEnd)))) {
      this.fail(
        this.lineNo,
        1,
        `not an lcov line: ${JSON.stringify(s.slice(start, this.lineEnd).slice(0, 60))}`,
      );
    }
  }

  private sf(p: number): void {
    if (this.current) {
      this.fail(this.lineNo, 1, `SF: inside the record for ${this.current.path} (missing end_of_record)`);
    }
    const path = this.text.slice(p, this.lineEnd);
    if (path.length === 0) this.fail(this.lineNo, 4, "SF: names no file");
    let acc = this.files.get(path);
    if (!acc) {
      acc = {
        path,
        lineHits: new Map(),
        branches: { covered: 0, total: 0 },
        functions: { covered: 0, total: 0 },
        ranges: [],
        keyed: false,
        summary: {},
      };
      this.files.set(path, acc);
    } else acc.keyed = true;
    this.current = acc;
    this.rec = new RecordState(this.lineEnd + 1, this.lineNo);
  }

  private endOfRecord(start: number): void {
    const acc = this.record("end_of_record");
    const r = this.rec;
    acc.ranges.push(r.start, start, r.line);
    if (r.lf !== undefined && !hasLines(this.text, r.start, start)) {
      acc.summary.lines = addRatio(acc.summary.lines, r.lh, r.lf);
    }
    if (r.branchTotal > 0) acc.branches = addRatio(acc.branches, r.branchCovered, r.branchTotal);
    else if (r.brf !== undefined) acc.summary.branches = addRatio(acc.summary.branches, r.brh, r.brf);
    if (r.fnIndex) acc.functions = addRatio(acc.functions, countHit(r.fnIndex).covered, r.fnIndex.size);
    else if (r.fn === r.fnda || r.fn === 0 || r.fnda === 0) {
      if (r.fn + r.fnda > 0) acc.functions = addRatio(acc.functions, r.fndaHit, Math.max(r.fn, r.fnda));
      else if (r.fnf !== undefined) acc.summary.functions = addRatio(acc.summary.functions, r.fnh, r.fnf);
    } else acc.keyed = true;
    this.current = undefined;
  }

  private da(p: number): void {
    const acc = this.record("DA");
    const line = this.uint(p);
    p = this.expectComma(this.pos);
    const hits = this.hits(p);
    // An optional third field is an MD5 checksum of the source line.
    if (this.pos !== this.lineEnd && this.text.charCodeAt(this.pos) !== COMMA) this.unexpected(this.pos);
    if (this.keyed) return; // counted in the first pass
    const rec = this.rec;
    // Lines come in ascending order in a file's only record: then the line is new and the lookup
    // for a previous count (a tenth of the parse time) can be skipped.
    if (line > rec.lastLine && !acc.keyed) {
      rec.lastLine = line;
      acc.lineHits.set(line, hits);
      return;
    }
    const before = acc.lineHits.get(line);
    acc.lineHits.set(line, before === undefined ? hits : before + hits);
  }

  private brda(p: number): void {
    this.record("BRDA");
    this.uint(p);
    let q = this.expectComma(this.pos);
    // Blocks are numbers, or `e<n>` for exception branches (lcov 2).
    if (this.text.charCodeAt(q) === 101) q++;
    this.uint(q);
    q = this.expectComma(this.pos);
    this.uint(q);
    const keyEnd = this.pos;
    q = this.expectComma(keyEnd);
    let taken: number;
    if (this.text.charCodeAt(q) === MINUS && q + 1 === this.lineEnd) taken = -1;
    else {
      taken = this.uint(q);
      if (this.pos !== this.lineEnd) this.unexpected(this.pos);
    }
    const keyed = this.keyed;
    if (keyed) {
      const key = this.text.slice(p, keyEnd);
      const before = keyed.branches.get(key);
      keyed.branches.set(key, before === undefined ? taken : Math.max(before, 0) + Math.max(taken, 0));
    } else {
      this.rec.branchTotal++;
      if (taken > 0) this.rec.branchCovered++;
    }
  }

  private fn(p: number): void {
    this.record("FN");
    this.uint(p);
    let q = this.expectComma(this.pos);
    // lcov 2 writes `FN:<start>,<end>,<name>`; names never start with a digit.
    const c = this.text.charCodeAt(q);
    if (c >= 48 && c <= 57) {
      this.uint(q);
      if (this.text.charCodeAt(this.pos) === COMMA) q = this.pos + 1;
    }
    if (q >= this.lineEnd) this.unexpected(q, "a function name");
    const keyed = this.keyed;
    if (keyed) {
      const key = functionKey(keyed.fnSeen, this.text.slice(q, this.lineEnd));
      if (!keyed.functions.has(key)) keyed.functions.set(key, 0);
    } else this.rec.fn++;
  }

  private fnda(p: number): void {
    this.record("FNDA");
    const hits = this.hits(p);
    const q = this.expectComma(this.pos);
    if (q >= this.lineEnd) this.unexpected(q, "a function name");
    const keyed = this.keyed;
    if (keyed) {
      const name = this.text.slice(q, this.lineEnd);
      // The k-th FNDA of a name goes with the k-th FN of that name; extra ones add to the last.
      const n = keyed.fndaSeen.get(name) ?? 0;
      keyed.fndaSeen.set(name, n + 1);
      const key = functionKeyAt(name, Math.min(n, Math.max(0, (keyed.fnSeen.get(name) ?? 0) - 1)));
      keyed.functions.set(key, (keyed.functions.get(key) ?? 0) + hits);
    } else {
      this.rec.fnda++;
      if (hits > 0) this.rec.fndaHit++;
    }
  }

  /** lcov 2.2: `FNL:<index>,<line>[,<end>]` declares a function, `FNA:<index>,<hits>,<alias>` counts
   * calls under one of its names. Aliases share the index: the function is hit if any alias was. */
  private fnIndexed(p: number, withHits: boolean): void {
    this.record(withHits ? "FNA" : "FNL");
    const index = this.uint(p);
    const hits = withHits ? this.hits(this.expectComma(this.pos)) : 0;
    this.expectComma(this.pos);
    const map = (this.keyed ? this.keyed.functions : (this.rec.fnIndex ??= new Map())) as Map<
      unknown,
      number
    >;
    const key = this.keyed ? `#${index}` : index;
    map.set(key, (map.get(key) ?? 0) + hits);
  }

  private summaryInt(p: number): number {
    this.record("summary");
    const n = this.uint(p);
    if (this.pos !== this.lineEnd) this.unexpected(this.pos);
    return n;
  }

  private record(kind: string): FileAcc {
    if (!this.current) this.fail(this.lineNo, 1, `${kind} outside a record (no SF: line before it)`);
    return this.current;
  }
}

/** Whether a record body has a DA line (only asked for records that carry LF:). */
function hasLines(text: string, from: number, to: number): boolean {
  const at = text.indexOf("DA:", from);
  return at !== -1 && at < to;
}

/** Names repeat within a file (two classes' `constructor`): the n-th FN of a name is its own function. */
function functionKey(seen: Map<string, number>, name: string): string {
  const n = seen.get(name) ?? 0;
  seen.set(name, n + 1);
  return functionKeyAt(name, n);
}

function functionKeyAt(name: string, n: number): string {
  return n === 0 ? name : `${name}\u0000${n}`;
}

function addRatio(before: Ratio | undefined, covered = 0, total: number): Ratio {
  return { covered: (before?.covered ?? 0) + Math.min(covered, total), total: (before?.total ?? 0) + total };
}

/** Covered (count > 0) and total entries. */
export function countHit(values: Map<unknown, number>): Ratio {
  let covered = 0;
  for (const v of values.values()) if (v > 0) covered++;
  return { covered, total: values.size };
}
