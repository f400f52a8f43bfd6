/** What the repository's git knows: commit, branch, repository name, actor, changed files. */
import { execFile, execFileSync } from "node:child_process";
import { existsSync, realpathSync } from "node:fs";
import path from "node:path";

function git(cwd: string, args: string[]): string | null {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

/** `git` run asynchronously: two of them overlap each other and whatever the caller does meanwhile. */
function gitAsync(cwd: string, args: string[]): Promise<string | null> {
  return new Promise((resolve) => {
    execFile("git", args, { cwd, encoding: "utf8" }, (err, stdout) => resolve(err ? null : stdout.trim()));
  });
}

const HEAD_ARGS = ["rev-parse", "--show-toplevel", "HEAD", "--symbolic-full-name", "HEAD"];
const CONFIG_ARGS = ["config", "--get-regexp", "^(remote\\.origin\\.url|user\\.name)$"];

export interface GitInfo {
  root: string;
  sha: string;
  /** Full ref of the checked-out branch, or null when detached or not a git repository. */
  ref: string | null;
  repository: string;
  actor: string;
}

/**
 * Two git processes: every `sluice run` starts with this, and each process costs milliseconds
 * (spawned synchronously, before anything else can run).
 */
export function readGitInfo(cwd: string, env: NodeJS.ProcessEnv): GitInfo {
  const head = readHead(cwd);
  return withConfig(head, git(head.root, CONFIG_ARGS), env);
}

/**
 * readGitInfo with both git processes running at once, off the event loop (`sluice run` starts
 * with it; each process costs several milliseconds).
 */
export async function readGitInfoAsync(cwd: string, env: NodeJS.ProcessEnv): Promise<GitInfo> {
  // git config reads the same repository's settings from any directory inside it.
  const [headText, configText] = await Promise.all([gitAsync(cwd, HEAD_ARGS), gitAsync(cwd, CONFIG_ARGS)]);
  const head = headFrom(headText) ?? readHead(cwd);
  return withConfig(head, configText, env);
}

function withConfig(
  head: Pick<GitInfo, "root" | "sha" | "ref">,
  configText: string | null,
  env: NodeJS.ProcessEnv,
): GitInfo {
  const config = configValues(configText);
  const remote = config.get("remote.origin.url");
  const fromRemote = remote ? /[:/]([^/:]+\/[^/]+?)(?:\.git)?$/.exec(remote)?.[1] : undefined;
  const actor = config.get("user.name") ?? env.USER ?? "sluice";
  return { ...head, repository: fromRemote ?? `local/${path.basename(head.root)}`, actor };
}

/**
 * The work tree root alone, without starting git (commands that need nothing else, such as
 * `scan sbom`, start in ≈ 100 ms, and each git process is several of them): the nearest directory
 * at or above `cwd` holding `.git` (a directory, or the file of a worktree or submodule), else
 * `cwd`, as `readGitInfo` falls back. Asks git when GIT_DIR or GIT_WORK_TREE redirect it.
 */
export function readRepositoryRoot(cwd: string, env: NodeJS.ProcessEnv): string {
  if (env.GIT_DIR || env.GIT_WORK_TREE) return readHead(cwd).root;
  for (let dir = path.resolve(cwd); ;) {
    // git reports the root with symbolic links resolved; so does this.
    if (existsSync(path.join(dir, ".git"))) return realpathSync(dir);
    const parent = path.dirname(dir);
    if (parent === dir) return cwd;
    dir = parent;
  }
}

/** Work tree root, HEAD commit and checked-out branch, in one `git rev-parse` when there is a commit. */
function readHead(cwd: string): Pick<GitInfo, "root" | "sha" | "ref"> {
  const head = headFrom(git(cwd, HEAD_ARGS));
  if (head) return head;
  // Not a repository, or one without commits (HEAD names a branch that does not exist yet).
  const root = git(cwd, ["rev-parse", "--show-toplevel"]) ?? cwd;
  return {
    root,
    sha: git(root, ["rev-parse", "HEAD"]) ?? "0".repeat(40),
    ref: git(root, ["symbolic-ref", "--quiet", "HEAD"]),
  };
}

/** The output of HEAD_ARGS, or null when git could not answer it (no repository, no commit). */
function headFrom(text: string | null): Pick<GitInfo, "root" | "sha" | "ref"> | null {
  const lines = text?.split("\n");
  if (lines?.length !== 3) return null;
  const [root, sha, symbolic] = lines as [string, string, string];
  // A detached HEAD reads as "HEAD".
  return { root, sha, ref: symbolic.startsWith("refs/") ? symbolic : null };
}

/** `git config --get-regexp` output: one "key value" per line; the last value of a key wins, as in git. */
function configValues(text: string | null): Map<string, string> {
  const values = new Map<string, string>();
  for (const line of text?.split("\n") ?? []) {
    const space = line.indexOf(" ");
    if (space > 0) values.set(line.slice(0, space), line.slice(space + 1));
  }
  return values;
}

export interface CommitInfo {
  sha: string;
  tree: string;
  /** Empty for a root commit. */
  parents: string[];
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
  /** The full message, trailing newlines removed. */
  message: string;
}

// NUL-separated: names and messages may hold any other character; the message goes last.
const COMMIT_FIELDS = ["%H", "%T", "%P", "%an", "%ae", "%aI", "%cn", "%ce", "%cI", "%B"];
const COMMIT_ARGS = ["log", "-1", "--no-show-signature", `--format=${COMMIT_FIELDS.join("%x00")}`];

/**
 * One commit (`rev`: a sha, HEAD…) as push payloads describe it, from one `git log` process that
 * the caller runs alongside readGitInfoAsync's. null when git cannot read it.
 */
export async function readCommitAsync(cwd: string, rev: string): Promise<CommitInfo | null> {
  const text = await gitAsync(cwd, [...COMMIT_ARGS, "--end-of-options", rev, "--"]);
  const f = text?.split("\0");
  if (f?.length !== COMMIT_FIELDS.length) return null;
  const [
    sha = "",
    tree = "",
    parents = "",
    an = "",
    ae = "",
    ad = "",
    cn = "",
    ce = "",
    cd = "",
    message = "",
  ] = f;
  return {
    sha,
    tree,
    parents: parents ? parents.split(" ") : [],
    author: { name: an, email: ae, date: ad },
    committer: { name: cn, email: ce, date: cd },
    message: message.replace(/\n+$/, ""),
  };
}

/** The commit a revision (a branch name such as a pull request's base) names, or null. */
export function resolveCommitAsync(cwd: string, rev: string): Promise<string | null> {
  return gitAsync(cwd, ["rev-parse", "--verify", "--quiet", "--end-of-options", `${rev}^{commit}`]);
}

/**
 * Files an event changed, for path filters: for a pull request the diff against the merge base with
 * the base branch; otherwise the last commit plus uncommitted changes. null when git cannot tell.
 */
export function changedFiles(root: string, baseRef: string | undefined): string[] | null {
  const lines = (s: string | null) => (s ? s.split("\n").filter(Boolean) : []);
  if (baseRef) {
    const diff = git(root, ["diff", "--name-only", `${baseRef}...HEAD`]);
    return diff === null ? null : lines(diff);
  }
  const last = git(root, ["diff", "--name-only", "HEAD~1", "HEAD"]);
  const first = last === null ? git(root, ["ls-tree", "-r", "--name-only", "HEAD"]) : last;
  const dirty = git(root, ["status", "--porcelain", "--untracked-files=all"]);
  if (first === null && dirty === null) return null;
  const files = new Set([...lines(first), ...lines(dirty).map((l) => l.slice(3).replace(/^.* -> /, ""))]);
  return [...files];
}

export function isTag(root: string, name: string): boolean {
  return git(root, ["show-ref", "--verify", "--quiet", `refs/tags/${name}`]) !== null;
}
