/**
 * lcov tracefiles (geninfo, Istanbul's `lcov`/`lcovonly` reporters, c8, Jest, Vitest, grcov…).
 *
 * A tracefile is a list of records, each `SF:<path>` … `end_of_record`, holding `DA:<line>,<hits>`,
 * `BRDA:<line>,<block>,<branch>,<taken|->`, `FN:<line>,<name>` + `FNDA:<hits>,<name>` (lcov 2.2 also
 * writes `FNL:<index>,<line>` + `FNA:<index>,<hits>,<name>`) and the LF/LH, BRF/BRH, FNF/FNH
 * summaries. Figures are computed from the detail lines (the summaries are used only for a record
 * that has no details), and records naming the same file are merged by adding hits, as `lcov -a` does.
 * The reading itself is in lcov-scanner.ts.
 */
import type { CoverageSummary, FileCoverage, Ratio, ReportParser } from "../types";
import { LcovScanner, countHit } from "./lcov-scanner";
import type { FileAcc } from "./lcov-scanner";

function toFileCoverage(acc: FileAcc): FileCoverage {
  const none: Ratio = { covered: 0, total: 0 };
  const lines = acc.lineHits.size > 0 ? countHit(acc.lineHits) : (acc.summary.lines ?? none);
  return {
    path: acc.path,
    lines,
    branches: acc.branches.total > 0 ? acc.branches : (acc.summary.branches ?? none),
    functions: acc.functions.total > 0 ? acc.functions : (acc.summary.functions ?? none),
    lineHits: acc.lineHits,
  };
}

/**
 * Adds up per-file ratios into report totals. `statements` is summed only when every file has
 * statement data (lcov and Cobertura have none: their line figure is not a statement figure).
 */
export function sumCoverage(files: FileCoverage[]): CoverageSummary {
  const total = (pick: (f: FileCoverage) => Ratio): Ratio => {
    let covered = 0;
    let all = 0;
    for (const f of files) {
      covered += pick(f).covered;
      all += pick(f).total;
    }
    return { covered, total: all };
  };
  const withStatements = files.length > 0 && files.every((f) => f.statements !== undefined);
  return {
    lines: total((f) => f.lines),
    branches: total((f) => f.branches),
    functions: total((f) => f.functions),
    ...(withStatements ? { statements: total((f) => f.statements!) } : {}),
    files,
  };
}

/** Parses an lcov tracefile; paths are kept exactly as the SF: lines give them. */
export const lcovParser: ReportParser = {
  format: "lcov",
  detect(head, fileName) {
    return /^(?:TN|SF):/m.test(head.slice(0, 4096)) || /(?:^|[\\/])lcov\.info$|\.lcov$/i.test(fileName);
  },
  parse(content, file) {
    const files = new LcovScanner(content, file).run().map(toFileCoverage);
    return { format: "lcov", file, coverage: sumCoverage(files) };
  },
};
