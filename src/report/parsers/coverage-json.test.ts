import { describe, expect, it } from "vitest";
import { istanbulFinalParser } from "./istanbul-final";
import { istanbulSummaryParser } from "./istanbul-summary";

const statement = (line: number) => ({ start: { line, column: 0 }, end: { line, column: 10 } });

describe("istanbulFinalParser", () => {
  it("gives a line the highest count of the statements starting on it", () => {
    const data = {
      path: "/repo/src/a.ts",
      statementMap: { "0": statement(1), "1": statement(1), "2": statement(2), "3": statement(3) },
      s: { "0": 0, "1": 4, "2": 0, "3": 1 },
      fnMap: {},
      f: { "0": 2, "1": 0 },
      branchMap: {},
      b: { "0": [1, 0], "1": [0, 0, 3] },
    };
    const c = istanbulFinalParser.parse(JSON.stringify({ "/repo/src/a.ts": data }), "f.json").coverage!;
    expect([...c.files[0]!.lineHits]).toEqual([
      [1, 4],
      [2, 0],
      [3, 1],
    ]);
    expect([c.lines, c.statements, c.functions, c.branches]).toEqual([
      { covered: 2, total: 3 },
      { covered: 2, total: 4 },
      { covered: 1, total: 2 },
      { covered: 2, total: 5 },
    ]);
  });

  it("accepts istanbul's FileCoverage wrapper and an empty map", () => {
    const inner = { path: "a.js", statementMap: { "0": statement(1) }, s: { "0": 1 }, f: {}, b: {} };
    const c = istanbulFinalParser.parse(JSON.stringify({ "a.js": { data: inner } }), "f.json").coverage!;
    expect(c.lines).toEqual({ covered: 1, total: 1 });
    expect(istanbulFinalParser.parse("{}", "f.json").coverage!.files).toEqual([]);
  });

  it("rejects a statement without a count, located at the missing count's parent", () => {
    const text = '{"a.js": {"statementMap": {"0": {"start": {"line": 1}}}, "s": {}, "f": {}, "b": {}}}';
    expect(() => istanbulFinalParser.parse(text, "f.json")).toThrow(
      expect.objectContaining({
        code: "SLUICE_E_REPORT_PARSE",
        location: { file: "f.json", line: 1, column: 63 },
      }),
    );
  });
});

describe("istanbulSummaryParser", () => {
  it("sums the files when there is no total entry", () => {
    const r = (covered: number, total: number) => ({ covered, total, skipped: 0, pct: 0 });
    const entry = { lines: r(1, 2), statements: r(1, 2), functions: r(0, 1), branches: r(0, 0) };
    const c = istanbulSummaryParser.parse(
      JSON.stringify({ "a.ts": entry, "b.ts": entry }),
      "s.json",
    ).coverage!;
    expect(c.lines).toEqual({ covered: 2, total: 4 });
    expect(c.files.map((f) => f.path)).toEqual(["a.ts", "b.ts"]);
  });
});
