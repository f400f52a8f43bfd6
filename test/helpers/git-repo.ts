/**
 * Temporary git repositories for end-to-end tests: a fixture directory copied into a fresh repository
 * on branch `main` with one commit, optionally followed by more commits, a branch and tags.
 */
import { execFileSync } from "node:child_process";
import { cpSync, existsSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";

/** Later history of a fixture repository, applied in order after the initial commit. */
export interface RepoHistory {
  /** Branch to create and check out after the initial commit (before `commits`). */
  branch?: string;
  /** Commits to make: files written (path → content) and files deleted. */
  commits?: Array<{ message?: string; files?: Record<string, string>; delete?: string[] }>;
  /** Lightweight tags to create on the final commit. */
  tags?: string[];
}

/** A fixture's `dot-sluice/` directory becomes `.sluice/` (the project's .gitignore hides `.sluice/`). */
const DOT_SLUICE = "dot-sluice";

/** Files of a fixture directory that describe the case instead of belonging to the repository. */
const CASE_FILES = ["expected.json"];

const GIT_IDENTITY = [
  "-c",
  "user.name=Sluice Test",
  "-c",
  "user.email=test@sluice.invalid",
  "-c",
  "commit.gpgsign=false",
];

export function git(cwd: string, args: string[]): string {
  return execFileSync("git", [...GIT_IDENTITY, ...args], {
    cwd,
    encoding: "utf8",
    stdio: ["ignore", "pipe", "pipe"],
  }).trim();
}

/** An empty temporary directory; the caller removes it. */
export function makeTempDir(prefix: string): string {
  return mkdtempSync(path.join(tmpdir(), prefix));
}

/** Copies `fixtureDir` into a new temporary git repository and commits it; returns the repository path. */
export function createFixtureRepo(fixtureDir: string, history: RepoHistory = {}): string {
  const repo = makeTempDir("sluice-golden-");
  cpSync(fixtureDir, repo, { recursive: true });
  for (const file of CASE_FILES) rmSync(path.join(repo, file), { force: true });
  if (existsSync(path.join(repo, DOT_SLUICE)))
    renameSync(path.join(repo, DOT_SLUICE), path.join(repo, ".sluice"));
  initRepo(repo, history);
  return repo;
}

/** Turns `dir` into a git repository on `main` with everything committed, then applies `history`. */
export function initRepo(dir: string, history: RepoHistory = {}): void {
  git(dir, ["init", "-q", "-b", "main"]);
  // Sluice's state (database, logs) must not count as changed files for path filters.
  writeFileSync(path.join(dir, ".git", "info", "exclude"), ".sluice/*\n!.sluice/actions/\n");
  git(dir, ["add", "-A"]);
  git(dir, ["commit", "-q", "--allow-empty", "-m", "initial"]);
  if (history.branch) git(dir, ["checkout", "-q", "-b", history.branch]);
  for (const [i, commit] of (history.commits ?? []).entries()) {
    for (const [file, content] of Object.entries(commit.files ?? {})) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), content);
    }
    for (const file of commit.delete ?? []) rmSync(path.join(dir, file), { force: true });
    git(dir, ["add", "-A"]);
    git(dir, ["commit", "-q", "--allow-empty", "-m", commit.message ?? `commit ${i + 2}`]);
  }
  for (const tag of history.tags ?? []) git(dir, ["tag", tag]);
}
