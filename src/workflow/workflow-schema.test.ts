import { getWorkflowSchema } from "@actions/workflow-parser/workflows/workflow-schema";
import { describe, expect, it } from "vitest";
import { workflowSchema } from "./workflow-schema";

/** Every own field, with class names, so that two schemas compare by structure and kind. */
function describeValue(value: unknown, seen = new WeakSet<object>()): unknown {
  if (value === null || typeof value !== "object") return value;
  if (seen.has(value)) return "[seen]";
  seen.add(value);
  if (Array.isArray(value)) return value.map((v) => describeValue(v, seen));
  const out: Record<string, unknown> = { class: value.constructor?.name };
  for (const [k, v] of Object.entries(value)) out[k] = describeValue(v, seen);
  return out;
}

describe("workflowSchema", () => {
  it("builds the schema the parser's own loader builds", () => {
    expect(describeValue(workflowSchema())).toEqual(describeValue(getWorkflowSchema()));
  });
});
