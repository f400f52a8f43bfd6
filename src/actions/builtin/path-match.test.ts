import { mkdir, rm, symlink, writeFile } from "node:fs/promises";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { MatchOptions } from "./path-match";
import { artifactRoot, commonAncestor, matchPaths } from "./path-match";

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), "sluice-match-"));
  for (const p of ["a/1.txt", "a/2.log", "a/n/3.txt", "b/4.txt", "a/.h/5.txt"]) {
    await mkdir(join(dir, p, ".."), { recursive: true });
    await writeFile(join(dir, p), p);
  }
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const options = (over: Partial<MatchOptions> = {}): MatchOptions => ({
  resolve: (p) => resolve(dir, p),
  implicitDescendants: true,
  includeHidden: false,
  followSymlinks: true,
  ...over,
});
const rel = (paths: string[]) => paths.map((p) => p.slice(dir.length + 1).replaceAll("\\", "/"));

describe("matchPaths", () => {
  it("lets later lines override earlier ones", async () => {
    const r = await matchPaths(["a", "!a/**/*.txt", "a/n/3.txt"], options());
    expect(rel(r.paths)).toEqual(["a/2.log", "a/n/3.txt"]);
    expect(r.searchPaths).toEqual([join(dir, "a")]);
  });

  it("returns top-most matched directories without implicit descendants", async () => {
    const r = await matchPaths(["*", "a/n"], options({ implicitDescendants: false, includeHidden: true }));
    expect(rel(r.paths)).toEqual(["a", "b"]);
  });

  it("cuts symlink loops", async () => {
    await symlink(join(dir, "a"), join(dir, "a", "n", "loop"), "dir");
    const r = await matchPaths(["a/**/3.txt"], options());
    expect(rel(r.paths)).toEqual(["a/n/3.txt"]);
  });

  it("computes the artifact root as upload-artifact v4 does", async () => {
    expect(commonAncestor([join(dir, "a", "n"), join(dir, "a", "x"), join(dir, "a")])).toBe(join(dir, "a"));
    const single = await matchPaths(["a/1.txt"], options());
    expect(artifactRoot(single)).toBe(join(dir, "a"));
    const two = await matchPaths(["a/n", "b/4.txt"], options());
    expect(artifactRoot(two)).toBe(dir);
  });
});
