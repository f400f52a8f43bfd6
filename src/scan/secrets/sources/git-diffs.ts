/**
 * The git side of staged and history scans: run git, stream its diff through DiffParser. History
 * is read oldest first (`--reverse`), so the first commit a secret appears in is the one that
 * introduced it. Merge commits show no diff by default, so a merge never "introduces" anything.
 */
import { spawn } from "node:child_process";
import { createInterface } from "node:readline";
import { createError } from "../../../core/errors";
import { DiffParser } from "./diff-parser";
import type { DiffFragment } from "./diff-parser";

// --relative: paths (and the scope) are relative to the scanned directory, as in a tree scan.
const DIFF_FLAGS = ["--no-color", "--no-ext-diff", "--relative", "-U0", "--diff-filter=d"];

/** Added lines of what is staged (`git diff --cached`). */
export function stagedFragments(root: string, onFragment: (f: DiffFragment) => void): Promise<number> {
  return streamGit(root, ["diff", "--cached", ...DIFF_FLAGS], onFragment);
}

/**
 * Added lines of every commit, oldest first; resolves with the number of commits read. `revisions`
 * is what `git log` takes: `--all`, or a range such as `origin/main..HEAD` for a branch's commits.
 */
export function historyFragments(
  root: string,
  revisions: readonly string[],
  onFragment: (f: DiffFragment) => void,
): Promise<number> {
  // Author and date ride on the commit header line: no second git call per commit.
  const format = "--format=%x00commit %H%x00%aI%x00%an <%ae>";
  const args = ["log", "-p", "--reverse", format, ...DIFF_FLAGS, ...revisions];
  return streamGit(root, args, onFragment);
}

function streamGit(root: string, args: string[], onFragment: (f: DiffFragment) => void): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn("git", ["-c", "core.quotepath=false", ...args], {
      cwd: root,
      stdio: ["ignore", "pipe", "pipe"],
    });
    const parser = new DiffParser(onFragment);
    let stderr = "";
    let failed: unknown;
    child.stderr.setEncoding("utf8");
    child.stderr.on("data", (s: string) => (stderr = (stderr + s).slice(-2000)));
    const rl = createInterface({ input: child.stdout, crlfDelay: Infinity });
    rl.on("line", (line) => {
      if (failed !== undefined) return;
      try {
        parser.push(line);
      } catch (err) {
        failed = err;
        child.kill();
      }
    });
    child.on("error", (err) =>
      reject(
        createError("SLUICE_E_PREREQUISITE", `git could not be started: ${err.message}`, { cause: err }),
      ),
    );
    child.on("close", (code) => {
      rl.close();
      if (failed !== undefined) return reject(failed);
      if (code !== 0) {
        return reject(
          createError(
            "SLUICE_E_PREREQUISITE",
            `git ${args[0]} failed (exit ${code}): ${stderr.trim() || "no output"}`,
          ),
        );
      }
      parser.flush();
      resolve(parser.commits);
    });
  });
}
