import { describe, expect, it } from "vitest";
import type { SluiceError } from "../../core/errors";
import { tscParser } from "./tsc";

const parse = (text: string) => tscParser.parse(text, "tsc.txt").findings!;

describe("tscParser", () => {
  it("reads --pretty false lines, elaborations, CRLF and other levels", () => {
    const findings = parse(
      [
        "> app@1.0.0 typecheck",
        "> tsc --noEmit",
        "",
        "src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.",
        "  Details on the next line.",
        "tsconfig.json(4,5): error TS5023: Unknown compiler option 'foo'.",
        "src/legacy.js(1,1): warning TS6133: 'x' is declared but its value is never read.",
        "error TS6053: File 'missing.ts' not found.",
      ].join("\r\n"),
    );
    expect(findings).toEqual([
      {
        tool: "tsc",
        category: "types",
        ruleId: "TS2322",
        level: "error",
        message: "Type 'string' is not assignable to type 'number'.\nDetails on the next line.",
        file: "src/a.ts",
        line: 3,
        column: 7,
      },
      expect.objectContaining({ ruleId: "TS5023", file: "tsconfig.json", line: 4, column: 5 }),
      expect.objectContaining({ ruleId: "TS6133", level: "warning" }),
      {
        tool: "tsc",
        category: "types",
        ruleId: "TS6053",
        level: "error",
        message: "File 'missing.ts' not found.",
      },
    ]);
  });

  it("keeps paths with parentheses and colons whole", () => {
    const [a, b] = parse(
      "app/(group)/page.tsx(2,1): error TS1005: ';' expected.\nC:\\src\\a.ts:5:9 - error TS1005: x",
    );
    expect([a!.file, a!.line, b!.file, b!.line, b!.column]).toEqual([
      "app/(group)/page.tsx",
      2,
      "C:\\src\\a.ts",
      5,
      9,
    ]);
  });

  it("rejects pretty output whose error count disagrees with its summary", () => {
    const text =
      "src/a.ts:1:1 - error TS1005: ';' expected.\n\n1 x\n  ~\n\n\nFound 2 errors in the same file, starting at: src/a.ts:1\n";
    try {
      tscParser.parse(text, "tsc.txt");
      expect.unreachable();
    } catch (err) {
      expect((err as SluiceError).code).toBe("SLUICE_E_REPORT_PARSE");
      expect((err as SluiceError).location).toEqual({ file: "tsc.txt", line: 7, column: 1 });
    }
    expect(parse(text.replace("Found 2 errors", "Found 1 error"))).toHaveLength(1);
  });

  it("reads watch-mode summaries and empty output", () => {
    expect(parse("[12:00:00 AM] Found 0 errors. Watching for file changes.\n")).toEqual([]);
    expect(parse("")).toEqual([]);
  });

  it("detects diagnostics, coloured or not", () => {
    expect(
      tscParser.detect(
        "\u001b[96msrc/a.ts\u001b[0m:\u001b[93m1\u001b[0m:\u001b[93m1\u001b[0m - \u001b[91merror\u001b[0m\u001b[90m TS1005: \u001b[0mx",
        "",
      ),
    ).toBe(true);
    expect(tscParser.detect("error TS5023: Unknown compiler option '--foo'.\n", "")).toBe(true);
    expect(tscParser.detect("all good\n", "tsc.txt")).toBe(false);
  });
});
