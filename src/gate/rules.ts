/**
 * Gate rules. A rule is one expression over the metrics model: either a threshold
 * (`coverage.lines >= 80`, read directly so results say "actual vs expected"), or any CEL expression
 * (`vulnerabilities.critical + vulnerabilities.high == 0`, `perf.p95 <= baseline.perf.p95 * 1.05`).
 */
import { parse } from "@marcbachmann/cel-js";
import { createError } from "../core/errors";
import { unknownMetric } from "./metric-keys";

export type Severity = "fail" | "warn";
export type Comparator = ">=" | "<=" | ">" | "<" | "==" | "!=";

export interface GateRule {
  /** Shown in results; defaults to the expression. Later rules with the same name replace earlier ones. */
  name: string;
  expression: string;
  severity: Severity;
  description?: string;
}

export type CompiledRule =
  | { kind: "threshold"; rule: GateRule; metric: string; op: Comparator; value: number }
  | { kind: "cel"; rule: GateRule; evaluate: (vars: Record<string, unknown>) => unknown; paths: string[] };

const THRESHOLD =
  /^\s*([A-Za-z_][\w]*(?:\.[A-Za-z_][\w]*)+)\s*(>=|<=|==|!=|>|<)\s*(-?\d+(?:\.\d+)?)\s*%?\s*$/;
// Dotted paths a CEL rule reads, so a result can show the values it saw.
const PATH = /\b([A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+)\b/g;

/**
 * Compiles a rule; a syntax error, or a metric name that is not one (`tests.faild`), is a
 * SLUICE_E_GATE_RULE naming the rule (config validation calls this too, so bad rules are caught with
 * their location before anything runs).
 */
export function compileRule(rule: GateRule): CompiledRule {
  const m = THRESHOLD.exec(rule.expression);
  if (m) {
    checkMetric(rule, m[1]!);
    return { kind: "threshold", rule, metric: m[1]!, op: m[2] as Comparator, value: Number(m[3]) };
  }
  const source = doubleLiterals(rule.expression);
  let evaluate: (vars: Record<string, unknown>) => unknown;
  try {
    evaluate = parse(source) as unknown as (vars: Record<string, unknown>) => unknown;
  } catch (cause) {
    const detail = cause instanceof Error ? cause.message.split("\n")[0] : String(cause);
    throw createError("SLUICE_E_GATE_RULE", `rule "${rule.name}": ${detail}`, { cause });
  }
  const paths = [...new Set([...stripStrings(rule.expression).matchAll(PATH)].map((x) => x[1]!))];
  for (const p of paths) checkMetric(rule, p);
  return { kind: "cel", rule, evaluate, paths };
}

function checkMetric(rule: GateRule, dotted: string): void {
  const problem = unknownMetric(dotted);
  if (problem !== undefined) throw createError("SLUICE_E_GATE_RULE", `rule "${rule.name}": ${problem}`);
}

/**
 * Metrics are doubles, and CEL has no implicit int→double conversion (`double - int` has no
 * overload), so integer literals outside strings are rewritten as doubles: `x - 1` → `x - 1.0`.
 */
export function doubleLiterals(expr: string): string {
  let out = "";
  let i = 0;
  while (i < expr.length) {
    const c = expr[i]!;
    if (c === '"' || c === "'") {
      const end = closingQuote(expr, i);
      out += expr.slice(i, end);
      i = end;
      continue;
    }
    const prev = i > 0 ? expr[i - 1]! : "";
    if (/\d/.test(c) && !/[\w.]/.test(prev)) {
      let j = i;
      while (j < expr.length && /\d/.test(expr[j]!)) j++;
      const next = expr[j] ?? "";
      // 1.5, 1e3, 0x1F, 1u and identifiers starting with digits stay as written.
      if (next === "." || /[\weExXuU]/.test(next)) {
        while (j < expr.length && /[\w.]/.test(expr[j]!)) j++;
        out += expr.slice(i, j);
      } else {
        out += `${expr.slice(i, j)}.0`;
      }
      i = j;
      continue;
    }
    out += c;
    i++;
  }
  return out;
}

function closingQuote(s: string, start: number): number {
  const q = s[start]!;
  let i = start + 1;
  while (i < s.length && s[i] !== q) i += s[i] === "\\" ? 2 : 1;
  return Math.min(i + 1, s.length);
}

function stripStrings(expr: string): string {
  return expr.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'/g, '""');
}

/** Normalises config rules (a string, or `{rule, severity, name, description}`) into GateRules. */
export function toGateRule(
  input: string | { rule: string; severity?: Severity; name?: string; description?: string },
): GateRule {
  if (typeof input === "string") return { name: input.trim(), expression: input.trim(), severity: "fail" };
  return {
    name: (input.name ?? input.rule).trim(),
    expression: input.rule.trim(),
    severity: input.severity ?? "fail",
    description: input.description,
  };
}

/** Merges rule lists: a later rule with the same name replaces the earlier one, in place. */
export function mergeRules(...lists: GateRule[][]): GateRule[] {
  const out: GateRule[] = [];
  for (const rule of lists.flat()) {
    const i = out.findIndex((r) => r.name === rule.name);
    if (i >= 0) out[i] = rule;
    else out.push(rule);
  }
  return out;
}
