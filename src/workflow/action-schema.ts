/**
 * The action.yml schema the parser validates with (`action-root-strict`), relaxed where the runner
 * is: the runner's own schema (actions/runner src/Runner.Worker/action_yaml.json) makes `name` and
 * `description` optional plain strings, and actions without them run on GitHub. Everything else
 * (`runs` required, known `using` values, `main` for node, `steps` for composite) stays strict.
 */
import type { TemplateSchema } from "@actions/workflow-parser/templates/schema/template-schema";
// The package's exports map hides the JSON; it is read at build time, from the package's own copy.
import actionSchemaJson from "../../node_modules/@actions/workflow-parser/dist/action-v1.0.min.json";
import { schemaFromJson } from "./workflow-schema";

let schema: TemplateSchema | undefined;

interface SchemaJson {
  definitions: Record<string, { mapping?: { properties?: Record<string, unknown> } }>;
}

export function actionSchema(): TemplateSchema {
  if (schema === undefined) {
    const json = structuredClone(actionSchemaJson) as unknown as SchemaJson;
    const properties = json.definitions["action-root-strict"]!.mapping!.properties!;
    properties.name = "string";
    properties.description = "string";
    schema = schemaFromJson(json);
  }
  return schema;
}
