/** Deciding what kind of repository `sluice init` runs in. Pure: works on a RepoSnapshot. */
import { detectNode } from "./detect-node";
import { detectPython, isPythonProject } from "./detect-python";
import type { DetectedProject, RepoSnapshot } from "./types";

/** Branch used when git does not tell which one is the default. */
export const FALLBACK_BRANCH = "main";

/**
 * The project in `snapshot`: Node when there is a package.json, else Python when there is a
 * pyproject.toml, setup.py or requirements*.txt, else generic.
 */
export function detectProject(snapshot: RepoSnapshot): DetectedProject {
  const branch = defaultBranchOf(snapshot);
  if (snapshot.entries.includes("package.json")) {
    const node = detectNode(snapshot, branch);
    if (isPythonProject(snapshot)) {
      node.warnings.push("Python files were found too; ci.yml covers the Node project only");
    }
    return node;
  }
  if (isPythonProject(snapshot)) return detectPython(snapshot, branch);
  return {
    kind: "generic",
    defaultBranch: branch,
    warnings: ["no Node or Python project found: ci.yml has a placeholder step; replace it with your build"],
  };
}

/**
 * The branch CI should trigger on: origin's default branch when the clone knows it, else the current
 * branch when it is `main` or `master` (a feature branch is not a default), else `main`.
 */
export function defaultBranchOf(snapshot: RepoSnapshot): string {
  const originHead = /^ref:\s*refs\/remotes\/origin\/(\S+)/.exec(
    snapshot.files[".git/refs/remotes/origin/HEAD"] ?? "",
  );
  if (originHead?.[1]) return originHead[1];
  const head = /^ref:\s*refs\/heads\/(\S+)/.exec(snapshot.files[".git/HEAD"] ?? "")?.[1];
  return head === "main" || head === "master" ? head : FALLBACK_BRANCH;
}
