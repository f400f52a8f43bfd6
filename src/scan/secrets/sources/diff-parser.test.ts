import { describe, expect, it } from "vitest";
import { DiffParser, unquote } from "./diff-parser";
import type { DiffFragment } from "./diff-parser";

function parse(diff: string): DiffFragment[] {
  const out: DiffFragment[] = [];
  const p = new DiffParser((f) => out.push(f));
  for (const line of diff.split("\n")) p.push(line);
  p.flush();
  return out;
}

describe("DiffParser", () => {
  it("collects added lines with their new-file line numbers, per commit and file", () => {
    const diff = [
      "\0commit 1111111111111111111111111111111111111111",
      "diff --git a/src/a.ts b/src/a.ts",
      "index 1..2 100644",
      "--- a/src/a.ts",
      "+++ b/src/a.ts",
      "@@ -3,0 +4,2 @@ function x() {",
      "+const a = 1;",
      "+++ not a header inside a hunk",
      "@@ -10 +12 @@",
      "-old",
      "+new",
      "diff --git a/gone.ts b/gone.ts",
      "--- a/gone.ts",
      "+++ /dev/null",
      "@@ -1 +0,0 @@",
      "-bye",
      "\0commit 2222222222222222222222222222222222222222",
      "diff --git a/b.txt b/b.txt",
      "new file mode 100644",
      "--- /dev/null",
      "+++ b/b.txt",
      "@@ -0,0 +1 @@",
      "+hello",
      "\\ No newline at end of file",
    ].join("\n");
    expect(parse(diff)).toEqual([
      {
        file: "src/a.ts",
        commit: "1111111111111111111111111111111111111111",
        text: "const a = 1;\n++ not a header inside a hunk\nnew",
        lineNumbers: [4, 5, 12],
      },
      { file: "b.txt", commit: "2222222222222222222222222222222222222222", text: "hello", lineNumbers: [1] },
    ]);
  });

  it("takes the author and date from the commit header when it has them", () => {
    const diff = [
      "\0commit 3333333333333333333333333333333333333333\x002024-05-01T10:00:00+02:00\0Jane Doe <jane@example.com>",
      "diff --git a/c.py b/c.py",
      "--- /dev/null",
      "+++ b/c.py",
      "@@ -0,0 +1 @@",
      "+x = 1",
    ].join("\n");
    expect(parse(diff)).toEqual([
      {
        file: "c.py",
        commit: "3333333333333333333333333333333333333333",
        author: "Jane Doe <jane@example.com>",
        date: "2024-05-01T10:00:00+02:00",
        text: "x = 1",
        lineNumbers: [1],
      },
    ]);
  });

  it("counts context lines (diffs with -U1) and skips binary files", () => {
    const diff = [
      "diff --git a/x b/x",
      "--- a/x",
      "+++ b/x",
      "@@ -1,2 +1,3 @@",
      " keep",
      "+add",
      " keep",
      "diff --git a/i.png b/i.png",
      "Binary files a/i.png and b/i.png differ",
    ].join("\n");
    expect(parse(diff)).toEqual([{ file: "x", text: "add", lineNumbers: [2] }]);
  });

  it("unquotes git's C-style paths", () => {
    expect(unquote('"b/caf\\303\\251 \\"x\\".txt"')).toBe('b/café "x".txt');
    expect(unquote("b/plain.txt")).toBe("b/plain.txt");
  });
});
