/**
 * Evaluating a gate: pure function of (rules, metrics, baseline) → a result per rule and a verdict.
 * A rule that cannot be evaluated (a metric no report provided) is an `error`, which fails the gate
 * at fail severity: a gate must never pass because its evidence is missing. So is a rule reading a
 * metric that is unavailable because the tool run feeding it did not complete (`has()` included).
 * Rules reading `baseline.*` are `skipped` until a baseline exists (the first run on a branch has
 * nothing to compare with).
 */
import { compileRule } from "./rules";
import type { Comparator, CompiledRule, GateRule, Severity } from "./rules";
import type { Metrics, UnavailableMetrics } from "./metrics";

export type RuleStatus = "passed" | "failed" | "error" | "skipped";

export interface RuleResult {
  name: string;
  expression: string;
  severity: Severity;
  status: RuleStatus;
  /** The measured value (threshold rules) or the values a CEL rule read, as `path=value` text. */
  actual: string;
  /** What the rule demands, e.g. `>= 80`. */
  expected: string;
  message: string;
  description?: string;
}

export interface GateEvaluation {
  passed: boolean;
  rules: RuleResult[];
  counts: Record<RuleStatus, number> & { warnings: number };
}

export function evaluateGate(
  rules: GateRule[],
  metrics: Metrics,
  baseline: Metrics | null,
  unavailable: readonly UnavailableMetrics[] = [],
): GateEvaluation {
  const results = rules.map((rule) => evaluateRule(compileRule(rule), metrics, baseline, unavailable));
  const counts = { passed: 0, failed: 0, error: 0, skipped: 0, warnings: 0 };
  for (const r of results) {
    counts[r.status] += 1;
    if (r.severity === "warn" && (r.status === "failed" || r.status === "error")) counts.warnings += 1;
  }
  const passed = !results.some(
    (r) => r.severity === "fail" && (r.status === "failed" || r.status === "error"),
  );
  return { passed, rules: results, counts };
}

function evaluateRule(
  compiled: CompiledRule,
  metrics: Metrics,
  baseline: Metrics | null,
  unavailable: readonly UnavailableMetrics[],
): RuleResult {
  const rule = compiled.rule;
  const base = {
    name: rule.name,
    expression: rule.expression,
    severity: rule.severity,
    description: rule.description,
  };
  const vars: Record<string, unknown> = { ...metrics, baseline: baseline ?? {} };
  // Before the baseline check: a rule over a metric nobody could measure fails even on a first run.
  const blocked = unavailableReasons(
    compiled.kind === "cel" ? compiled.paths : [compiled.metric],
    unavailable,
  );
  if (blocked.length > 0) {
    const message = blocked.map((b) => `${b.path}: not available — ${b.reasons.join("; ")}`).join("; ");
    if (compiled.kind === "threshold") {
      const expected = `${compiled.op} ${compiled.value}`;
      return { ...base, status: "error", actual: "not available", expected, message };
    }
    const seen = compiled.paths
      .map((p) => `${p}=${isBlocked(p, blocked) ? "not available" : formatValue(lookup(vars, p))}`)
      .join(", ");
    return { ...base, status: "error", actual: seen, expected: rule.expression, message };
  }
  const readsBaseline =
    compiled.kind === "cel"
      ? compiled.paths.some((p) => p.startsWith("baseline."))
      : compiled.metric.startsWith("baseline.");
  if (readsBaseline && !baseline) {
    return {
      ...base,
      status: "skipped",
      actual: "",
      expected: "",
      message: "no baseline yet: no earlier passing result of this gate on the baseline branch",
    };
  }
  if (compiled.kind === "threshold") {
    const actual = lookup(vars, compiled.metric);
    const expected = `${compiled.op} ${compiled.value}`;
    if (typeof actual !== "number" || Number.isNaN(actual)) {
      return {
        ...base,
        status: "error",
        actual: "no data",
        expected,
        message: missing(compiled.metric, metrics),
      };
    }
    const ok = compare(actual, compiled.op, compiled.value);
    return {
      ...base,
      status: ok ? "passed" : "failed",
      actual: formatNumber(actual),
      expected,
      message: ok ? "" : `${compiled.metric} is ${formatNumber(actual)}, expected ${expected}`,
    };
  }
  const seen = compiled.paths.map((p) => `${p}=${formatValue(lookup(vars, p))}`).join(", ");
  const absent = compiled.paths.find(
    (p) => lookup(vars, p) === undefined && !/\bhas\(/.test(rule.expression),
  );
  if (absent)
    return {
      ...base,
      status: "error",
      actual: seen,
      expected: rule.expression,
      message: missing(absent, metrics),
    };
  try {
    const value = compiled.evaluate(vars);
    if (typeof value !== "boolean") {
      return {
        ...base,
        status: "error",
        actual: seen,
        expected: rule.expression,
        message: `the rule must be true or false, it gave ${formatValue(value)}`,
      };
    }
    return {
      ...base,
      status: value ? "passed" : "failed",
      actual: seen,
      expected: rule.expression,
      message: value ? "" : `${rule.expression} is false (${seen})`,
    };
  } catch (err) {
    const detail = err instanceof Error ? err.message.split("\n")[0]! : String(err);
    return { ...base, status: "error", actual: seen, expected: rule.expression, message: detail };
  }
}

interface Blocked {
  path: string;
  group: string;
  reasons: string[];
}

function isBlocked(path: string, blocked: readonly Blocked[]): boolean {
  return blocked.some((b) => b.group === path.split(".")[0]);
}

/**
 * The paths (not `baseline.*`: those come from a recorded result) whose group is unavailable, with
 * why; one path per group, so `a.x + a.y` names the cause once.
 */
function unavailableReasons(paths: readonly string[], unavailable: readonly UnavailableMetrics[]): Blocked[] {
  const out: Blocked[] = [];
  for (const path of paths) {
    const group = path.split(".")[0]!;
    if (group === "baseline" || out.some((o) => o.group === group)) continue;
    const reasons = unavailable.filter((u) => u.groups.includes(group)).map((u) => u.reason);
    if (reasons.length > 0) out.push({ path, group, reasons });
  }
  return out;
}

/**
 * Why a rule has no value for `path`: the baseline result lacks it, the group is there without that
 * figure (a report with no branch data), or nothing provided the group at all.
 */
function missing(path: string, metrics: Metrics): string {
  const inBaseline = path.startsWith("baseline.");
  const metric = path.replace(/^baseline\./, "");
  const [group, key] = metric.split(".") as [string, string | undefined];
  if (inBaseline) {
    return `no value for ${path}: the baseline result has no ${metric} (it was recorded without that figure)`;
  }
  const values = metrics[group];
  if (values && key !== undefined) {
    const has = Object.keys(values).filter((k) => values[k] !== undefined);
    return `no value for ${path}: the reports have no ${key} data for ${group} (${group} has: ${has.join(", ") || "nothing"})`;
  }
  return `no value for ${path}: no report or computed metric provided ${group} figures`;
}

export function lookup(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const key of path.split(".")) {
    if (cur === null || typeof cur !== "object") return undefined;
    cur = (cur as Record<string, unknown>)[key];
  }
  return cur;
}

function compare(a: number, op: Comparator, b: number): boolean {
  switch (op) {
    case ">=":
      return a >= b;
    case "<=":
      return a <= b;
    case ">":
      return a > b;
    case "<":
      return a < b;
    case "==":
      return a === b;
    case "!=":
      return a !== b;
  }
}

export function formatNumber(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Math.round(n * 100) / 100);
}

function formatValue(v: unknown): string {
  if (v === undefined) return "no data";
  if (typeof v === "number") return formatNumber(v);
  if (typeof v === "bigint") return v.toString();
  return JSON.stringify(v);
}
