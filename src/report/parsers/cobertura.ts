/**
 * Cobertura XML coverage, as written by coverage.py (`coverage xml`), istanbul/nyc/jest/vitest
 * (`cobertura` reporter), gcovr (`--cobertura`), JaCoCo through cover2cover, and Cobertura itself.
 *
 * Files come from `<class filename=…>`; several classes can share one file (Java inner classes,
 * JaCoCo-converted Kotlin), so their lines are merged. Only a class's own `<lines>` count as lines:
 * istanbul lists each function's declaration line again under `<method>`, where it is not a
 * statement. Every ratio is recomputed from the lines; the `line-rate`/`lines-valid` attributes at
 * every level are ignored because producers round them and some compute them over other sets.
 */
import { parseError } from "./xml/text";
import { scanXml, type XmlAttributes, type XmlHandler } from "./xml/scanner";
import type { CoverageSummary, FileCoverage, Ratio, Report, ReportParser } from "../types";

/**
 * Cobertura's coverage with the `<sources>` roots: relative `filename`s are relative to one of them
 * (coverage.py writes the absolute source directory, istanbul the project root, gcovr `.`).
 * Paths stay as the report gives them; a consumer that needs real files resolves them here.
 */
export interface CoberturaCoverage extends CoverageSummary {
  sourceRoots: string[];
}

interface FileAcc {
  path: string;
  lineHits: Map<number, number>;
  /** Lines arrive in order except when classes of one file interleave; sort only then. */
  sorted: boolean;
  lastLine: number;
  /** Per line: [covered, total] branches. */
  branches: Map<number, [number, number]>;
  functions: Ratio;
}

interface MethodAcc {
  /** istanbul writes the function's hit count; other producers leave it to the method's lines. */
  hits: number | undefined;
  anyLineHit: boolean;
}

/** `50% (1/2)` → [1, 2]; gcovr, coverage.py, istanbul and Cobertura all write this shape. */
export function parseConditionCoverage(value: string | undefined): [number, number] | undefined {
  const m = value === undefined ? null : /\((\d+)\/(\d+)\)/.exec(value);
  if (m === null) return undefined;
  const covered = Number(m[1]);
  const total = Number(m[2]);
  return total > 0 && covered <= total ? [covered, total] : undefined;
}

class CoberturaHandler implements XmlHandler {
  wantsText = false;
  readonly files = new Map<string, FileAcc>();
  readonly sourceRoots: string[] = [];
  private depth = 0;
  private source = "";
  private file: FileAcc | undefined;
  private method: MethodAcc | undefined;

  constructor(
    private readonly input: string,
    private readonly fileName: string,
  ) {}

  open(name: string, attrs: XmlAttributes, offset: number): void {
    if (++this.depth === 1 && name !== "coverage") {
      throw parseError(
        this.input,
        this.fileName,
        offset,
        `not a Cobertura report: the root element is <${name}>`,
      );
    }
    switch (name) {
      case "source":
        this.source = "";
        this.wantsText = true;
        break;
      case "class":
        this.openClass(attrs, offset);
        break;
      case "method":
        if (this.file !== undefined)
          this.method = { hits: this.optionalCount(attrs, "hits", offset), anyLineHit: false };
        break;
      case "line":
        this.line(attrs, offset);
        break;
    }
  }

  close(name: string): void {
    this.depth--;
    if (name === "source") {
      const root = this.source.trim();
      if (root !== "") this.sourceRoots.push(root);
      this.wantsText = false;
    } else if (name === "method" && this.method !== undefined && this.file !== undefined) {
      const m = this.method;
      this.file.functions.total++;
      if (m.hits !== undefined ? m.hits > 0 : m.anyLineHit) this.file.functions.covered++;
      this.method = undefined;
    } else if (name === "class") {
      this.file = undefined;
      this.method = undefined;
    }
  }

  text(text: string): void {
    this.source += text;
  }

  private openClass(attrs: XmlAttributes, offset: number): void {
    const path = attrs.get("filename");
    if (path === undefined || path === "") {
      throw parseError(this.input, this.fileName, offset, "a <class> without a filename attribute");
    }
    let acc = this.files.get(path);
    if (acc === undefined) {
      acc = {
        path,
        lineHits: new Map(),
        sorted: true,
        lastLine: 0,
        branches: new Map(),
        functions: { covered: 0, total: 0 },
      };
      this.files.set(path, acc);
    }
    this.file = acc;
    this.method = undefined;
  }

  private line(attrs: XmlAttributes, offset: number): void {
    const file = this.file;
    if (file === undefined) return;
    const number = this.optionalCount(attrs, "number", offset);
    const hits = this.optionalCount(attrs, "hits", offset) ?? 0;
    if (number === undefined || number === 0) {
      throw parseError(this.input, this.fileName, offset, "a <line> without a positive number attribute");
    }
    if (this.method !== undefined) {
      if (hits > 0) this.method.anyLineHit = true;
      return;
    }
    // Two classes of one file may both list a line (Kotlin inline functions, lambdas): their
    // executions are separate, so hits add up and the better-covered branch record wins.
    if (number > file.lastLine) {
      // The usual case, lines in ascending order: new for sure, no lookup needed.
      file.lineHits.set(number, hits);
      file.lastLine = number;
    } else {
      const before = file.lineHits.get(number);
      if (before === undefined) file.sorted = false;
      file.lineHits.set(number, (before ?? 0) + hits);
    }
    if (!attrs.is("branch", "true")) return;
    const cond = parseConditionCoverage(attrs.get("condition-coverage"));
    if (cond === undefined) return;
    const seen = file.branches.get(number);
    if (seen === undefined) file.branches.set(number, cond);
    else file.branches.set(number, [Math.max(seen[0], cond[0]), Math.max(seen[1], cond[1])]);
  }

  /** A non-negative integer attribute ("12", JaCoCo-converted "12.0"); garbage is a located error. */
  private optionalCount(attrs: XmlAttributes, name: string, offset: number): number | undefined {
    const n = attrs.number(name);
    if (n === undefined || (Number.isInteger(n) && n >= 0)) return n;
    const raw = (attrs.get(name) ?? "").slice(0, 40);
    throw parseError(this.input, this.fileName, offset, `${name}="${raw}" is not a count`);
  }
}

function toFileCoverage(acc: FileAcc): FileCoverage {
  let covered = 0;
  for (const hits of acc.lineHits.values()) if (hits > 0) covered++;
  const lines = { covered, total: acc.lineHits.size };
  const branches = { covered: 0, total: 0 };
  for (const [c, t] of acc.branches.values()) {
    branches.covered += c;
    branches.total += t;
  }
  const lineHits = acc.sorted ? acc.lineHits : new Map([...acc.lineHits].sort((a, b) => a[0] - b[0]));
  // Cobertura has no statement data: `statements` stays absent rather than repeating the lines.
  return { path: acc.path, lines, branches, functions: acc.functions, lineHits };
}

function add(into: Ratio, r: Ratio): void {
  into.covered += r.covered;
  into.total += r.total;
}

/** Parses a Cobertura XML document into a `Report` with `coverage` (a `CoberturaCoverage`). */
export function parseCobertura(content: string, file: string): Report {
  const handler = new CoberturaHandler(content, file);
  scanXml(content, file, handler);
  const coverage: CoberturaCoverage = {
    lines: { covered: 0, total: 0 },
    branches: { covered: 0, total: 0 },
    functions: { covered: 0, total: 0 },
    files: [],
    sourceRoots: handler.sourceRoots,
  };
  for (const acc of handler.files.values()) {
    const f = toFileCoverage(acc);
    coverage.files.push(f);
    add(coverage.lines, f.lines);
    add(coverage.branches, f.branches);
    add(coverage.functions, f.functions);
  }
  return { format: "cobertura", file, coverage };
}

// Clover also uses a <coverage> root; Cobertura's carries line-rate/lines-valid or its DTD.
const coberturaHead =
  /^\uFEFF?\s*(?:(?:<\?(?:[^?]|\?(?!>))*\?>|<!--(?:[^-]|-(?!->))*-->|<!DOCTYPE\s+coverage[^>]*>)\s*)*<coverage[\s>][^>]*\b(?:line-rate|lines-valid)=/;

/** The Cobertura XML report parser (format `cobertura`). */
export const coberturaParser: ReportParser = {
  format: "cobertura",
  detect(head: string): boolean {
    return (
      coberturaHead.test(head) || /<!DOCTYPE\s+coverage\s+SYSTEM\s+["'][^"']*coverage-0\d\.dtd/.test(head)
    );
  },
  parse: parseCobertura,
};
