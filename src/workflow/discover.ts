/** Finding workflow files: named on the command line, or every *.yml/*.yaml in the workflow dirs. */
import { existsSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { createError } from "../core/errors";

export function discoverWorkflowFiles(
  repoRoot: string,
  dirs: readonly string[],
  named: string[],
  cwd: string,
): string[] {
  if (named.length > 0) {
    return named.map((n) => {
      const candidates = [path.resolve(cwd, n), ...dirs.map((d) => path.resolve(repoRoot, d, n))];
      const found = candidates.find((c) => existsSync(c) && statSync(c).isFile());
      if (!found)
        throw createError(
          "SLUICE_E_WORKFLOW_NOT_FOUND",
          `workflow "${n}" not found (looked in ${[cwd, ...dirs].join(", ")})`,
        );
      return found;
    });
  }
  const files: string[] = [];
  for (const dir of dirs) {
    const abs = path.resolve(repoRoot, dir);
    if (!existsSync(abs)) continue;
    for (const f of readdirSync(abs).sort()) {
      if (/\.ya?ml$/.test(f) && statSync(path.join(abs, f)).isFile()) files.push(path.join(abs, f));
    }
  }
  if (files.length === 0) {
    throw createError(
      "SLUICE_E_NO_WORKFLOWS",
      `no workflow files in ${dirs.join(" or ")} (run \`sluice init\` to create one)`,
    );
  }
  return files;
}
