/**
 * The workflow schema of @actions/workflow-parser, built without its loader. `getWorkflowSchema()`
 * serialises the schema JSON to text, reads it back through a generator-based reader and validates
 * it against the schema of schemas before building it: ≈ 50 ms of every `sluice run`, against
 * ≈ 15 ms for building the same TemplateSchema from the JSON's tokens (workflow-schema.test.ts keeps
 * the two equal).
 */
import { TemplateSchema } from "@actions/workflow-parser/templates/schema/template-schema";
import {
  BooleanToken,
  MappingToken,
  NullToken,
  NumberToken,
  SequenceToken,
  StringToken,
} from "@actions/workflow-parser/templates/tokens/index";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/index";
// The package's exports map hides the JSON; it is read at build time, from the package's own copy.
import workflowSchemaJson from "../../node_modules/@actions/workflow-parser/dist/workflow-v1.0.min.json";

let schema: TemplateSchema | undefined;

export function workflowSchema(): TemplateSchema {
  schema ??= schemaFromJson(workflowSchemaJson);
  return schema;
}

/** A TemplateSchema from its JSON, as TemplateSchema.load builds it from a reader. */
export function schemaFromJson(json: unknown): TemplateSchema {
  const built = new TemplateSchema(toToken(json) as MappingToken);
  // What TemplateSchema.load does after reading: checks references (private in the typings only).
  (built as unknown as { validate(): void }).validate();
  return built;
}

/** The tokens the parser's JSON reader makes of a JSON value: no file, no range. */
function toToken(value: unknown): TemplateToken {
  if (value === null || value === undefined) return new NullToken(undefined, undefined, undefined);
  switch (typeof value) {
    case "string":
      return new StringToken(undefined, undefined, value, undefined);
    case "number":
      return new NumberToken(undefined, undefined, value, undefined);
    case "boolean":
      return new BooleanToken(undefined, undefined, value, undefined);
  }
  if (Array.isArray(value)) {
    const seq = new SequenceToken(undefined, undefined, undefined);
    for (const item of value) seq.add(toToken(item));
    return seq;
  }
  const mapping = new MappingToken(undefined, undefined, undefined);
  for (const [key, item] of Object.entries(value as Record<string, unknown>)) {
    mapping.add(new StringToken(undefined, undefined, key, undefined), toToken(item));
  }
  return mapping;
}
