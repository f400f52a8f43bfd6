/**
 * Validation of analysis settings (judge specs, provider configs). Each comes with a zod schema —
 * one source for the TypeScript type, the defaults and the checks, which the sluice.yml schema can
 * embed. Problems are collected, never thrown one by one: a bad spec fails with every issue at once.
 */
import type { z } from "zod";
import { createError } from "../core/errors";
import type { Problem } from "../core/errors";

/**
 * Parses `raw` with `schema`. Throws SLUICE_E_ANALYSIS_CONFIG whose `problems` list each issue as
 * `<what>.<path>: <message>`; the caller (config loading) adds file locations.
 */
export function parseAnalysisConfig<S extends z.ZodType>(schema: S, raw: unknown, what: string): z.output<S> {
  const parsed = schema.safeParse(raw);
  if (parsed.success) return parsed.data;
  const problems: Problem[] = parsed.error.issues.map((issue) => ({
    code: "SLUICE_E_ANALYSIS_CONFIG",
    message: `${[what, ...issue.path.map(String)].join(".")}: ${issue.message}`,
  }));
  const summary = problems.map((p) => p.message).join("; ");
  throw createError("SLUICE_E_ANALYSIS_CONFIG", `invalid ${what}: ${summary}`, { problems });
}
