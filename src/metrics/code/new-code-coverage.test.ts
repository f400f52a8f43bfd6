import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { CoverageSummary, FileCoverage } from "../../report/types";
import { changedLines } from "./changed-lines";
import { newCodeCoverage, resolveCoveragePath } from "./new-code-coverage";

const ratio = { covered: 0, total: 0 };
function fileCoverage(path: string, hits: Record<number, number>): FileCoverage {
  const lineHits = new Map(Object.entries(hits).map(([l, n]) => [Number(l), n]));
  return { path, lines: ratio, branches: ratio, functions: ratio, statements: ratio, lineHits };
}
function summary(...files: FileCoverage[]): CoverageSummary {
  return { lines: ratio, branches: ratio, functions: ratio, statements: ratio, files };
}
const changed = (entries: Record<string, number[]>) =>
  new Map(Object.entries(entries).map(([file, lines]) => [file, new Set(lines)]));

const ROOT = "/repo";

describe("newCodeCoverage", () => {
  it("counts only changed lines the report instruments, and lists the uncovered ones", () => {
    const result = newCodeCoverage(
      changed({ "src/a.ts": [1, 2, 3, 4, 9], "src/b.ts": [5], "README.md": [1, 2] }),
      summary(fileCoverage("src/a.ts", { 1: 3, 2: 0, 4: 0, 7: 0, 9: 1 }), fileCoverage("src/b.ts", { 5: 0 })),
      ROOT,
    );
    // a.ts: 1, 2, 4, 9 instrumented (3 is not: a comment or a type), 1 and 9 hit; 7 is old code
    expect(result).toEqual({
      coveredLines: 2,
      coverableLines: 5,
      percent: 40,
      uncovered: [
        { file: "src/a.ts", lines: [2, 4] },
        { file: "src/b.ts", lines: [5] },
      ],
    });
  });

  it("is 100% when no changed line is coverable", () => {
    const result = newCodeCoverage(
      changed({ "docs/x.md": [1] }),
      summary(fileCoverage("src/a.ts", { 1: 0 })),
      ROOT,
    );
    expect(result).toEqual({ coveredLines: 0, coverableLines: 0, percent: 100, uncovered: [] });
  });

  it("merges several entries for one file: a line is covered when any run hit it", () => {
    const result = newCodeCoverage(
      changed({ "src/a.ts": [1, 2] }),
      summary(fileCoverage("/repo/src/a.ts", { 1: 0, 2: 0 }), fileCoverage("./src/a.ts", { 1: 2, 2: 0 })),
      ROOT,
    );
    expect([result.coveredLines, result.coverableLines]).toEqual([1, 2]);
  });
});

describe("resolveCoveragePath", () => {
  const known = new Set([
    "src/a.ts",
    "packages/app/src/main.ts",
    "packages/app/src/util.ts",
    "packages/lib/src/util.ts",
  ]);
  const resolve = (p: string, coverageRoot?: string) => resolveCoveragePath(p, known, ROOT, coverageRoot);

  it.each([
    ["relative", "src/a.ts", undefined, "src/a.ts"],
    ["./ prefixed", "./src/a.ts", undefined, "src/a.ts"],
    ["absolute inside the repository", "/repo/src/a.ts", undefined, "src/a.ts"],
    ["Windows separators", "src\\a.ts", undefined, "src/a.ts"],
    ["file:// URL", "file:///repo/src/a.ts", undefined, "src/a.ts"],
    ["relative to a coverage root", "src/main.ts", "packages/app", "packages/app/src/main.ts"],
    [
      "relative to an absolute coverage root",
      "./src/util.ts",
      "/repo/packages/lib",
      "packages/lib/src/util.ts",
    ],
  ])("%s: %s", (_, path, coverageRoot, expected) => {
    expect(resolve(path, coverageRoot)).toEqual({ path: expected, exact: true });
  });

  it("guesses a unique suffix for reports made elsewhere or in a package directory", () => {
    expect(resolve("/builds/ci/project/packages/app/src/main.ts")).toEqual({
      path: "packages/app/src/main.ts",
      exact: false,
    });
    expect(resolve("src/main.ts")).toEqual({ path: "packages/app/src/main.ts", exact: false });
  });

  it("refuses ambiguous guesses and paths a known root rules out", () => {
    expect(resolve("src/util.ts")).toBeUndefined(); // app or lib?
    expect(resolve("/repo/src/other.ts")).toBeUndefined(); // inside the repository, not changed
    expect(resolve("src/main.ts", "packages/lib")).toBeUndefined(); // the root says lib, which has no main.ts
  });

  it("lets an exact entry win over a guessed one for the same file", () => {
    const result = newCodeCoverage(
      changed({ "packages/app/src/main.ts": [1] }),
      summary(
        fileCoverage("/elsewhere/packages/app/src/main.ts", { 1: 0 }),
        fileCoverage("/repo/packages/app/src/main.ts", { 1: 4 }),
      ),
      ROOT,
    );
    expect(result.coveredLines).toBe(1);
    expect(result.coverableLines).toBe(1);
  });
});

describe("coverage on new code of a real branch", () => {
  const dirs: string[] = [];
  afterEach(() => {
    for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
  });

  it("joins git's changed lines with a coverage report made in a package directory", () => {
    const root = mkdtempSync(join(tmpdir(), "sluice-newcode-"));
    dirs.push(root);
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: root });
    mkdirSync(join(root, "packages/app/src"), { recursive: true });
    const file = join(root, "packages/app/src/calc.ts");
    writeFileSync(file, "export function add(a, b) {\n  return a + b;\n}\n");
    git("init", "-q", "-b", "main");
    git("add", ".");
    git("commit", "-q", "-m", "base");
    git("checkout", "-q", "-b", "feature");
    writeFileSync(
      file,
      "export function add(a, b) {\n  return a + b;\n}\n\nexport function neg(a) {\n  // flip\n  return -a;\n}\n",
    );
    git("commit", "-q", "-am", "neg");
    const lines = changedLines(root, "main");
    expect([...(lines.get("packages/app/src/calc.ts") ?? [])]).toEqual([4, 5, 6, 7, 8]);
    // as Istanbul in packages/app would report it: function lines and statements, not blanks or comments
    const report = summary(fileCoverage("src/calc.ts", { 1: 1, 2: 1, 5: 1, 7: 0 }));
    const result = newCodeCoverage(lines, report, root, "packages/app");
    expect(result).toEqual({
      coveredLines: 1,
      coverableLines: 2,
      percent: 50,
      uncovered: [{ file: "packages/app/src/calc.ts", lines: [7] }],
    });
  });
});
