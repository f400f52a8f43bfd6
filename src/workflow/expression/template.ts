/** Evaluates template tokens (literals, mappings, sequences, `${{ }}`) into plain values. */
import { isBasicExpression, isMapping, isSequence, isLiteral } from "@actions/workflow-parser";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/index";
import { createError } from "../../core/errors";
import { coerceToString } from "./data";
import type { Json } from "./data";
import { evaluateExpression } from "./evaluate";
import { expressionOf } from "./multiline";
import type { HostFunctions } from "./evaluate";

export interface EvalScope {
  contexts: Record<string, unknown>;
  host: HostFunctions;
}

export function evaluateToken(token: TemplateToken | undefined, scope: EvalScope): Json {
  if (!token) return null;
  if (isBasicExpression(token)) return evaluateExpression(expressionOf(token), scope.contexts, scope.host);
  if (isLiteral(token)) return token.toJSON() as Json;
  if (isSequence(token)) {
    const out: Json[] = [];
    for (let i = 0; i < token.count; i++) out.push(evaluateToken(token.get(i), scope));
    return out;
  }
  if (isMapping(token)) {
    const out: Record<string, Json> = {};
    for (const pair of token)
      out[coerceToString(evaluateToken(pair.key, scope))] = evaluateToken(pair.value, scope);
    return out;
  }
  throw createError(
    "SLUICE_E_EXPRESSION_EVAL",
    "`${{ insert }}` and other template directives are not supported here",
  );
}

export function evaluateString(token: TemplateToken | undefined, scope: EvalScope): string | undefined {
  if (!token) return undefined;
  return coerceToString(evaluateToken(token, scope));
}

/** A mapping evaluated to string values (env, with, outputs); a non-mapping result is an error. */
export function evaluateStringMap(
  token: TemplateToken | undefined,
  scope: EvalScope,
): Record<string, string> {
  if (!token) return {};
  const value = evaluateToken(token, scope);
  if (value === null) return {};
  if (typeof value !== "object" || Array.isArray(value)) {
    throw createError(
      "SLUICE_E_EXPRESSION_EVAL",
      `expected a mapping, got ${Array.isArray(value) ? "an array" : typeof value}`,
    );
  }
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(value)) out[k] = coerceToString(v);
  return out;
}
