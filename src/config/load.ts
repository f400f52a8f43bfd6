/**
 * Loading `sluice.yml`: read → parse YAML (keeping positions) → validate against the schema. Every
 * problem is collected with its file:line:column and reported at once in one SluiceError, so a user
 * fixes a file in one pass rather than one error per run.
 */
import { readFile, stat } from "node:fs/promises";
import { join } from "node:path";
import { createError } from "../core/errors";
import type { Problem, SluiceError } from "../core/errors";
import type { z } from "zod";
import { expressionSites } from "./expression-sites";
import { issuesToProblems } from "./issues";
import { CONFIG_FILE_NAME, defaultConfig, sluiceConfigSchema } from "./schema";
import type { SluiceConfig } from "./schema";
import { parseYamlSource } from "./yaml-source";

/** A loaded configuration and where it came from. */
export interface LoadedConfig {
  config: SluiceConfig;
  /** Path of the `sluice.yml` read, or null when the repository has none and defaults apply. */
  path: string | null;
}

/**
 * Loads `sluice.yml` from the repository root. A missing file yields the defaults.
 *
 * @throws SluiceError SLUICE_E_YAML when the file is not well-formed YAML, SLUICE_E_CONFIG when it
 *   does not match the schema or cannot be read; `problems` holds every located problem.
 */
export async function loadConfig(repoRoot: string): Promise<LoadedConfig> {
  const path = join(repoRoot, CONFIG_FILE_NAME);
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if (!isNotFound(err)) throw unreadable(path, err);
    await rejectMisnamedFile(repoRoot);
    return { config: defaultConfig(), path: null };
  }
  return { config: await parseConfig(text, path), path };
}

/**
 * Validates the text of a `sluice.yml`; `file` names it in locations. No I/O, but asynchronous: the
 * CEL compilers load only when the file holds expressions (expression-sites.ts).
 *
 * @throws SluiceError as `loadConfig` does.
 */
export async function parseConfig(text: string, file: string): Promise<SluiceConfig> {
  const parsed = parseYamlSource(text, file);
  if (parsed.problems.length > 0) throw configError("SLUICE_E_YAML", file, parsed.problems);
  const result = sluiceConfigSchema.safeParse(parsed.value);
  const issues: z.core.$ZodIssue[] = result.success ? [] : [...result.error.issues];
  // Expressions are compiled even when the schema found problems: every problem in one pass.
  const sites = expressionSites(parsed.value);
  if (sites.length > 0) {
    const { checkExpressions } = await import("./expressions");
    issues.push(...(checkExpressions(sites) as z.core.$ZodIssue[]));
  }
  if (result.success && issues.length === 0) return result.data;
  const problems = issuesToProblems(issues, sluiceConfigSchema, parsed.source, parsed.value);
  throw configError("SLUICE_E_CONFIG", file, problems);
}

function configError(
  code: "SLUICE_E_YAML" | "SLUICE_E_CONFIG",
  file: string,
  problems: Problem[],
): SluiceError {
  const sorted = [...problems].sort(
    (a, b) =>
      (a.location?.line ?? 0) - (b.location?.line ?? 0) ||
      (a.location?.column ?? 0) - (b.location?.column ?? 0),
  );
  const first = sorted[0];
  const what = code === "SLUICE_E_YAML" ? "is not valid YAML" : "is invalid";
  const count = `${sorted.length} problem${sorted.length === 1 ? "" : "s"}`;
  // The summary carries the first location so that callers reading only `location` still get a line.
  return createError(code, `${CONFIG_FILE_NAME} ${what} (${count})`, {
    location: first?.location ?? { file },
    problems: sorted,
  });
}

// `sluice.yaml` would otherwise be ignored without a word, and the user would wonder why their
// settings have no effect.
async function rejectMisnamedFile(repoRoot: string): Promise<void> {
  const misnamed = join(repoRoot, "sluice.yaml");
  const found = await stat(misnamed).then(
    (s) => s.isFile(),
    () => false,
  );
  if (found) {
    throw createError(
      "SLUICE_E_CONFIG",
      `found sluice.yaml; Sluice reads ${CONFIG_FILE_NAME}: rename the file`,
      {
        location: { file: misnamed },
      },
    );
  }
}

function unreadable(path: string, err: unknown): SluiceError {
  const reason = err instanceof Error ? err.message : String(err);
  return createError("SLUICE_E_CONFIG", `cannot read ${CONFIG_FILE_NAME}: ${reason}`, {
    location: { file: path },
    cause: err,
  });
}

function isNotFound(err: unknown): boolean {
  return typeof err === "object" && err !== null && "code" in err && err.code === "ENOENT";
}
