/**
 * Input helpers shared by the built-in actions, following @actions/core's reading rules so that a
 * workflow written for GitHub means the same thing here.
 */
import { homedir } from "node:os";
import { isAbsolute, resolve } from "node:path";
import type { ErrorCode } from "../../core/errors";
import { createError } from "../../core/errors";
import type { BuiltinContext } from "../types";

/**
 * Splits a multi-line input into trimmed, non-empty lines. Lines starting with `#` are comments, as
 * @actions/glob treats them in `path:` inputs.
 */
export function parseLines(text: string): string[] {
  return text
    .split(/\r?\n/)
    .map((line) => line.trim())
    .filter((line) => line !== "" && !line.startsWith("#"));
}

/**
 * Reads a boolean input as `core.getBooleanInput` does: the YAML 1.2 core-schema spellings only.
 * Anything else is an error rather than a silent `false`, so a typo cannot change behaviour.
 */
export function booleanInput(ctx: BuiltinContext, name: string, fallback: boolean, code: ErrorCode): boolean {
  const raw = ctx.input(name).trim();
  if (raw === "") return fallback;
  if (["true", "True", "TRUE"].includes(raw)) return true;
  if (["false", "False", "FALSE"].includes(raw)) return false;
  throw createError(code, `input "${name}" must be true or false, got "${raw}"`);
}

/** Reads an input that must be one of `choices` (compared case-insensitively), or `fallback` when empty. */
export function choiceInput<T extends string>(
  ctx: BuiltinContext,
  name: string,
  choices: readonly T[],
  fallback: T,
  code: ErrorCode,
): T {
  const raw = ctx.input(name).trim().toLowerCase();
  if (raw === "") return fallback;
  const found = choices.find((c) => c === raw);
  if (found === undefined)
    throw createError(code, `input "${name}" must be one of ${choices.join(", ")}, got "${raw}"`);
  return found;
}

/** The home directory later steps see: the step's HOME wins over the process's, as on a runner. */
export function homeOf(ctx: BuiltinContext): string {
  return ctx.env.HOME || homedir();
}

/** Expands a leading `~` (the real actions do for `path:` inputs) and resolves against the workspace. */
export function resolveUserPath(ctx: BuiltinContext, p: string): string {
  const expanded = p === "~" || p.startsWith("~/") ? homeOf(ctx) + p.slice(1) : p;
  return isAbsolute(expanded) ? resolve(expanded) : resolve(ctx.workspace, expanded);
}

/** Logs a warning in the step log, marked so that a reader scanning for problems finds it. */
export function logWarning(ctx: BuiltinContext, message: string): void {
  ctx.log(`Warning: ${message}`);
}
