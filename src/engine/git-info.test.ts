import { mkdirSync, realpathSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { git, initRepo, makeTempDir } from "../../test/helpers/git-repo";
import {
  readCommitAsync,
  readGitInfo,
  readGitInfoAsync,
  readRepositoryRoot,
  resolveCommitAsync,
} from "./git-info";

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = realpathSync(makeTempDir("sluice-git-info-"));
  dirs.push(d);
  return d;
}

function repo(): string {
  const d = tempDir();
  writeFileSync(path.join(d, "a.txt"), "a\n");
  initRepo(d);
  return d;
}

describe("readGitInfo", async () => {
  it("reads root, commit, branch, repository and actor, also from a subdirectory", async () => {
    const d = repo();
    git(d, ["config", "user.name", "Ada Lovelace"]);
    git(d, ["remote", "add", "origin", "git@github.com:acme/widgets.git"]);
    mkdirSync(path.join(d, "sub"));
    const info = readGitInfo(path.join(d, "sub"), {});
    // Both ways of reading it agree.
    expect(await readGitInfoAsync(path.join(d, "sub"), {})).toEqual(info);
    expect(info).toEqual({
      root: d,
      sha: git(d, ["rev-parse", "HEAD"]),
      ref: "refs/heads/main",
      repository: "acme/widgets",
      actor: "Ada Lovelace",
    });
  });

  it("has no ref on a detached HEAD, and names the repository after its directory without a remote", async () => {
    const d = repo();
    git(d, ["checkout", "-q", "--detach"]);
    const info = readGitInfo(d, { USER: "someone" });
    // Both ways of reading it agree.
    expect(await readGitInfoAsync(d, { USER: "someone" })).toEqual(info);
    expect(info.ref).toBeNull();
    expect(info.sha).toMatch(/^[0-9a-f]{40}$/);
    expect(info.repository).toBe(`local/${path.basename(d)}`);
  });

  it("reads the branch of a repository without commits", async () => {
    const d = tempDir();
    git(d, ["init", "-q", "-b", "trunk"]);
    const info = readGitInfo(d, {});
    // Both ways of reading it agree.
    expect(await readGitInfoAsync(d, {})).toEqual(info);
    expect(info.root).toBe(d);
    expect(info.sha).toBe("0".repeat(40));
    expect(info.ref).toBe("refs/heads/trunk");
  });

  it("falls back to the directory outside a repository", async () => {
    const d = tempDir();
    const info = readGitInfo(d, { USER: "someone" });
    // Both ways of reading it agree.
    expect(await readGitInfoAsync(d, { USER: "someone" })).toEqual(info);
    expect(info.root).toBe(d);
    expect(info.ref).toBeNull();
  });
});

describe("readRepositoryRoot", () => {
  it("finds the root git reports, from the root and from a subdirectory", () => {
    const d = repo();
    mkdirSync(path.join(d, "sub", "deeper"), { recursive: true });
    expect(readRepositoryRoot(d, {})).toBe(readGitInfo(d, {}).root);
    expect(readRepositoryRoot(path.join(d, "sub", "deeper"), {})).toBe(d);
  });

  it("finds the root of a repository without commits, and of a worktree whose .git is a file", () => {
    const d = tempDir();
    git(d, ["init", "-q", "-b", "trunk"]);
    expect(readRepositoryRoot(d, {})).toBe(d);
    const main = repo();
    const worktree = path.join(tempDir(), "wt");
    git(main, ["worktree", "add", "-q", worktree]);
    expect(readRepositoryRoot(worktree, {})).toBe(readGitInfo(worktree, {}).root);
  });

  it("falls back to the directory outside a repository", () => {
    const d = tempDir();
    expect(readRepositoryRoot(d, {})).toBe(d);
  });
});

describe("readCommitAsync", () => {
  it("reads a commit's parents, people, dates and whole message", async () => {
    const d = repo();
    const root = git(d, ["rev-parse", "HEAD"]);
    writeFileSync(path.join(d, "b.txt"), "b\n");
    git(d, ["add", "-A"]);
    git(d, [
      "-c",
      "user.name=Ada",
      "-c",
      "user.email=ada@example.com",
      "commit",
      "-q",
      "-m",
      "Subject: x",
      "-m",
      "Body\twith tab",
    ]);
    const head = await readCommitAsync(d, "HEAD");
    expect(head).toMatchObject({
      sha: git(d, ["rev-parse", "HEAD"]),
      tree: git(d, ["rev-parse", "HEAD^{tree}"]),
      parents: [root],
      author: { name: "Ada", email: "ada@example.com" },
      committer: { name: "Ada", email: "ada@example.com" },
      message: "Subject: x\n\nBody\twith tab",
    });
    expect(head?.author.date).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d([+-]\d\d:\d\d|Z)$/);
    expect((await readCommitAsync(d, root))?.parents).toEqual([]);
  });

  it("is null for an unknown revision, a repository without commits, or outside one", async () => {
    const d = repo();
    expect(await readCommitAsync(d, "no-such-rev")).toBeNull();
    expect(await readCommitAsync(d, "--all")).toBeNull();
    const empty = tempDir();
    git(empty, ["init", "-q"]);
    expect(await readCommitAsync(empty, "HEAD")).toBeNull();
    expect(await readCommitAsync(tempDir(), "HEAD")).toBeNull();
  });
});

describe("resolveCommitAsync", () => {
  it("names the commit of a branch, or null", async () => {
    const d = repo();
    expect(await resolveCommitAsync(d, "main")).toBe(git(d, ["rev-parse", "HEAD"]));
    expect(await resolveCommitAsync(d, "nope")).toBeNull();
  });
});
