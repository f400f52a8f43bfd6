/**
 * `sluice init`: detect the project in a repository, plan the CI workflow and sluice.yml, write them.
 * Detection and planning are pure (detect.ts, plan.ts); this module only wires them to the disk.
 */
import { detectProject } from "./detect";
import { ignoreStateDir } from "./gitignore";
import { planInit } from "./plan";
import { scanRepository } from "./scan";
import type { DetectedProject, InitPlan } from "./types";
import { writePlannedFiles } from "./write";
import type { WrittenFile } from "./write";

export { detectProject, defaultBranchOf } from "./detect";
export { describeProject, planInit } from "./plan";
export { renderSluiceConfig } from "./sluice-config";
export { renderWorkflow, WORKFLOW_PATH } from "./workflow";
export { scanRepository } from "./scan";
export { writePlannedFiles } from "./write";
export type { WrittenFile } from "./write";
export type * from "./types";

/** The outcome of `sluice init`. */
export interface InitResult {
  project: DetectedProject;
  plan: InitPlan;
  written: WrittenFile[];
  /** Whether `.gitignore` was given Sluice's state directory, or already ignored it. */
  gitignore: "added" | "present";
}

/**
 * Runs `sluice init` in `root`.
 *
 * @throws SluiceError SLUICE_E_INIT_EXISTS when a file exists and `force` is not set; nothing is written then.
 */
export async function runInit(options: { root: string; force: boolean }): Promise<InitResult> {
  const project = detectProject(await scanRepository(options.root));
  const plan = planInit(project);
  const written = await writePlannedFiles(options.root, plan.files, options.force);
  const gitignore = await ignoreStateDir(options.root);
  return { project, plan, written, gitignore };
}
