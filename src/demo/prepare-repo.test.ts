import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, readFileSync, realpathSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { DEMO_AUTHOR, commitAll, copyExample, initRepo, linkDependencies } from "./prepare-repo";
import { useTempDirs, write } from "./test-fixtures";

const tempDir = useTempDirs("sluice-prepare-");

function git(cwd: string, ...args: string[]): string {
  return execFileSync("git", args, { cwd, encoding: "utf8" }).trim();
}

describe("copyExample", () => {
  it("copies sources and dotfiles but leaves out installs, outputs and state at any depth", async () => {
    const src = tempDir();
    for (const f of ["package.json", "src/a.ts", ".github/workflows/ci.yml", ".gitignore"])
      write(join(src, f), f);
    for (const f of [
      "node_modules/x/index.js",
      "dist/a.js",
      "coverage/lcov.info",
      "reports/junit.xml",
      ".sluice/db",
      "src/dist/b.js",
    ]) {
      write(join(src, f), f);
    }
    const dest = join(tempDir(), "copy");
    await copyExample(src, dest);
    for (const f of ["package.json", "src/a.ts", ".github/workflows/ci.yml", ".gitignore"]) {
      expect(readFileSync(join(dest, f), "utf8")).toBe(f);
    }
    for (const d of ["node_modules", "dist", "coverage", "reports", ".sluice", "src/dist"])
      expect(existsSync(join(dest, d))).toBe(false);
  });
});

describe("initRepo", () => {
  it("commits everything on main with the demo identity and no user hooks", async () => {
    const repo = tempDir();
    write(join(repo, "README.md"), "hi\n");
    write(join(repo, "src", "x.ts"), "export {};\n");
    const env = { ...process.env, GIT_CONFIG_GLOBAL: join(repo, "no-such-global") };
    const sha = await initRepo(repo, env);
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(git(repo, "rev-parse", "--abbrev-ref", "HEAD")).toBe("main");
    expect(git(repo, "log", "-1", "--format=%an <%ae>")).toBe(`${DEMO_AUTHOR.name} <${DEMO_AUTHOR.email}>`);
    expect(git(repo, "ls-files").split("\n").sort()).toEqual(["README.md", "src/x.ts"]);
    expect(git(repo, "status", "--porcelain")).toBe("");
  });

  it("commits later changes, new and modified files alike, with commitAll", async () => {
    const repo = tempDir();
    write(join(repo, "src", "x.ts"), "export {};\n");
    const first = await initRepo(repo, process.env);
    write(join(repo, "src", "x.ts"), "export const x = 1;\n");
    write(join(repo, "src", "y.ts"), "export {};\n");
    const second = await commitAll(repo, "Add y", process.env);
    expect(second).not.toBe(first);
    expect(git(repo, "log", "-1", "--format=%s %an")).toBe(`Add y ${DEMO_AUTHOR.name}`);
    expect(git(repo, "diff", "--name-only", first, second).split("\n")).toEqual(["src/x.ts", "src/y.ts"]);
    expect(git(repo, "status", "--porcelain")).toBe("");
  });

  it("reports a failing git command as SLUICE_E_PREREQUISITE", async () => {
    const missing = join(tempDir(), "does-not-exist");
    await expect(initRepo(missing, process.env)).rejects.toMatchObject({ code: "SLUICE_E_PREREQUISITE" });
  });
});

describe("linkDependencies", () => {
  it("links node_modules without it showing up as a change, given the example's .gitignore", async () => {
    const repo = tempDir();
    const shared = join(tempDir(), "node_modules");
    write(join(shared, "typescript", "package.json"), "{}");
    // The example ignores `node_modules` without a trailing slash, which also matches a symlink.
    write(
      join(repo, ".gitignore"),
      readFileSync(new URL("../../examples/service/.gitignore", import.meta.url), "utf8"),
    );
    await initRepo(repo, process.env);
    await linkDependencies(repo, shared);
    expect(lstatSync(join(repo, "node_modules")).isSymbolicLink()).toBe(true);
    expect(realpathSync(join(repo, "node_modules", "typescript"))).toBe(
      realpathSync(join(shared, "typescript")),
    );
    expect(git(repo, "status", "--porcelain")).toBe("");
  });
});
