/**
 * Evaluates `${{ }}` expressions with @actions/expressions. The library leaves the host functions to
 * us: status functions (success, failure, cancelled, always) and hashFiles.
 */
import { Evaluator, Lexer, Parser, data } from "@actions/expressions";
import type { Expr } from "@actions/expressions";
import { TokenType } from "@actions/expressions/lexer";
import type { FunctionDefinition } from "@actions/expressions/funcs/info";
import { createError } from "../../core/errors";
import { fromExpressionData, toExpressionData } from "./data";
import type { Json } from "./data";

/** Every context name a workflow may reference. */
export const contextNames = [
  "github",
  "env",
  "vars",
  "secrets",
  "inputs",
  "matrix",
  "strategy",
  "needs",
  "steps",
  "job",
  "jobs",
  "runner",
];

/** Host-provided functions available in the evaluation. */
export interface HostFunctions {
  success(): boolean;
  failure(): boolean;
  cancelled(): boolean;
  hashFiles(patterns: string[]): string;
}

/**
 * Host functions where no step context exists (workflow env, concurrency, job outputs, reusable
 * `with:`): status functions report an unfailed run, hashFiles is unavailable (GitHub allows it only
 * in steps) and yields ''.
 */
export function runLevelHost(cancelled: () => boolean = () => false): HostFunctions {
  return { success: () => !cancelled(), failure: () => false, cancelled, hashFiles: () => "" };
}

const hostFunctionInfo = [
  { name: "success", minArgs: 0, maxArgs: 0 },
  { name: "failure", minArgs: 0, maxArgs: 0 },
  { name: "cancelled", minArgs: 0, maxArgs: 0 },
  { name: "always", minArgs: 0, maxArgs: 0 },
  { name: "hashFiles", minArgs: 1, maxArgs: 255 },
];

// Workflows evaluate the same few expressions many times (per matrix cell, per step); parse once.
const parsedCache = new Map<string, Parsed>();

interface Parsed {
  expr: Expr;
  /** Every identifier in the expression, lower-cased: a superset of the contexts it reads. */
  names: Set<string>;
}

export function parseExpression(expression: string): Expr {
  return parse(expression).expr;
}

function parse(expression: string): Parsed {
  let parsed = parsedCache.get(expression);
  if (!parsed) {
    const tokens = new Lexer(expression).lex().tokens;
    // @actions/expressions 0.3.x unescapes only the first '' of a string literal; redo it properly.
    for (const t of tokens)
      if (t.type === TokenType.STRING) t.value = t.lexeme.slice(1, -1).replaceAll("''", "'");
    const names = new Set<string>();
    for (const t of tokens) if (t.type === TokenType.IDENTIFIER) names.add(t.lexeme.toLowerCase());
    parsed = { expr: new Parser(tokens, contextNames, hostFunctionInfo).parse(), names };
    if (parsedCache.size > 10_000) parsedCache.clear();
    parsedCache.set(expression, parsed);
  }
  return parsed;
}

/**
 * Evaluates one expression (without the `${{ }}` markers) against contexts given as plain data.
 * Throws SLUICE_E_EXPRESSION_EVAL with the expression in the message when evaluation fails.
 */
export function evaluateExpression(
  expression: string,
  contexts: Record<string, unknown>,
  host: HostFunctions,
): Json {
  try {
    const { expr, names } = parse(expression);
    const dict = new data.Dictionary();
    // Only the contexts the expression names: converting them all (the github context carries the
    // whole event payload) for every `if: success()` was a large part of a step's cost.
    for (const [k, v] of Object.entries(contexts)) {
      if (names.has(k.toLowerCase())) dict.add(k, toExpressionData(v));
    }
    return fromExpressionData(new Evaluator(expr, dict, functionMap(host)).evaluate());
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message : String(cause);
    throw createError("SLUICE_E_EXPRESSION_EVAL", `cannot evaluate \${{ ${expression} }}: ${detail}`, {
      cause,
    });
  }
}

function functionMap(host: HostFunctions): Map<string, FunctionDefinition> {
  const bool = (f: () => boolean) => () => new data.BooleanData(f());
  const fns: FunctionDefinition[] = [
    { name: "success", minArgs: 0, maxArgs: 0, call: bool(() => host.success()) },
    { name: "failure", minArgs: 0, maxArgs: 0, call: bool(() => host.failure()) },
    { name: "cancelled", minArgs: 0, maxArgs: 0, call: bool(() => host.cancelled()) },
    { name: "always", minArgs: 0, maxArgs: 0, call: bool(() => true) },
    {
      name: "hashFiles",
      minArgs: 1,
      maxArgs: 255,
      call: (...args) => new data.StringData(host.hashFiles(args.map((a) => a.coerceString()))),
    },
  ];
  return new Map(fns.map((f) => [f.name.toLowerCase(), f]));
}
