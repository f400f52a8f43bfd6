import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { format, resolveConfig } from "prettier";
import { describe, expect, it } from "vitest";
import { JSON_SCHEMA_PATH, generateJsonSchema, renderJsonSchema } from "./json-schema";

const file = fileURLToPath(new URL(`../../${JSON_SCHEMA_PATH}`, import.meta.url));

// Formatted as `prettier --check` expects, so the lint step and this test agree on the bytes.
async function expectedText(): Promise<string> {
  const options = (await resolveConfig(file)) ?? {};
  return format(renderJsonSchema(), { ...options, filepath: file });
}

describe("generateJsonSchema", () => {
  it("describes the top-level keys and forbids unknown ones", () => {
    const schema = generateJsonSchema() as {
      properties: Record<string, unknown>;
      required: string[];
      additionalProperties: boolean;
    };
    expect(Object.keys(schema.properties)).toEqual([
      "version",
      "workflows",
      "run",
      "store",
      "secrets",
      "vars",
      "env",
      "gates",
      "scan",
      "environments",
      "analyses",
    ]);
    expect(schema.required).toEqual(["version"]);
    expect(schema.additionalProperties).toBe(false);
  });

  it("matches the checked-in schema/sluice.schema.json", async () => {
    const expected = await expectedText();
    if (process.env.UPDATE_SCHEMA === "1") await writeFile(file, expected);
    const actual = await readFile(file, "utf8").catch(() => "");
    expect(
      actual,
      `${JSON_SCHEMA_PATH} is stale; regenerate it with: UPDATE_SCHEMA=1 npx vitest run src/config/json-schema.test.ts`,
    ).toBe(expected);
  });
});
