/** sluice.yml: schema, loading with located problems, JSON Schema generation, the secrets file. */
export { loadConfig, parseConfig } from "./load";
export type { LoadedConfig } from "./load";
export {
  CONFIG_FILE_NAME,
  DEFAULT_SQLITE_PATH,
  DEFAULT_TIMEOUT_MINUTES,
  DEFAULT_WORKFLOW_PATHS,
  defaultConfig,
  sluiceConfigSchema,
} from "./schema";
export type { SluiceConfig, SluiceConfigInput } from "./schema";
export { generateJsonSchema, JSON_SCHEMA_PATH, renderJsonSchema } from "./json-schema";
export { loadDotenvFile, parseDotenv } from "./dotenv";
