import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import { glob } from "tinyglobby";
import { listRepositoryFiles } from "../../core/git-files";

/** What `collectSourceFiles` selects when no globs are given: every JS/TS source file. */
export const DEFAULT_SOURCE_GLOBS = ["**/*.{ts,tsx,mts,cts,js,jsx,mjs,cjs}"] as const;

/** Never measured: dependencies, build output and declaration files (generated, no function bodies). */
export const DEFAULT_SOURCE_IGNORE = [
  "**/node_modules/**",
  "**/dist/**",
  "**/build/**",
  "**/coverage/**",
  "**/*.d.ts",
  "**/*.min.js",
] as const;

/**
 * The source files under `root` that match `globs` and none of `ignore`, as sorted POSIX paths relative
 * to `root`. Inside a git work tree the candidates are git's own list (tracked plus untracked files,
 * minus whatever .gitignore, .git/info/exclude and the global excludes file ignore), so generated files
 * a project ignores are not measured; elsewhere the file system is globbed. An explicit `ignore`
 * replaces `DEFAULT_SOURCE_IGNORE` (spread the defaults into it to extend them).
 */
export async function collectSourceFiles(
  root: string,
  globs: readonly string[] = DEFAULT_SOURCE_GLOBS,
  ignore: readonly string[] = DEFAULT_SOURCE_IGNORE,
): Promise<string[]> {
  const listed = listRepositoryFiles(root);
  if (listed === null) {
    const found = await glob([...globs], { cwd: root, ignore: [...ignore], onlyFiles: true, dot: false });
    return found.sort();
  }
  const selected = picomatch([...globs], { ignore: [...ignore], dot: false });
  // The index still lists files deleted from the work tree until the deletion is staged.
  return listed.filter((rel) => selected(rel) && existsSync(path.join(root, rel))).sort();
}

/** Reads files given relative to `root` for the pure measurers; `path` stays relative. */
export function readSourceFiles(
  root: string,
  files: readonly string[],
): Array<{ path: string; text: string }> {
  return files.map((rel) => ({ path: rel, text: readFileSync(path.join(root, rel), "utf8") }));
}
