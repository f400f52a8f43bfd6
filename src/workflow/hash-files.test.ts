import { createHash } from "node:crypto";
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, it, expect } from "vitest";
import { hashFiles, hashFilesSync, matchWorkspaceFiles, matchWorkspaceFilesSync } from "./hash-files";

let ws: string;
let outside: string;

const files: Record<string, string> = {
  "package-lock.json": '{"lockfileVersion":3}\n',
  "src/a.js": "console.log('a');\n",
  "src/sub/b.js": "console.log('b');\n",
  "src/sub/c.ts": "export {};\n",
  ".hidden/config.js": "hidden\n",
  "node_modules/dep/index.js": "dep\n",
  "node_modules/dep/package-lock.json": "{}\n",
  "docs/readme.md": "# docs\n",
  "{a,b}.txt": "brace literal\n",
};

/** The runner's algorithm, computed independently: sha256 over the concatenated per-file digests. */
function expected(relPaths: string[]): string {
  const outer = createHash("sha256");
  for (const rel of [...relPaths].sort()) {
    outer.update(
      createHash("sha256")
        .update(files[rel] as string)
        .digest(),
    );
  }
  return outer.digest("hex");
}

beforeAll(() => {
  ws = mkdtempSync(path.join(tmpdir(), "sluice-hash-"));
  outside = mkdtempSync(path.join(tmpdir(), "sluice-hash-outside-"));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(ws, rel)), { recursive: true });
    writeFileSync(path.join(ws, rel), content);
  }
  writeFileSync(path.join(outside, "secret.js"), "secret\n");
  symlinkSync(path.join(outside, "secret.js"), path.join(ws, "src/link-out.js"));
  symlinkSync(path.join(ws, "src/a.js"), path.join(ws, "src/link-in.js"));
  symlinkSync(outside, path.join(ws, "linked-dir"));
});

afterAll(() => {
  rmSync(ws, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

describe("hashFiles", () => {
  it("hashes one file as sha256 of its digest", async () => {
    expect(await hashFiles(ws, ["package-lock.json"])).toBe(expected(["package-lock.json"]));
  });

  it("matches recursively with ** and includes hidden files", async () => {
    const all = ["src/a.js", "src/sub/b.js", ".hidden/config.js", "node_modules/dep/index.js"];
    expect(await hashFiles(ws, ["**/*.js"])).toBe(expected(all));
  });

  it("does not depend on pattern order for the same file set", async () => {
    const a = await hashFiles(ws, ["src/**", "package-lock.json"]);
    const b = await hashFiles(ws, ["package-lock.json", "src/**"]);
    expect(a).toBe(b);
    expect(a).toBe(expected(["package-lock.json", "src/a.js", "src/sub/b.js", "src/sub/c.ts"]));
  });

  it("excludes with ! patterns", async () => {
    expect(await hashFiles(ws, ["**/*.js", "!**/node_modules/**"])).toBe(
      expected(["src/a.js", "src/sub/b.js", ".hidden/config.js"]),
    );
    expect(await hashFiles(ws, ["**/package-lock.json", "!node_modules"])).toBe(
      expected(["package-lock.json"]),
    );
  });

  it("lets a later positive pattern re-include", async () => {
    expect(await hashFiles(ws, ["src/**", "!src/sub/**", "src/sub/b.js"])).toBe(
      expected(["src/a.js", "src/sub/b.js"]),
    );
  });

  it("returns '' when nothing matches", async () => {
    expect(await hashFiles(ws, ["**/*.nothing"])).toBe("");
    expect(await hashFiles(ws, ["!**/*.js"])).toBe("");
    expect(await hashFiles(ws, [])).toBe("");
    expect(await hashFiles(ws, ["src/a.js", "!src/a.js"])).toBe("");
  });

  it("streams large files", async () => {
    const big = Buffer.alloc(3 * 1024 * 1024 + 7, 0x61);
    writeFileSync(path.join(ws, "big.bin"), big);
    try {
      const inner = createHash("sha256").update(big).digest();
      const want = createHash("sha256").update(inner).digest("hex");
      expect(await hashFiles(ws, ["big.bin"])).toBe(want);
      expect(hashFilesSync(ws, ["big.bin"])).toBe(want);
    } finally {
      rmSync(path.join(ws, "big.bin"));
    }
  });
});

describe("matchWorkspaceFiles", () => {
  it("expands a directory pattern to the files below it, sorted", async () => {
    expect(await matchWorkspaceFiles(ws, ["src"])).toEqual(["src/a.js", "src/sub/b.js", "src/sub/c.ts"]);
    expect(await matchWorkspaceFiles(ws, ["./src/sub/"])).toEqual(["src/sub/b.js", "src/sub/c.ts"]);
  });

  it("skips blank and comment lines and trims patterns", async () => {
    expect(await matchWorkspaceFiles(ws, ["", "# comment", "  docs/*.md  "])).toEqual(["docs/readme.md"]);
  });

  it("reads braces literally, like @actions/glob", async () => {
    expect(await matchWorkspaceFiles(ws, ["{a,b}.txt"])).toEqual(["{a,b}.txt"]);
  });

  it("accepts absolute patterns inside the workspace and ignores those outside", async () => {
    expect(await matchWorkspaceFiles(ws, [path.join(ws, "docs")])).toEqual(["docs/readme.md"]);
    expect(await matchWorkspaceFiles(ws, [path.join(outside, "*.js")])).toEqual([]);
  });

  it("never selects files outside the workspace or symbolic links", async () => {
    const all = await matchWorkspaceFiles(ws, ["**"]);
    expect(all).not.toContain("src/link-out.js");
    expect(all).not.toContain("src/link-in.js");
    expect(all.some((p) => p.startsWith("linked-dir"))).toBe(false);
    expect(await matchWorkspaceFiles(ws, [`../${path.basename(outside)}/*.js`])).toEqual([]);
    expect(all).toEqual([...all].sort());
    expect(all).toHaveLength(Object.keys(files).length);
  });
});

describe("the exclude option", () => {
  it("leaves out excluded directories and files, whatever the patterns select", async () => {
    const exclude = ["node_modules/dep", "docs/readme.md"];
    const want = ["package-lock.json", "src/a.js", "src/sub/b.js"];
    expect(await matchWorkspaceFiles(ws, ["**/*.js", "**/*.json", "docs/**"], { exclude })).toEqual(
      [".hidden/config.js", ...want].sort(),
    );
    expect(matchWorkspaceFilesSync(ws, ["node_modules/dep/**", "docs"], { exclude })).toEqual([]);
    expect(hashFilesSync(ws, ["**/package-lock.json"], { exclude })).toBe(expected(["package-lock.json"]));
    expect(await hashFiles(ws, ["**/package-lock.json"], { exclude })).toBe(expected(["package-lock.json"]));
  });

  it("reads excluded paths literally, not as globs", async () => {
    expect(await matchWorkspaceFiles(ws, ["*.txt"], { exclude: ["{a,b}.txt"] })).toEqual([]);
    expect(await matchWorkspaceFiles(ws, ["src/*.js"], { exclude: ["src/*"] })).toEqual(["src/a.js"]);
  });
});

describe("hashFilesSync and matchWorkspaceFilesSync", () => {
  it.each([
    [["package-lock.json"]],
    [["**/*.js", "!**/node_modules/**"]],
    [["src/**", "!src/sub/**", "src/sub/b.js"]],
    [["**"]],
    [["**/*.nothing"]],
  ])("agree with the async variants for %j", async (patterns) => {
    expect(hashFilesSync(ws, patterns)).toBe(await hashFiles(ws, patterns));
    expect(matchWorkspaceFilesSync(ws, patterns)).toEqual(await matchWorkspaceFiles(ws, patterns));
  });

  it("returns the known digest and '' for no match", () => {
    expect(hashFilesSync(ws, ["src/a.js", "docs/*"])).toBe(expected(["src/a.js", "docs/readme.md"]));
    expect(hashFilesSync(ws, ["!src/a.js"])).toBe("");
  });
});
