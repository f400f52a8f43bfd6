import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { detectDuplication } from "./duplication";

const fixtures = new URL("../../../test/fixtures/code-metrics/duplication/", import.meta.url);
const load = (...names: string[]) =>
  names.map((name) => ({ path: name, text: readFileSync(new URL(name, fixtures), "utf8") }));

describe("detectDuplication", () => {
  it("finds a reformatted copy with other literals, with both spans and SonarQube's density", () => {
    const report = detectDuplication(load("original.ts", "copy-literals.ts", "unique.ts"));
    expect(report.duplicates).toHaveLength(1);
    const [dup] = report.duplicates;
    expect(dup).toMatchObject({
      a: { file: "original.ts", startLine: 10, endLine: 21 },
      b: { file: "copy-literals.ts", startLine: 6, endLine: 19 },
      lines: 14,
    });
    expect(dup!.tokens).toBeGreaterThanOrEqual(50);
    // non-blank lines: original 22, copy-literals 18, unique 16; inside the two copies 12 and 14
    expect(report.totalLines).toBe(22 + 18 + 16);
    expect(report.duplicatedLines).toBe(12 + 14);
    expect(report.percent).toBeCloseTo((26 / 56) * 100, 6);
  });

  it("needs equal literals when literals are not normalised", () => {
    expect(
      detectDuplication(load("original.ts", "copy-literals.ts"), { ignoreLiterals: false }).duplicates,
    ).toEqual([]);
  });

  it("finds a renamed copy only when identifiers are normalised", () => {
    expect(detectDuplication(load("original.ts", "copy-renamed.ts")).duplicates).toEqual([]);
    const renamed = detectDuplication(load("original.ts", "copy-renamed.ts"), { ignoreIdentifiers: true });
    expect(renamed.duplicates.map((d) => [d.a.file, d.a.startLine, d.b.file, d.b.startLine])).toEqual([
      ["original.ts", 10, "copy-renamed.ts", 5],
    ]);
  });

  it("reports N copies as N - 1 duplicates of the first", () => {
    const report = detectDuplication(
      load("original.ts", "copy-literals.ts", "unique.ts", "copy-renamed.ts"),
      {
        ignoreIdentifiers: true,
      },
    );
    expect(report.duplicates.map((d) => `${d.a.file} → ${d.b.file}`)).toEqual([
      "original.ts → copy-literals.ts",
      "original.ts → copy-renamed.ts",
    ]);
  });

  it("honours minTokens", () => {
    const files = [
      { path: "a.ts", text: "export const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);\n" },
      {
        path: "b.ts",
        text: "const total = 1;\nexport const sum = (xs: number[]) => xs.reduce((s, x) => s + x, 0);\n",
      },
    ];
    expect(detectDuplication(files).duplicates).toEqual([]);
    const short = detectDuplication(files, { minTokens: 10 });
    expect(short.duplicates).toMatchObject([
      { a: { file: "a.ts", startLine: 1 }, b: { file: "b.ts", startLine: 2 } },
    ]);
    expect(short.percent).toBe(100 * (2 / 3));
  });

  it("never lets a copy overlap its original in repetitive code", () => {
    const text = Array.from({ length: 60 }, (_, i) => `call(${i});`).join("\n");
    const report = detectDuplication([{ path: "r.ts", text }], { minTokens: 50 });
    expect(report.duplicates.length).toBeGreaterThan(0);
    for (const d of report.duplicates) expect(d.a.endLine).toBeLessThan(d.b.startLine);
    expect(report.duplicatedLines).toBe(60);
  });

  it("skips files that are not JS/TS source and handles no input", () => {
    const report = detectDuplication([{ path: "notes.md", text: "same\n".repeat(500) }]);
    expect(report).toEqual({ duplicates: [], duplicatedLines: 0, totalLines: 0, percent: 0 });
  });
});
