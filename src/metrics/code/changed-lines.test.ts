import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { changedLines, parseUnifiedDiff } from "./changed-lines";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], {
    cwd,
    encoding: "utf8",
  });
}

function write(root: string, file: string, lines: string[]): void {
  mkdirSync(join(root, file, ".."), { recursive: true });
  writeFileSync(join(root, file), lines.join("\n") + "\n");
}

const numbered = (n: number, tag = "line") => Array.from({ length: n }, (_, i) => `${tag} ${i + 1}`);

/** main: a.ts (10 lines) and gone.ts; branch `feature` edits, adds, deletes; main moves on meanwhile. */
function repo(): string {
  const root = mkdtempSync(join(tmpdir(), "sluice-changed-"));
  dirs.push(root);
  git(root, "init", "-q", "-b", "main");
  write(root, "src/a.ts", numbered(10));
  write(root, "gone.ts", ["x"]);
  write(root, "main-only.ts", ["m"]);
  git(root, "add", ".");
  git(root, "commit", "-q", "-m", "base");
  git(root, "checkout", "-q", "-b", "feature");
  const a = numbered(10);
  a[2] = "changed 3";
  a.splice(6, 0, "inserted A", "inserted B"); // new lines 7 and 8
  a.splice(9, 1); // delete old line 8 (now at index 9)
  write(root, "src/a.ts", a);
  write(root, "src/new file.ts", ["n1", "n2"]);
  rmSync(join(root, "gone.ts"));
  git(root, "add", "-A");
  git(root, "commit", "-q", "-m", "feature work");
  git(root, "checkout", "-q", "main");
  write(root, "main-only.ts", ["m", "later on main"]);
  git(root, "commit", "-q", "-am", "main moves on");
  git(root, "checkout", "-q", "feature");
  return root;
}

const asObject = (m: Map<string, Set<number>>) =>
  Object.fromEntries([...m].map(([file, lines]) => [file, [...lines].sort((x, y) => x - y)]));

describe("changedLines", () => {
  it("lists lines added on the branch since its merge base, in HEAD's numbering", () => {
    const root = repo();
    expect(asObject(changedLines(root, "main"))).toEqual({
      "src/a.ts": [3, 7, 8],
      "src/new file.ts": [1, 2],
    });
  });

  it("adds uncommitted edits and untracked files in work-tree numbering when asked", () => {
    const root = repo();
    const a = readFileSync(join(root, "src/a.ts"), "utf8").split("\n").slice(0, -1);
    a.unshift("new first line"); // shifts every later line by one
    write(root, "src/a.ts", a);
    write(root, "untracked.ts", ["u1", "u2", "u3"]);
    write(root, "ignored.log", ["x"]);
    writeFileSync(join(root, ".gitignore"), "*.log\n");
    git(root, "add", ".gitignore");
    expect(asObject(changedLines(root, "main", { uncommitted: true }))).toEqual({
      ".gitignore": [1],
      "src/a.ts": [1, 4, 8, 9],
      "src/new file.ts": [1, 2],
      "untracked.ts": [1, 2, 3],
    });
  });

  it("fails with SLUICE_E_PREREQUISITE for an unknown base or outside a repository", () => {
    const root = repo();
    expect(() => changedLines(root, "no-such-branch")).toThrow(
      expect.objectContaining({ code: "SLUICE_E_PREREQUISITE" }),
    );
    const plain = mkdtempSync(join(tmpdir(), "sluice-nogit-"));
    dirs.push(plain);
    expect(() => changedLines(plain, "main")).toThrow(
      expect.objectContaining({ code: "SLUICE_E_PREREQUISITE" }),
    );
  });
});

describe("parseUnifiedDiff", () => {
  it("reads hunk headers: omitted counts, pure deletions, deleted, renamed, quoted and binary files", () => {
    const diff = [
      "diff --git a/a.ts b/a.ts",
      "--- a/a.ts",
      "+++ b/a.ts",
      "@@ -3 +3 @@ function x() {",
      "-old",
      "+new",
      "@@ -10,2 +9,0 @@",
      "@@ -20,0 +19,3 @@",
      "diff --git a/old.ts b/new.ts",
      "similarity index 90%",
      "rename from old.ts",
      "rename to new.ts",
      "--- a/old.ts",
      "+++ b/new.ts",
      "@@ -1,0 +2,1 @@",
      "diff --git a/gone.ts b/gone.ts",
      "--- a/gone.ts",
      "+++ /dev/null",
      "@@ -1,5 +0,0 @@",
      'diff --git "a/sp\\303\\251cial \\"q\\".ts" "b/sp\\303\\251cial \\"q\\".ts"',
      "--- /dev/null",
      '+++ "b/sp\\303\\251cial \\"q\\".ts"',
      "@@ -0,0 +1,2 @@",
      "diff --git a/img.png b/img.png",
      "Binary files a/img.png and b/img.png differ",
    ].join("\n");
    expect(asObject(parseUnifiedDiff(diff))).toEqual({
      "a.ts": [3, 19, 20, 21],
      "new.ts": [2],
      'spécial "q".ts': [1, 2],
    });
  });

  it("returns nothing for an empty diff", () => {
    expect(parseUnifiedDiff("").size).toBe(0);
  });
});
