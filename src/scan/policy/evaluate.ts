/**
 * Pure policy evaluation: parsed inputs × compiled rules → findings. Each rule runs once per object
 * of its scope; an expression that is true means the object violates the rule.
 */
import { createHash } from "node:crypto";
import type { ScanFinding } from "../types";
import { firstLine } from "./compile";
import { dockerfileSubjects } from "./dockerfile";
import type { DockerfileInput } from "./dockerfile";
import { kubernetesSubjects } from "./kubernetes";
import type { KubernetesInput } from "./kubernetes";
import type { CompiledPolicyRule, PolicyOptions, PolicyScope, PolicySubject, Position } from "./types";
import { workflowSubjects } from "./workflow";
import type { WorkflowInput } from "./workflow";

/** A parsed file of any target. */
export type PolicyInput = KubernetesInput | DockerfileInput | WorkflowInput;

/** GitHub's own actions may float on a tag unless told otherwise (zizmor's default too). */
export const DEFAULT_POLICY_OPTIONS: Required<PolicyOptions> = { trustedActionOwners: ["actions"] };

/** The objects of one scope of one input. */
export function policySubjects(
  input: PolicyInput,
  scope: PolicyScope,
  options: PolicyOptions = {},
): PolicySubject[] {
  const opts: Record<string, unknown> = {
    ...DEFAULT_POLICY_OPTIONS,
    ...options,
    trustedActionOwners: (options.trustedActionOwners ?? DEFAULT_POLICY_OPTIONS.trustedActionOwners).map(
      (o) => o.toLowerCase(),
    ),
  };
  switch (input.target) {
    case "kubernetes":
      return kubernetesSubjects(input, scope, opts);
    case "dockerfile":
      return dockerfileSubjects(input, scope, opts);
    case "workflow":
      return workflowSubjects(input, scope, opts);
  }
}

/**
 * Evaluates every rule on every object of its target and scope. A rule whose expression fails on
 * an object (a missing key read without `has()` or `.?`), or gives something other than a bool,
 * yields a `high` finding saying so with `properties.evaluationError` (and `error`): a broken rule
 * must fail closed, never pass silently. scanPolicy turns those into errors of the result (exit 2).
 * Findings are sorted by file, line, column and rule.
 */
export function evaluatePolicy(
  inputs: readonly PolicyInput[],
  rules: readonly CompiledPolicyRule[],
  options: PolicyOptions = {},
): ScanFinding[] {
  const findings: ScanFinding[] = [];
  for (const input of inputs) {
    const subjects = new Map<PolicyScope, PolicySubject[]>();
    for (const rule of rules) {
      if (rule.target !== input.target) continue;
      let list = subjects.get(rule.scope);
      if (!list) subjects.set(rule.scope, (list = policySubjects(input, rule.scope, options)));
      for (const subject of list) {
        const finding = evaluateRule(rule, subject);
        if (finding) findings.push(finding);
      }
    }
  }
  return findings.sort(
    (a, b) =>
      (a.file ?? "").localeCompare(b.file ?? "") ||
      (a.line ?? 0) - (b.line ?? 0) ||
      (a.column ?? 0) - (b.column ?? 0) ||
      a.ruleId.localeCompare(b.ruleId),
  );
}

function evaluateRule(rule: CompiledPolicyRule, subject: PolicySubject): ScanFinding | null {
  let verdict: unknown;
  let error: string | undefined;
  try {
    verdict = rule.test(subject.vars);
    if (typeof verdict !== "boolean") error = `the rule gave ${describe(verdict)}, not a bool`;
  } catch (err) {
    error = firstLine(err);
  }
  if (error === undefined && verdict !== true) return null;
  const field = error === undefined ? fieldOf(rule, subject) : undefined;
  const at: Position = field?.position ?? subject.position;
  return {
    kind: "policy",
    ruleId: rule.id,
    severity: error === undefined ? rule.severity : "high",
    message:
      error === undefined ? rule.render(subject.vars) : `rule ${rule.id} could not be evaluated: ${error}`,
    file: subject.file,
    line: at.line,
    column: at.column,
    fingerprint: policyFingerprint(rule.id, subject.file, subject.object),
    properties: {
      target: subject.target,
      scope: subject.scope,
      object: subject.object,
      ...(field ? { field: field.path } : {}),
      ...(error === undefined ? {} : { evaluationError: true, error }),
    },
  };
}

// The first of the rule's fields present in the file, located.
function fieldOf(
  rule: CompiledPolicyRule,
  subject: PolicySubject,
): { path: string; position: Position } | undefined {
  for (const field of rule.fields) {
    const path = subject.locationPath === "" ? field : `${subject.locationPath}.${field}`;
    const position = subject.locations.get(path);
    if (position) return { path: field, position };
  }
  return undefined;
}

/**
 * Stable identity of a finding: rule, file and the object's logical path — never its line, so
 * edits elsewhere in the file keep baselines and suppressions valid.
 */
export function policyFingerprint(ruleId: string, file: string, object: string): string {
  return createHash("sha256").update(`${ruleId}\0${file}\0${object}`).digest("hex").slice(0, 32);
}

function describe(value: unknown): string {
  if (value === null || value === undefined) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "a map" : `${typeof value} ${String(value)}`;
}
