/**
 * Istanbul's `json` reporter (`coverage/coverage-final.json`: nyc, Jest, c8, Vitest): the raw
 * coverage map, keyed by file, each with `statementMap`/`s`, `fnMap`/`f` and `branchMap`/`b`.
 *
 * Figures follow istanbul-lib-coverage so they match what those tools print: a line's hits are the
 * highest count of the statements that start on it, statements and functions are covered when their
 * count is above zero, and every location of every branch counts as one branch.
 */
import { JsonInput } from "./json-input";
import type { JsonObject } from "./json-input";
import type { FileCoverage, Ratio, ReportParser } from "../types";
import { sumCoverage } from "./lcov";

function countHits(input: JsonInput, counts: JsonObject, path: (string | number)[]): Ratio {
  let covered = 0;
  let total = 0;
  for (const id in counts) {
    const n = counts[id];
    if (typeof n !== "number") input.fail([...path, id], "expected a hit count");
    total++;
    if (n > 0) covered++;
  }
  return { covered, total };
}

function readFile(input: JsonInput, key: string, value: unknown): FileCoverage {
  let data = input.object(value, [key]);
  const path: (string | number)[] = [key];
  // Some writers keep istanbul's FileCoverage wrapper: `{ "data": { …the coverage… } }`.
  if (data.statementMap === undefined && typeof data.data === "object" && data.data !== null) {
    data = input.object(data.data, [key, "data"]);
    path.push("data");
  }
  const at = (...rest: (string | number)[]): (string | number)[] => [...path, ...rest];
  const statementMap = input.object(data.statementMap, at("statementMap"));
  const s = input.object(data.s, at("s"));
  const lineHits = new Map<number, number>();
  for (const id in statementMap) {
    const loc = statementMap[id] as { start?: { line?: unknown } } | null;
    const line = typeof loc === "object" && loc !== null ? loc.start?.line : undefined;
    if (typeof line !== "number") input.fail(at("statementMap", id), "statement has no start.line");
    const count = s[id];
    if (typeof count !== "number") input.fail(at("s", id), `no hit count for statement ${id}`);
    const before = lineHits.get(line);
    if (before === undefined || before < count) lineHits.set(line, count);
  }
  const branches = { covered: 0, total: 0 };
  const b = input.object(data.b, at("b"));
  for (const id in b) {
    const counts = input.array(b[id], at("b", id));
    counts.forEach((n, i) => {
      if (typeof n !== "number") input.fail(at("b", id, i), "expected a hit count");
      branches.total++;
      if (n > 0) branches.covered++;
    });
  }
  let linesCovered = 0;
  for (const n of lineHits.values()) if (n > 0) linesCovered++;
  const pathValue = input.optionalString(data.path, at("path"));
  return {
    path: pathValue ?? key,
    lines: { covered: linesCovered, total: lineHits.size },
    statements: countHits(input, s, at("s")),
    functions: countHits(input, input.object(data.f, at("f")), at("f")),
    branches,
    lineHits,
  };
}

/** Parses coverage-final.json into per-file coverage with line hits. */
export const istanbulFinalParser: ReportParser = {
  format: "istanbul-final",
  detect(head, fileName) {
    return (
      /^\s*\{\s*"[^"]*"\s*:\s*\{[^]*?"statementMap"\s*:/.test(head) ||
      /(?:^|[\\/])coverage-final\.json$/i.test(fileName)
    );
  },
  parse(content, file) {
    const input: JsonInput = new JsonInput(content, file, "istanbul-final");
    const root = input.object(input.root, []);
    const files = Object.keys(root).map((key) => readFile(input, key, root[key]));
    return { format: "istanbul-final", file, coverage: sumCoverage(files) };
  },
};
