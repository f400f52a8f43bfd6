/**
 * The JSON Schema of `sluice.yml`, generated from the zod schema so the two cannot disagree. The
 * generated file is checked in at schema/sluice.schema.json for editors (yaml-language-server); a
 * test fails when it is stale and rewrites it when run with UPDATE_SCHEMA=1.
 */
import { z } from "zod";
import { sluiceConfigSchema } from "./schema";

/** Where the generated schema is checked in, relative to the package root. */
export const JSON_SCHEMA_PATH = "schema/sluice.schema.json";

/** The JSON Schema (draft 2020-12) describing what a user may write in `sluice.yml`. */
export function generateJsonSchema(): Record<string, unknown> {
  // "input" describes what users write (optional keys with defaults, scalar env values), not the
  // normalized result that Sluice works with after parsing.
  const generated = z.toJSONSchema(sluiceConfigSchema, { io: "input", target: "draft-2020-12" });
  const { $schema, ...rest } = generated;
  return { $schema, title: "sluice.yml", ...rest };
}

/** The schema as the checked-in file holds it, before formatting (JSON, two-space indent). */
export function renderJsonSchema(): string {
  return `${JSON.stringify(generateJsonSchema(), null, 2)}\n`;
}
