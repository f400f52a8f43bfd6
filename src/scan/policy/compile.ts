/**
 * Validating and compiling policy rules. Each (target, scope) has its own CEL environment declaring
 * exactly the variables its objects provide, so a misspelt variable is an error when `sluice.yml` is
 * loaded, not a silent "no findings" at scan time. Optional chaining (`a.?b.orValue(x)`) is on: it
 * is how Kubernetes' own CEL policies read fields that may be absent.
 */
import { Environment } from "@marcbachmann/cel-js";
import { createError } from "../../core/errors";
import type { Problem, SourceLocation } from "../../core/errors";
import { doubleLiterals } from "../../gate/rules";
import type { ScanSeverity } from "../types";
import { POLICY_SCOPES } from "./types";
import type { CompiledPolicyRule, PolicyScope, PolicyTarget } from "./types";

type Evaluator = (vars: Record<string, unknown>) => unknown;

/** The CEL variables of each scope (each also has `options`). */
export const SCOPE_VARIABLES: Record<PolicyScope, readonly string[]> = {
  container: ["resource", "pod", "container", "containerType", "image"],
  pod: ["resource", "pod"],
  stage: ["dockerfile", "stage"],
  instruction: ["dockerfile", "stage", "instruction"],
  workflow: ["workflow"],
  job: ["workflow", "job"],
  step: ["workflow", "job", "step"],
};

const SEVERITIES: readonly ScanSeverity[] = ["critical", "high", "medium", "low", "info"];
const TARGETS = Object.keys(POLICY_SCOPES) as PolicyTarget[];
const FIELDS = [
  "id",
  "name",
  "description",
  "severity",
  "target",
  "scope",
  "rule",
  "message",
  "field",
  "helpUri",
  "tags",
];
const ID = /^[A-Za-z0-9][\w.-]*$/;
const FIELD_PATH = /^[A-Za-z_$][\w$-]*(?:\[\d+\]|\.[A-Za-z_$][\w$-]*)*$/;
const PLACEHOLDER = /\{\{([\s\S]*?)\}\}/g;

const environments = new Map<PolicyScope, Environment>();

function environmentFor(scope: PolicyScope): Environment {
  let env = environments.get(scope);
  if (!env) {
    env = new Environment({ enableOptionalTypes: true, homogeneousAggregateLiterals: false });
    for (const name of [...SCOPE_VARIABLES[scope], "options"]) env.registerVariable(name, "dyn");
    environments.set(scope, env);
  }
  return env;
}

/**
 * Where a problem with a rule is: one location for the rule, or a function giving the location of
 * one of its fields (`"rule"`, `"severity"`…) so that editors jump to the faulty line.
 */
export type RuleLocator = SourceLocation | ((field?: string) => SourceLocation | undefined);

/**
 * Validates and compiles a rule (from the built-in pack or `sluice.yml`). Every problem found is
 * collected; if any, throws SLUICE_E_POLICY at the first one's location, the rest in `problems`.
 * YAML numbers are doubles and CEL has no int→double conversion, so integer literals are read as
 * doubles (`doubleLiterals`, shared with gate rules).
 */
export function compilePolicyRule(input: unknown, where?: RuleLocator): CompiledPolicyRule {
  const locate = (field?: string): SourceLocation | undefined =>
    typeof where === "function" ? (where(field) ?? where()) : where;
  const problems: Problem[] = [];
  const fail = (field: string | undefined, message: string): void => {
    problems.push({ code: "SLUICE_E_POLICY", message, location: locate(field) });
  };
  if (typeof input !== "object" || input === null || Array.isArray(input)) {
    fail(undefined, "a policy rule must be a mapping with id, target and rule");
    throw located(problems, "policy rule");
  }
  const r = input as Record<string, unknown>;
  const label = typeof r.id === "string" && r.id !== "" ? `policy rule "${r.id}"` : "policy rule";
  for (const key of Object.keys(r)) if (!FIELDS.includes(key)) fail(key, `unknown field "${key}"`);
  if (typeof r.id !== "string" || !ID.test(r.id)) fail("id", "id must be a word of letters, digits, . _ -");
  const target = r.target as PolicyTarget;
  if (!TARGETS.includes(target)) fail("target", `target must be one of ${TARGETS.join(", ")}`);
  const scopes = POLICY_SCOPES[target] ?? [];
  const scope = (r.scope ?? scopes[0]) as PolicyScope;
  if (scopes.length > 0 && !scopes.includes(scope)) {
    fail("scope", `scope of a ${target} rule must be one of ${scopes.join(", ")}`);
  }
  const severity = (r.severity ?? "medium") as ScanSeverity;
  if (!SEVERITIES.includes(severity)) fail("severity", `severity must be one of ${SEVERITIES.join(", ")}`);
  for (const key of ["name", "description", "message", "helpUri"]) {
    if (r[key] !== undefined && typeof r[key] !== "string") fail(key, `${key} must be a string`);
  }
  if (r.tags !== undefined && !(Array.isArray(r.tags) && r.tags.every((t) => typeof t === "string"))) {
    fail("tags", "tags must be a list of strings");
  }
  const fields = r.field === undefined ? [] : Array.isArray(r.field) ? r.field : [r.field];
  if (!fields.every((f) => typeof f === "string" && FIELD_PATH.test(f))) {
    fail("field", "field must be a path such as securityContext.privileged, or a list of them");
  }
  // Without a valid scope there is no environment to check the expressions against.
  const canCompile = TARGETS.includes(target) && scopes.includes(scope);
  let test: Evaluator | undefined;
  if (typeof r.rule !== "string" || r.rule.trim() === "") fail("rule", "rule must be a CEL expression");
  else if (canCompile) test = compileExpression(r.rule, scope, (m) => fail("rule", m), true);
  const name = typeof r.name === "string" && r.name !== "" ? r.name : String(r.id);
  const message = typeof r.message === "string" && r.message !== "" ? r.message : name;
  const parts = canCompile ? compileMessage(message, scope, (m) => fail("message", m)) : [];
  if (problems.length > 0 || !test) throw located(problems, label);
  return {
    id: r.id as string,
    name,
    description: typeof r.description === "string" ? r.description : "",
    severity,
    target,
    scope,
    rule: r.rule as string,
    message,
    fields: fields as string[],
    ...(typeof r.helpUri === "string" ? { helpUri: r.helpUri } : {}),
    ...(Array.isArray(r.tags) ? { tags: r.tags as string[] } : {}),
    test,
    render: (vars) => parts.map((p) => (typeof p === "string" ? p : renderValue(p, vars))).join(""),
  };
}

function located(problems: Problem[], label: string) {
  const first = problems[0]!;
  return createError("SLUICE_E_POLICY", `${label}: ${first.message}`, { location: first.location, problems });
}

function compileExpression(
  source: string,
  scope: PolicyScope,
  fail: (message: string) => void,
  mustBeBool: boolean,
): Evaluator | undefined {
  const env = environmentFor(scope);
  try {
    const parsed = env.parse(policyLiterals(source));
    const checked = parsed.check();
    if (!checked.valid) {
      fail(firstLine(checked.error));
      return undefined;
    }
    if (mustBeBool && checked.type !== "bool" && checked.type !== "dyn") {
      fail(`the expression gives ${checked.type}, not bool (true when the object violates the policy)`);
      return undefined;
    }
    return parsed as unknown as Evaluator;
  } catch (err) {
    fail(firstLine(err));
    return undefined;
  }
}

// "Literal text {{ expr }} more text" → ["Literal text ", evaluator, " more text"].
function compileMessage(
  message: string,
  scope: PolicyScope,
  fail: (m: string) => void,
): Array<string | Evaluator> {
  const parts: Array<string | Evaluator> = [];
  let last = 0;
  for (const m of message.matchAll(PLACEHOLDER)) {
    parts.push(message.slice(last, m.index));
    const evaluate = compileExpression(m[1]!, scope, (e) => fail(`in {{${m[1]}}}: ${e}`), false);
    parts.push(evaluate ?? "?");
    last = m.index + m[0].length;
  }
  parts.push(message.slice(last));
  return parts.filter((p) => p !== "");
}

function renderValue(evaluate: Evaluator, vars: Record<string, unknown>): string {
  try {
    const value = evaluate(vars);
    if (typeof value === "string") return value;
    if (typeof value === "number" || typeof value === "bigint" || typeof value === "boolean")
      return String(value);
    return JSON.stringify(value, (_, v: unknown) => (typeof v === "bigint" ? Number(v) : v)) ?? "?";
  } catch {
    return "?";
  }
}

/**
 * `doubleLiterals`, then list indexes put back to ints: the type checker rejects `split(":")[0.0]`,
 * and an index is never arithmetic on a YAML number. An index follows its operand directly
 * (`x[0]`); a list literal follows an operator or a space (`x in [0]`) and stays doubles.
 */
export function policyLiterals(source: string): string {
  // Odd-indexed parts are string literals, which stay as written.
  return doubleLiterals(source)
    .split(/("(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*')/)
    .map((part, i) => (i % 2 === 1 ? part : part.replace(/(?<=[\w\])])\[(\d+)\.0\]/g, "[$1]")))
    .join("");
}

/** The first line of an error's message (CEL errors append a caret diagram). */
export function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n")[0]!.trim();
}
