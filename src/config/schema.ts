/**
 * The schema of `sluice.yml`: the one source of truth for its TypeScript types, its defaults, its
 * validation and the generated JSON Schema (schema/sluice.schema.json) that editors use.
 *
 * Every object is strict: an unknown key is an error rather than silently ignored, so a typo such as
 * `timeout-minutes` is reported, and later features (gates, environments, deploy) are added here
 * deliberately.
 */
import { z } from "zod";
import { byteSizeSchema } from "./byte-size";
import { analysesSchema, environmentsSchema } from "./deploy-schema";
import { checkAnalysisReferences } from "./deploy-references";

/** Name of the configuration file, at the repository root. */
export const CONFIG_FILE_NAME = "sluice.yml";

/** Directories searched for workflow files when `workflows.paths` is not set. */
export const DEFAULT_WORKFLOW_PATHS: readonly string[] = [".sluice/workflows", ".github/workflows"];

/** Default job timeout in minutes; the same as GitHub Actions' `timeout-minutes` default. */
export const DEFAULT_TIMEOUT_MINUTES = 360;

/** Default SQLite database file, relative to the repository root (state lives in `.sluice/`). */
export const DEFAULT_SQLITE_PATH = ".sluice/sluice.db";

// GitHub's rules for variable and secret names: letters, digits and underscores, not starting with
// a digit. Keeping `vars` to them means a repository's variables can move to GitHub unchanged.
const identifierPattern = /^[A-Za-z_][A-Za-z0-9_]*$/;

const relativePath = z.string().min(1, { error: "must be a non-empty path" });

// YAML reads `PORT: 8080` as a number and `DEBUG: true` as a boolean; GitHub Actions' `env:` accepts
// both and turns them into strings, so Sluice does the same instead of rejecting them.
const scalarString = z
  .union([z.string(), z.number(), z.boolean()], { error: "expected a string, number or boolean" })
  .transform((value) => String(value));

const workflowsSchema = z
  .strictObject({
    paths: z
      .array(relativePath)
      .min(1, { error: "must list at least one directory" })
      .default([...DEFAULT_WORKFLOW_PATHS])
      .describe("Directories, relative to the repository root, that workflow files are read from."),
  })
  .describe("Where workflow files live.");

const runSchema = z
  .strictObject({
    concurrency: z
      .int({ error: "must be a whole number" })
      .positive({ error: "must be at least 1" })
      .optional()
      .describe("Maximum number of jobs running at the same time. When unset, the engine decides."),
    shell: z
      .string()
      .min(1, { error: "must be a non-empty shell name" })
      .optional()
      .describe("Default shell for `run:` steps that set none (as `defaults.run.shell` would)."),
    timeoutMinutes: z
      .number()
      .positive({ error: "must be greater than 0" })
      .default(DEFAULT_TIMEOUT_MINUTES)
      .describe("Timeout of a job that sets no `timeout-minutes`, in minutes."),
  })
  .describe("How jobs are run.");

const sqliteStoreSchema = z
  .strictObject({
    type: z.literal("sqlite"),
    path: relativePath
      .default(DEFAULT_SQLITE_PATH)
      .describe("Database file, relative to the repository root unless absolute."),
  })
  .describe("Embedded SQLite database (the default).");

// A discriminated union so that `postgres` (and others) join as new options keyed by `type`, and an
// unknown `type` is an error naming the allowed ones (DESIGN.md: never a silent fallback).
const storeSchema = z
  .discriminatedUnion("type", [sqliteStoreSchema])
  .describe("Where runs, jobs, deployments and the audit log are recorded.");

const secretsSchema = z
  .strictObject({
    file: relativePath
      .optional()
      .describe("Dotenv-style file (KEY=VALUE lines) providing the `secrets` context. Keep it out of git."),
  })
  .describe("Where secrets come from.");

const varsSchema = z
  .record(
    z.string().regex(identifierPattern, {
      error: "variable names use letters, digits and underscores and do not start with a digit",
    }),
    scalarString,
  )
  .describe("Values of the `vars` context (configuration variables).");

const envSchema = z
  .record(
    z.string().regex(/^[^=\0]+$/, { error: "environment variable names cannot be empty or contain `=`" }),
    scalarString,
  )
  .describe("Environment variables set for every job, below the workflow's own `env:`.");

// Compiled after the schema, in expressions.ts: cel-js loads only for files that have rules.
const ruleExpression = z.string().min(1, { error: "must be a non-empty rule" });

const gateRuleSchema = z
  .union([
    ruleExpression,
    z.strictObject({
      rule: ruleExpression.describe(
        "A threshold (`coverage.lines >= 80`) or a CEL expression over the metrics.",
      ),
      severity: z
        .enum(["fail", "warn"])
        .default("fail")
        .describe("`fail` fails the gate; `warn` only reports."),
      name: z.string().min(1).optional().describe("Name shown in results; overrides replace rules by name."),
      description: z.string().optional(),
    }),
  ])
  .describe("A rule: an expression string (severity fail), or an object with rule, severity, name.");

const gateOverrideSchema = z
  .strictObject({
    branches: z
      .array(z.string().min(1))
      .optional()
      .describe("Applies on these branches (GitHub filter patterns)."),
    environments: z
      .array(z.string().min(1))
      .optional()
      .describe("Applies when the gate runs for these environments."),
    rules: z.array(gateRuleSchema).min(1, { error: "must list at least one rule" }),
  })
  .describe("Extra or stricter rules for some branches or environments (same-named rules are replaced).");

const gateSchema = z
  .strictObject({
    description: z.string().optional(),
    reports: z
      .array(z.string().min(1))
      .default([])
      .describe(
        "Report files or globs (`coverage/lcov.info`, `junit:reports/*.xml`) read when none are given.",
      ),
    rules: z.array(gateRuleSchema).min(1, { error: "a gate needs at least one rule" }),
    overrides: z.array(gateOverrideSchema).default([]),
    baseline: z
      .strictObject({
        branch: z
          .string()
          .min(1)
          .optional()
          .describe("Branch whose last passing result is `baseline` (default: the current branch)."),
      })
      .prefault({}),
    compute: z
      .strictObject({
        complexity: z
          .strictObject({
            paths: z.array(z.string().min(1)).default(["src"]),
            threshold: z
              .number()
              .positive()
              .default(10)
              .describe("`complexity.overThreshold` counts functions above it."),
          })
          .optional()
          .describe("Cyclomatic complexity of TS/JS functions, computed by Sluice."),
        duplication: z
          .strictObject({
            paths: z.array(z.string().min(1)).default(["src"]),
            minTokens: z.int().positive().default(50),
          })
          .optional()
          .describe("Duplicated-lines density of TS/JS sources, computed by Sluice."),
        newCode: z
          .strictObject({ base: z.string().min(1).default("main") })
          .optional()
          .describe(
            "Coverage of lines changed since `base` (`coverage.newLines`), from git diff and the coverage report.",
          ),
      })
      .prefault({}),
  })
  .describe("A named quality gate.");

// Checked whole by its compiler after the schema (expressions.ts), which loads cel-js on demand.
const policyRuleSchema = z
  .unknown()
  .describe(
    "A policy rule: { id, target: kubernetes|dockerfile|workflow, rule: CEL (true when violated), severity, message }.",
  );

const scanSchema = z
  .strictObject({
    exclude: z
      .array(z.string().min(1))
      .default([])
      .describe("Globs of paths whose findings are dropped (test fixtures, vendored examples)."),
    secrets: z
      .strictObject({
        config: relativePath.optional().describe("A gitleaks-format TOML rule file (`.gitleaks.toml`)."),
        baseline: relativePath
          .optional()
          .describe("JSON file of finding fingerprints to ignore (`sluice scan secrets --write-baseline`)."),
        maxFileSize: byteSizeSchema()
          .optional()
          .describe(
            "Files larger than this are not scanned for secrets (a note names them): bytes or a size such as `50MiB`. Default 10MiB.",
          ),
      })
      .prefault({}),
    deps: z
      .strictObject({
        db: relativePath
          .optional()
          .describe("OSV advisory database: a folder of OSV records or an OSV `all.zip`."),
        online: z.boolean().default(false).describe("Also query the OSV API when the network allows."),
      })
      .prefault({}),
    license: z
      .strictObject({
        allow: z.array(z.string().min(1)).optional().describe("SPDX ids allowed; anything else is denied."),
        deny: z.array(z.string().min(1)).optional().describe("SPDX ids denied."),
        unknown: z
          .enum(["allow", "warn", "deny"])
          .default("warn")
          .describe("What a licence Sluice cannot judge becomes."),
      })
      .prefault({}),
    policy: z
      .strictObject({
        rules: z.array(policyRuleSchema).default([]),
        disable: z
          .array(z.string().min(1))
          .default([])
          .describe("Rule ids (built-in or added) not to check."),
        trustedActionOwners: z
          .array(z.string().min(1))
          .optional()
          .describe("Action owners that need not pin to a commit SHA (default: actions)."),
      })
      .prefault({}),
  })
  .describe("Settings of `sluice scan` and `uses: sluice/scan@v1`.");

/** The `sluice.yml` schema. Parse with `loadConfig` to get located errors rather than zod issues. */
export const sluiceConfigSchema = z
  .strictObject({
    version: z
      .literal(1, { error: "must be 1 (the only configuration version so far)" })
      .describe("Configuration format version. Always 1."),
    workflows: workflowsSchema.prefault({}),
    run: runSchema.prefault({}),
    store: storeSchema.prefault({ type: "sqlite" }),
    secrets: secretsSchema.prefault({}),
    vars: varsSchema.default({}),
    env: envSchema.default({}),
    gates: z
      .record(
        z.string().regex(/^[A-Za-z0-9][\w-]*$/, { error: "gate names use letters, digits, - and _" }),
        gateSchema,
      )
      .default({})
      .describe("Quality gates, by name (`sluice gate NAME`, `uses: sluice/gate@v1`)."),
    scan: scanSchema.prefault({}),
    environments: environmentsSchema,
    analyses: analysesSchema,
  })
  .superRefine(checkAnalysisReferences)
  .describe("Sluice configuration (sluice.yml at the repository root).");

/** A validated configuration with every default filled in. */
export type SluiceConfig = z.output<typeof sluiceConfigSchema>;

/** What a user may write in `sluice.yml` (optional keys, scalar env values). */
export type SluiceConfigInput = z.input<typeof sluiceConfigSchema>;

/** The configuration used when the repository has no `sluice.yml`. */
export function defaultConfig(): SluiceConfig {
  // Parsing, rather than a literal, keeps the defaults in one place: the schema.
  return sluiceConfigSchema.parse({ version: 1 });
}
