import { execFileSync } from "node:child_process";

/**
 * The files git would commit under `root`: tracked files plus untracked ones that .gitignore,
 * .git/info/exclude and the global excludes file do not ignore, as POSIX paths relative to `root`, in
 * git's order. Tracked files deleted from the work tree are still listed until the deletion is staged,
 * so callers that read the files check that they exist. Null when `root` is not inside a git work tree
 * (or git is not installed).
 */
export function listRepositoryFiles(root: string): string[] | null {
  try {
    // Run from root itself so that git prints paths relative to it and limits the list to it.
    const out = execFileSync("git", ["ls-files", "-z", "-co", "--exclude-standard"], {
      cwd: root,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "ignore"],
      maxBuffer: 256 * 1024 * 1024,
    });
    return out.split("\0").filter((p) => p !== "");
  } catch {
    return null;
  }
}
