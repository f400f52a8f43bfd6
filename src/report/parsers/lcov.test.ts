import { describe, expect, it } from "vitest";
import { SluiceError } from "../../core/errors";
import { lcovParser } from "./lcov";

function parse(text: string) {
  const coverage = lcovParser.parse(text, "lcov.info").coverage!;
  return { ...coverage, file: (path: string) => coverage.files.find((f) => f.path === path)! };
}

function failure(text: string): SluiceError {
  try {
    lcovParser.parse(text, "lcov.info");
  } catch (err) {
    if (err instanceof SluiceError) return err;
    throw err;
  }
  throw new Error("expected a parse error");
}

describe("lcovParser", () => {
  it("reads line hits, branches (- is not taken) and functions", () => {
    const c = parse(
      [
        "TN:",
        "SF:src/a.ts",
        "FN:1,main",
        "FNDA:3,main",
        "DA:1,3",
        "DA:2,0",
        "DA:4,7,Zm9vYmFy", // with the optional checksum
        "BRDA:2,0,0,-",
        "BRDA:2,0,1,2",
        "end_of_record",
      ].join("\n"),
    );
    const a = c.file("src/a.ts");
    expect([...a.lineHits]).toEqual([
      [1, 3],
      [2, 0],
      [4, 7],
    ]);
    expect(a.lines).toEqual({ covered: 2, total: 3 });
    // lcov has no statement data: statements stay absent, not a copy of lines.
    expect(a.statements).toBeUndefined();
    expect(c.statements).toBeUndefined();
    expect(a.branches).toEqual({ covered: 1, total: 2 });
    expect(a.functions).toEqual({ covered: 1, total: 1 });
  });

  it("pairs FN and FNDA lines that share a name by their order", () => {
    const text = [
      "SF:a.js",
      "FN:2,constructor",
      "FN:9,constructor",
      "FNDA:1,constructor",
      "FNDA:0,constructor",
    ];
    expect(parse([...text, "end_of_record"].join("\n")).functions).toEqual({ covered: 1, total: 2 });
  });

  it("matches functions by name when FN and FNDA do not pair one to one", () => {
    const c = parse(
      ["SF:a.js", "FN:1,f", "FN:5,g", "FNDA:2,f", "FNDA:0,h", "FNDA:1,f", "end_of_record"].join("\n"),
    );
    // f (called, counted twice over), g (never called), h (known only from FNDA)
    expect(c.functions).toEqual({ covered: 1, total: 3 });
  });

  it("reads lcov 2 function lines: FN with an end line, FNL/FNA aliases", () => {
    const c = parse(
      ["SF:a.c", "FN:3,9,open", "FN:10,14,close", "FNDA:0,open", "FNDA:4,close", "end_of_record"].join("\n"),
    );
    expect(c.functions).toEqual({ covered: 1, total: 2 });
    const d = parse(
      ["SF:a.c", "FNL:1,12,20", "FNA:1,0,alias_a", "FNA:1,5,alias_b", "end_of_record"].join("\n"),
    );
    expect(d.functions).toEqual({ covered: 1, total: 1 });
  });

  it("merges records of the same file by adding hits, as lcov -a does", () => {
    const record = (hits: string, taken: string) => [
      "SF:a.ts",
      `DA:1,${hits}`,
      `BRDA:1,0,0,${taken}`,
      "end_of_record",
    ];
    const c = parse([...record("0", "-"), ...record("2", "1"), ...record("0", "0")].join("\n"));
    expect([...c.file("a.ts").lineHits]).toEqual([[1, 2]]);
    expect(c.branches).toEqual({ covered: 1, total: 1 });
    expect(c.files).toHaveLength(1);
  });

  it("sums repeated DA lines and treats gcov's negative counts as zero", () => {
    const c = parse(["SF:a.c", "DA:5,1", "DA:5,2", "DA:6,-1", "end_of_record"].join("\n"));
    expect([...c.file("a.c").lineHits]).toEqual([
      [5, 3],
      [6, 0],
    ]);
  });

  it("falls back to LF/LH, BRF/BRH, FNF/FNH for records without detail lines", () => {
    const c = parse(
      ["SF:a.c", "LF:10", "LH:4", "BRF:2", "BRH:2", "FNF:3", "FNH:1", "end_of_record"].join("\n"),
    );
    expect([c.lines, c.branches, c.functions]).toEqual([
      { covered: 4, total: 10 },
      { covered: 2, total: 2 },
      { covered: 1, total: 3 },
    ]);
    expect(c.file("a.c").lineHits.size).toBe(0);
  });

  it("accepts CRLF line ends, a byte-order mark, comments and unknown record types", () => {
    const c = parse(
      "\ufeffVER:2.0\r\n# generated\r\nTN:x\r\nSF:a.ts\r\nDA:1,1\r\nMCDC:1,2,t,1,0,x\r\nend_of_record\r\n",
    );
    expect(c.lines).toEqual({ covered: 1, total: 1 });
  });

  it("keeps paths as given and adds totals over files", () => {
    const c = parse("SF:/abs/a b.ts\nDA:1,1\nend_of_record\nSF:..\\win\\b.ts\nDA:1,0\nend_of_record\n");
    expect(c.files.map((f) => f.path)).toEqual(["/abs/a b.ts", "..\\win\\b.ts"]);
    expect(c.lines).toEqual({ covered: 1, total: 2 });
  });

  it("is empty, not an error, for an empty tracefile", () => {
    expect(parse("").files).toEqual([]);
  });

  it.each([
    ["a record without end_of_record (truncated)", "SF:a.ts\nDA:1,1\nDA:2,", 3, 6],
    ["a truncated record at the end", "SF:a.ts\nDA:1,1\n", 1, 1],
    ["DA before any SF", "TN:\nDA:1,1\n", 2, 1],
    ["a number that is not one", "SF:a\nDA:x,1\nend_of_record", 2, 4],
    ["trailing garbage after a count", "SF:a\nBRDA:1,0,0,5x\nend_of_record", 2, 13],
    ["SF inside a record", "SF:a\nSF:b\nend_of_record", 2, 1],
    ["a line that is no record", "SF:a\n<coverage>\nend_of_record", 2, 1],
  ])("rejects %s with its line and column", (_what, text, line, column) => {
    const err = failure(text);
    expect(err.code).toBe("SLUICE_E_REPORT_PARSE");
    expect(err.location).toEqual({ file: "lcov.info", line, column });
  });

  it("detects tracefiles by content or by name", () => {
    expect(lcovParser.detect("TN:\nSF:a.ts\n", "x.txt")).toBe(true);
    expect(lcovParser.detect("", "coverage/lcov.info")).toBe(true);
    expect(lcovParser.detect('{"SF:": 1}', "x.json")).toBe(false);
  });
});
