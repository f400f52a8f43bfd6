/**
 * `sluice run --job ID`: every id must name a job of at least one selected workflow (an id may exist
 * in only one of several), else nothing runs and the command line is wrong. Workflows holding none of
 * the ids are skipped rather than recorded as empty runs.
 */
import { createError } from "../core/errors";
import type { WorkflowDef } from "./model";

/**
 * Throws SLUICE_E_USAGE naming the unknown ids and the jobs that exist; returns, per workflow with
 * none of the ids, why it is skipped. No filter selects everything.
 */
export function checkJobFilter(filter: string[], workflows: WorkflowDef[]): Map<WorkflowDef, string> {
  const skip = new Map<WorkflowDef, string>();
  if (filter.length === 0) return skip;
  const known = new Set(workflows.flatMap((wf) => wf.jobs.map((j) => j.id)));
  const unknown = [...new Set(filter)].filter((id) => !known.has(id));
  if (unknown.length > 0) {
    const existing = workflows
      .filter((wf) => wf.jobs.length > 0)
      .map((wf) => `${wf.jobs.map((j) => j.id).join(", ")} (${wf.path})`);
    throw createError(
      "SLUICE_E_USAGE",
      `--job ${unknown.join(", ")}: no job with ${unknown.length === 1 ? "this id" : "these ids"} in the selected workflows; ` +
        (existing.length > 0 ? `jobs: ${existing.join("; ")}` : "they define no jobs"),
    );
  }
  for (const wf of workflows) {
    if (!wf.jobs.some((j) => filter.includes(j.id)))
      skip.set(wf, `none of its jobs was selected with --job (${filter.join(", ")})`);
  }
  return skip;
}
