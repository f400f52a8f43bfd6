/**
 * Istanbul's `json-summary` reporter (`coverage/coverage-summary.json`, written by nyc, Jest, c8 and
 * Vitest with `coverageReporters`/`reporter: ["json-summary"]`): one entry per file, keyed by its
 * path, plus `total`, each holding `{ total, covered, skipped, pct }` for lines, statements,
 * functions and branches. It carries no per-line hits, so `lineHits` stays empty.
 */
import { JsonInput } from "./json-input";
import type { JsonPath } from "./json-input";
import type { CoverageSummary, FileCoverage, Ratio, ReportParser } from "../types";
import { sumCoverage } from "./lcov";

const metrics = ["lines", "statements", "functions", "branches"] as const;
type Metric = (typeof metrics)[number];

function readRatio(input: JsonInput, value: unknown, path: JsonPath): Ratio {
  const entry = input.object(value, path);
  const total = input.number(entry.total, [...path, "total"]);
  const covered = input.number(entry.covered, [...path, "covered"]);
  if (covered > total || covered < 0)
    input.fail(path, `covered (${covered}) is not within 0..total (${total})`);
  return { covered, total };
}

function readEntry(input: JsonInput, value: unknown, key: string): Record<Metric, Ratio> {
  const entry = input.object(value, [key]);
  const out = {} as Record<Metric, Ratio>;
  for (const m of metrics) out[m] = readRatio(input, entry[m], [key, m]);
  return out;
}

/** Parses coverage-summary.json. Totals come from its `total` entry (summed from the files if absent). */
export const istanbulSummaryParser: ReportParser = {
  format: "istanbul-summary",
  detect(head, fileName) {
    return (
      /^\s*\{\s*"[^"]*"\s*:\s*\{\s*"(?:lines|statements|functions|branches)"\s*:\s*\{[^{}]*"pct"/.test(
        head,
      ) || /(?:^|[\\/])coverage-summary\.json$/i.test(fileName)
    );
  },
  parse(content, file) {
    const input: JsonInput = new JsonInput(content, file, "istanbul-summary");
    const root = input.object(input.root, []);
    const files: FileCoverage[] = [];
    let total: Record<Metric, Ratio> | undefined;
    for (const [key, value] of Object.entries(root)) {
      const entry = readEntry(input, value, key);
      if (key === "total") total = entry;
      else files.push({ path: key, ...entry, lineHits: new Map() });
    }
    const coverage: CoverageSummary = total ? { ...total, files } : sumCoverage(files);
    return { format: "istanbul-summary", file, coverage };
  },
};
