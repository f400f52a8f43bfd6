/** What the repository's git knows: commit, branch, repository name, actor, changed files. */
import { execFileSync } from "node:child_process";
import path from "node:path";

function git(cwd: string, args: string[]): string | null {
  try {
    return execFileSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return null;
  }
}

export interface GitInfo {
  root: string;
  sha: string;
  /** Full ref of the checked-out branch, or null when detached or not a git repository. */
  ref: string | null;
  repository: string;
  actor: string;
}

export function readGitInfo(cwd: string, env: NodeJS.ProcessEnv): GitInfo {
  const root = git(cwd, ["rev-parse", "--show-toplevel"]) ?? cwd;
  const sha = git(root, ["rev-parse", "HEAD"]) ?? "0".repeat(40);
  const branch = git(root, ["symbolic-ref", "--quiet", "HEAD"]);
  const remote = git(root, ["config", "--get", "remote.origin.url"]);
  const fromRemote = remote ? /[:/]([^/:]+\/[^/]+?)(?:\.git)?$/.exec(remote)?.[1] : undefined;
  const actor = git(root, ["config", "user.name"]) ?? env.USER ?? "sluice";
  return { root, sha, ref: branch, repository: fromRemote ?? `local/${path.basename(root)}`, actor };
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
