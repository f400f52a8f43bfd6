/** Planning `sluice init`: from a detected project to the files to write. Pure. */
import { renderSluiceConfig, SLUICE_CONFIG_PATH } from "./sluice-config";
import type { DetectedProject, InitPlan } from "./types";
import { renderWorkflow, WORKFLOW_PATH } from "./workflow";

/** The files `sluice init` writes for `project`, with a summary for the user. */
export function planInit(project: DetectedProject): InitPlan {
  const workflow = renderWorkflow(project);
  return {
    files: [
      { path: WORKFLOW_PATH, content: workflow.content },
      { path: SLUICE_CONFIG_PATH, content: renderSluiceConfig() },
    ],
    jobs: workflow.jobs,
    summary: describeProject(project),
    warnings: [...project.warnings],
  };
}

/** One line naming what was detected, e.g. `Node project (npm, Node 20; scripts: lint, test)`. */
export function describeProject(project: DetectedProject): string {
  if (project.kind === "node") {
    const scripts = project.scripts.length > 0 ? project.scripts.join(", ") : "none";
    return `Node project (${project.packageManager}, Node ${project.nodeVersion}; scripts: ${scripts})`;
  }
  if (project.kind === "python") {
    const tools = [project.linter, project.pytest ? "pytest" : null].filter((t) => t !== null);
    return `Python project (Python ${project.pythonVersion}${tools.length > 0 ? `; ${tools.join(", ")}` : ""})`;
  }
  return "no Node or Python project";
}
