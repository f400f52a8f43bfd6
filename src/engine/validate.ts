/** `sluice validate` as a library call: every workflow and sluice.yml, all problems at once. */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { loadConfig } from "../config/index";
import { isSluiceError } from "../core/errors";
import type { Problem } from "../core/errors";
import { discoverWorkflowFiles } from "../workflow/discover";
import { parseWorkflowText } from "../workflow/load";
import { readGitInfo } from "./git-info";

export interface ValidationReport {
  valid: boolean;
  config: string | null;
  workflows: Array<{ path: string; name: string | null; jobs: string[]; valid: boolean }>;
  problems: Problem[];
}

export async function validateRepository(
  cwd: string,
  env: NodeJS.ProcessEnv,
  named: string[],
): Promise<ValidationReport> {
  const root = readGitInfo(cwd, env).root;
  const problems: Problem[] = [];
  let configPath: string | null = null;
  let dirs: readonly string[] = [".sluice/workflows", ".github/workflows"];
  try {
    const loaded = await loadConfig(root);
    configPath = loaded.path;
    dirs = loaded.config.workflows.paths;
  } catch (err) {
    if (!isSluiceError(err)) throw err;
    problems.push(
      ...(err.problems.length > 0
        ? err.problems
        : [{ code: err.code, message: err.message, location: err.location }]),
    );
  }
  const workflows: ValidationReport["workflows"] = [];
  for (const file of discoverWorkflowFiles(root, dirs, named, cwd)) {
    const rel = path.relative(root, file) || file;
    const parsed = await parseWorkflowText(await readFile(file, "utf8"), rel, file);
    problems.push(...parsed.problems);
    workflows.push({
      path: rel,
      name: parsed.workflow?.name ?? null,
      jobs: parsed.workflow?.jobs.map((j) => j.id) ?? [],
      valid: parsed.workflow !== null,
    });
  }
  return {
    valid: problems.length === 0,
    config: configPath ? path.relative(root, configPath) : null,
    workflows,
    problems,
  };
}
