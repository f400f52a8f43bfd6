/**
 * Typed inputs of workflow_dispatch and workflow_call: defaults, required checks and coercion to
 * the declared type (string, boolean, number, choice, environment), as GitHub does.
 */
import { createError } from "../core/errors";

export interface InputSpec {
  type?: string;
  required?: boolean;
  default?: unknown;
  options?: string[];
  description?: string;
}

/**
 * Returns the `inputs` context: every declared input (given, or its default, or the type's empty
 * value), typed. Unknown or ill-typed inputs throw SLUICE_E_INPUT naming the input.
 */
export function coerceInputs(
  specs: Record<string, InputSpec>,
  given: Record<string, unknown>,
  where: string,
): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const problems: string[] = [];
  const lowerSpecs = new Map(Object.keys(specs).map((k) => [k.toLowerCase(), k]));
  for (const key of Object.keys(given)) {
    if (!lowerSpecs.has(key.toLowerCase()))
      problems.push(`unknown input "${key}" (declared: ${Object.keys(specs).join(", ") || "none"})`);
  }
  const givenLower = new Map(Object.entries(given).map(([k, v]) => [k.toLowerCase(), v]));
  for (const [name, spec] of Object.entries(specs)) {
    const raw = givenLower.has(name.toLowerCase())
      ? givenLower.get(name.toLowerCase())
      : defaultValue(spec.default);
    if (raw === undefined) {
      if (spec.required) problems.push(`input "${name}" is required`);
      out[name] = spec.type === "boolean" ? false : spec.type === "number" ? 0 : "";
      continue;
    }
    const v = coerce(name, spec, raw, problems);
    if (v !== undefined) out[name] = v;
  }
  if (problems.length > 0) throw createError("SLUICE_E_INPUT", `${where}: ${problems.join("; ")}`);
  return out;
}

/** Why `raw` is no valid value of the input, or undefined: the run-time rule, for load-time literals. */
export function inputValueProblem(name: string, spec: InputSpec, raw: unknown): string | undefined {
  const problems: string[] = [];
  coerce(name, spec, raw, problems);
  return problems[0];
}

function defaultValue(d: unknown): unknown {
  if (d && typeof d === "object" && "toJSON" in d) return (d as { toJSON(): unknown }).toJSON();
  return d;
}

function coerce(name: string, spec: InputSpec, raw: unknown, problems: string[]): unknown {
  switch (spec.type ?? "string") {
    case "boolean":
      if (typeof raw === "boolean") return raw;
      if (raw === "true" || raw === "false") return raw === "true";
      problems.push(`input "${name}" must be a boolean (true or false), got "${String(raw)}"`);
      return undefined;
    case "number": {
      const n = typeof raw === "number" ? raw : Number(raw);
      if (typeof raw !== "number" && (String(raw).trim() === "" || Number.isNaN(n))) {
        problems.push(`input "${name}" must be a number, got "${String(raw)}"`);
        return undefined;
      }
      return n;
    }
    case "choice":
      if (spec.options && !spec.options.includes(String(raw))) {
        problems.push(`input "${name}" must be one of ${spec.options.join(", ")}, got "${String(raw)}"`);
        return undefined;
      }
      return String(raw);
    default:
      return typeof raw === "string" ? raw : String(raw);
  }
}
