import { execFileSync } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DEFAULT_SOURCE_IGNORE, collectSourceFiles, readSourceFiles } from "./source-files";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tree(files: string[]): string {
  const root = mkdtempSync(join(tmpdir(), "sluice-sources-"));
  dirs.push(root);
  for (const f of files) {
    mkdirSync(join(root, f, ".."), { recursive: true });
    writeFileSync(join(root, f), `// ${f}\n`);
  }
  return root;
}

const FILES = [
  "src/a.ts",
  "src/b.tsx",
  "src/types.d.ts",
  "src/notes.md",
  "lib/c.mjs",
  "node_modules/dep/index.js",
  "dist/out.js",
  "generated/api.ts",
];

describe("collectSourceFiles", () => {
  it("globs the file system outside git, leaving out dependencies, outputs and declarations", async () => {
    const root = tree(FILES);
    expect(await collectSourceFiles(root)).toEqual([
      "generated/api.ts",
      "lib/c.mjs",
      "src/a.ts",
      "src/b.tsx",
    ]);
    // an explicit ignore list replaces the defaults
    expect(await collectSourceFiles(root, ["src/**/*.ts"], ["**/b.*"])).toEqual([
      "src/a.ts",
      "src/types.d.ts",
    ]);
    expect(await collectSourceFiles(root, ["**/*.ts"], [...DEFAULT_SOURCE_IGNORE, "generated/**"])).toEqual([
      "src/a.ts",
    ]);
  });

  it("inside git, takes tracked and untracked files and honours .gitignore", async () => {
    const root = tree([...FILES, "src/deleted.ts"]);
    writeFileSync(join(root, ".gitignore"), "generated/\n");
    const git = (...args: string[]) =>
      execFileSync("git", ["-c", "user.name=t", "-c", "user.email=t@example.com", ...args], { cwd: root });
    git("init", "-q");
    git("add", "src", ".gitignore");
    git("commit", "-q", "-m", "init");
    rmSync(join(root, "src/deleted.ts"));
    expect(await collectSourceFiles(root)).toEqual(["lib/c.mjs", "src/a.ts", "src/b.tsx"]);
    // from a subdirectory, paths are relative to it
    expect(await collectSourceFiles(join(root, "src"))).toEqual(["a.ts", "b.tsx"]);
  });

  it("reads the selected files with their relative paths", async () => {
    const root = tree(["src/a.ts"]);
    expect(readSourceFiles(root, await collectSourceFiles(root))).toEqual([
      { path: "src/a.ts", text: "// src/a.ts\n" },
    ]);
  });
});
