/**
 * GitHub rejects a workflow that gives one event both a filter and its `-ignore` form ("you may only
 * define one of `branches` and `branches-ignore` for a single event"); the workflow schema cannot say
 * so, so the parser accepts it. Reported at the second of the two keys.
 */
import { isMapping, isString } from "@actions/workflow-parser";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/index";
import type { Problem } from "../core/errors";
import { mappingEntries, tokenLocation } from "./tokens";

const FILTERS = ["branches", "tags", "paths"] as const;

export function checkFilterConflicts(root: TemplateToken, file: string): Problem[] {
  const problems: Problem[] = [];
  const on = mappingEntries(root).get("on");
  if (!on || !isMapping(on)) return problems;
  for (const event of on) {
    if (!isMapping(event.value) || !isString(event.key)) continue;
    const keys = [...event.value].map((pair) => pair.key).filter(isString);
    for (const filter of FILTERS) {
      const both = keys.filter((k) => k.value === filter || k.value === `${filter}-ignore`);
      // A duplicated key is the YAML reader's to report; only the pair is a conflict.
      if (new Set(both.map((k) => k.value)).size < 2) continue;
      problems.push({
        code: "SLUICE_E_WORKFLOW_SCHEMA",
        message: `you may only define one of \`${filter}\` and \`${filter}-ignore\` for a single event (on.${event.key.value})`,
        location: tokenLocation(file, both[1]),
      });
    }
  }
  return problems;
}
