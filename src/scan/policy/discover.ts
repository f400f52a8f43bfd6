/**
 * Which files of a repository policies look at. Inside a git work tree the candidates are git's own
 * list (tracked plus untracked-but-not-ignored), so vendored and generated files that .gitignore
 * names are skipped; elsewhere the file system is walked with the usual folders left out.
 */
import { existsSync } from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import { glob } from "tinyglobby";
import { listRepositoryFiles } from "../../core/git-files";
import type { PolicyTarget } from "./types";

/** A file to read, and what it may be (YAML files are Kubernetes only if their content says so). */
export interface PolicyCandidate {
  /** Relative to the root, POSIX separators. */
  file: string;
  kind: PolicyTarget | "yaml";
}

const WORKFLOW = picomatch(["{.github,.sluice}/workflows/*.{yml,yaml}"], { dot: true });
// `Dockerfile`, `Dockerfile.prod`, `Containerfile`, `api.Dockerfile`; not `Dockerfile.dockerignore`.
const DOCKERFILE = /^(?:(?:Dockerfile|Containerfile)[^/]*|[^/]+\.(?:dockerfile|containerfile))$/i;
const YAML = picomatch(["**/*.{yaml,yml}"], { dot: true });
const ALWAYS_IGNORED = picomatch(["**/node_modules/**", "**/.git/**"], { dot: true });
const WALK_IGNORE = ["**/node_modules/**", "**/.git/**", "**/dist/**", "**/vendor/**", "**/.sluice/**"];

/** Sorts `files` (relative paths) into candidates; pure. */
export function classifyPolicyFiles(files: readonly string[]): PolicyCandidate[] {
  const out: PolicyCandidate[] = [];
  for (const file of files) {
    if (ALWAYS_IGNORED(file)) continue;
    const base = file.slice(file.lastIndexOf("/") + 1);
    if (WORKFLOW(file)) out.push({ file, kind: "workflow" });
    else if (DOCKERFILE.test(base) && !/\.dockerignore$/i.test(base)) out.push({ file, kind: "dockerfile" });
    else if (YAML(file)) out.push({ file, kind: "yaml" });
  }
  return out.sort((a, b) => a.file.localeCompare(b.file));
}

/** Lists the candidate files under `root`, honouring .gitignore when `root` is in a git work tree. */
export async function discoverPolicyFiles(root: string): Promise<PolicyCandidate[]> {
  const listed = listRepositoryFiles(root);
  const files =
    listed?.filter((rel) => existsSync(path.join(root, rel))) ??
    (await glob(["**/*"], { cwd: root, ignore: WALK_IGNORE, onlyFiles: true, dot: true }));
  return classifyPolicyFiles(files);
}
