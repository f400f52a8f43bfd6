/**
 * Turns zod issues into located, readable problems: one problem per unknown key, a "did you mean"
 * for near misses, and "is required" instead of "expected string, received undefined".
 */
import { z } from "zod";
import { closestName } from "../core/did-you-mean";
import type { Problem } from "../core/errors";
import { locatePath } from "./yaml-source";
import type { YamlSource } from "./yaml-source";

/** Problems (SLUICE_E_CONFIG) for every issue, located in `source`. `value` is the parsed input. */
export function issuesToProblems(
  issues: readonly z.core.$ZodIssue[],
  schema: z.ZodType,
  source: YamlSource,
  value: unknown,
): Problem[] {
  const problems: Problem[] = [];
  for (const issue of issues) {
    if (issue.code === "unrecognized_keys") {
      const allowed = allowedKeys(schema, issue.path);
      for (const key of issue.keys) {
        problems.push({
          code: "SLUICE_E_CONFIG",
          message: unknownKeyMessage(issue.path, key, allowed),
          location: locatePath(source, [...issue.path, key], true),
        });
      }
      continue;
    }
    problems.push({
      code: "SLUICE_E_CONFIG",
      message: issueMessage(issue, value),
      location: locatePath(source, issue.path, issue.code === "invalid_key"),
    });
  }
  return problems;
}

function issueMessage(issue: z.core.$ZodIssue, value: unknown): string {
  const where = formatPath(issue.path);
  const missing = valueAt(value, issue.path) === undefined;
  if (issue.path.length === 0 && (value === null || value === undefined)) {
    return "the file is empty; it needs at least `version: 1`";
  }
  if (issue.code === "invalid_union" && issue.discriminator !== undefined && "options" in issue) {
    // A variant whose discriminator has a default (target `type: process`) lists undefined too.
    const options = (issue.options ?? [])
      .filter((o) => o !== undefined)
      .map((o) => JSON.stringify(o))
      .join(", ");
    return `${where}: ${missing ? "is required; " : ""}must be one of ${options}`;
  }
  if (missing && (issue.code === "invalid_type" || issue.code === "invalid_value")) {
    return `${where}: is required`;
  }
  if (issue.code === "invalid_type") {
    const expected = typeNames[issue.expected] ?? issue.expected;
    return `${where === "" ? "the file" : where}: expected ${expected}, got ${describe(valueAt(value, issue.path))}`;
  }
  if (issue.code === "invalid_key") {
    const detail = issue.issues[0]?.message ?? issue.message;
    return `${where}: invalid name: ${detail}`;
  }
  return where === "" ? issue.message : `${where}: ${issue.message}`;
}

function unknownKeyMessage(path: readonly PropertyKey[], key: string, allowed: string[]): string {
  const where = path.length === 0 ? "" : ` in ${formatPath(path)}`;
  const suggestion = closestName(key, allowed);
  const hint = suggestion
    ? `; did you mean "${suggestion}"?`
    : allowed.length > 0
      ? ` (allowed: ${allowed.join(", ")})`
      : "";
  return `unknown key "${key}"${where}${hint}`;
}

// Zod's type names (record, object) mean little to someone editing YAML.
const typeNames: Record<string, string> = {
  object: "a mapping (key: value)",
  record: "a mapping (key: value)",
  array: "a list",
  string: "a string",
  number: "a number",
  int: "a whole number",
  boolean: "true or false",
};

function describe(value: unknown): string {
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string")
    return `the string ${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)}`;
  return `${typeof value} ${String(value)}`;
}

/** `workflows.paths[1]`, `env["A.B"]`: how a path is written in messages. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = "";
  for (const segment of path) {
    if (typeof segment === "number") out += `[${segment}]`;
    else if (/^[A-Za-z_][A-Za-z0-9_-]*$/.test(String(segment)))
      out += `${out === "" ? "" : "."}${String(segment)}`;
    else out += `[${JSON.stringify(String(segment))}]`;
  }
  return out;
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  let current = value;
  for (const segment of path) {
    if (typeof current !== "object" || current === null) return undefined;
    current = (current as Record<PropertyKey, unknown>)[segment];
  }
  return current;
}

/** The keys an object schema at `path` accepts (the union of all options for a union). */
function allowedKeys(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let candidates: z.ZodType[] = [schema];
  for (const segment of path) {
    candidates = candidates
      .flatMap((s) => objectsIn(s))
      .flatMap((o) => {
        const next = o.shape[String(segment)] as z.ZodType | undefined;
        return next ? [next] : [];
      });
  }
  return [...new Set(candidates.flatMap((s) => objectsIn(s)).flatMap((o) => Object.keys(o.shape)))];
}

// Looks through the wrappers that defaults and unions put around object schemas.
function objectsIn(schema: z.ZodType): z.ZodObject[] {
  if (schema instanceof z.ZodObject) return [schema];
  if (schema instanceof z.ZodDefault || schema instanceof z.ZodPrefault || schema instanceof z.ZodOptional) {
    return objectsIn(schema.unwrap() as z.ZodType);
  }
  if (schema instanceof z.ZodUnion) return (schema.options as z.ZodType[]).flatMap((o) => objectsIn(o));
  return [];
}
