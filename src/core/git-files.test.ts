import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { git, initRepo, makeTempDir } from "../../test/helpers/git-repo";
import { listRepositoryFiles } from "./git-files";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tree(files: Record<string, string>): string {
  const root = makeTempDir("sluice-git-files-");
  dirs.push(root);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

describe("listRepositoryFiles", () => {
  it("is null outside a git work tree", () => {
    expect(listRepositoryFiles(tree({ "a.ts": "" }))).toBeNull();
  });

  it("lists tracked and untracked files but not ignored ones, relative to the root given", () => {
    const repo = tree({ ".gitignore": "out/\n", "src/a.ts": "", "src/b.ts": "" });
    initRepo(repo);
    writeFileSync(path.join(repo, "src", "new.ts"), "");
    mkdirSync(path.join(repo, "out"));
    writeFileSync(path.join(repo, "out", "built.js"), "");
    expect(listRepositoryFiles(repo)?.sort()).toEqual([".gitignore", "src/a.ts", "src/b.ts", "src/new.ts"]);
    expect(listRepositoryFiles(path.join(repo, "src"))?.sort()).toEqual(["a.ts", "b.ts", "new.ts"]);
  });

  it("still lists a tracked file deleted from the work tree until the deletion is staged", () => {
    const repo = tree({ "a.ts": "", "b.ts": "" });
    initRepo(repo);
    rmSync(path.join(repo, "b.ts"));
    expect(listRepositoryFiles(repo)?.sort()).toEqual(["a.ts", "b.ts"]);
    git(repo, ["rm", "-q", "--cached", "b.ts"]);
    expect(listRepositoryFiles(repo)).toEqual(["a.ts"]);
  });
});
