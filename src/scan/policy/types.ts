/**
 * Policy as code: the shapes shared by the input parsers (Kubernetes manifests, Dockerfiles, GitHub
 * workflows), the rule compiler and the evaluator.
 *
 * Convention: a rule's CEL expression is true when the object VIOLATES the policy (a "deny" rule, as
 * in conftest). It reads as the thing to look for — `container.securityContext.privileged == true` —
 * and every finding is one object for which it held.
 */
import type { ScanSeverity } from "../types";

/** What kind of file a rule applies to. */
export type PolicyTarget = "kubernetes" | "dockerfile" | "workflow";

/**
 * Which objects of its target a rule is evaluated on, once each. Defaults: `container`, `stage`, `step`.
 * - kubernetes: `container` (every container, init and ephemeral container of every pod spec), `pod`.
 * - dockerfile: `stage` (every `FROM` section), `instruction` (every instruction, global `ARG`s too).
 * - workflow: `step`, `job`, `workflow` (the file).
 */
export type PolicyScope = "container" | "pod" | "stage" | "instruction" | "step" | "job" | "workflow";

/** The scopes of each target, the default first. */
export const POLICY_SCOPES: Record<PolicyTarget, readonly PolicyScope[]> = {
  kubernetes: ["container", "pod"],
  dockerfile: ["stage", "instruction"],
  workflow: ["step", "job", "workflow"],
};

/** A one-based line and column in a source file. */
export interface Position {
  line: number;
  column: number;
}

/**
 * Positions of the nodes of a parsed file, keyed by their path: dotted keys and `[n]` indexes
 * (`spec.template.spec.containers[0].image`); keys that are not plain identifiers are written
 * `["app.kubernetes.io/name"]`. A mapping value is located at its key.
 */
export type LocationTable = ReadonlyMap<string, Position>;

/**
 * A policy rule as users write it in `sluice.yml` (`policy: { rules: [...] }`) and as the built-in
 * pack declares it. Plain data: `compilePolicyRule` validates it.
 */
export interface PolicyRuleInput {
  /** Stable id (`k8s-privileged`); a user rule with a built-in rule's id replaces it. */
  id: string;
  /** Short title; defaults to the id. */
  name?: string;
  description?: string;
  /** Defaults to `medium`. */
  severity?: ScanSeverity;
  target: PolicyTarget;
  /** Defaults to the target's first scope (see `PolicyScope`). */
  scope?: PolicyScope;
  /** CEL expression over the scope's variables, TRUE WHEN THE OBJECT VIOLATES the policy. */
  rule: string;
  /**
   * The finding's one-line message; `{{ expr }}` placeholders are CEL over the same variables
   * (`container "{{ container.name }}" runs privileged`). Defaults to the name.
   */
  message?: string;
  /**
   * Where to point the finding: a path relative to the object (`securityContext.privileged`), or
   * several, the first one present in the file winning. The object itself when none is present.
   */
  field?: string | string[];
  helpUri?: string;
  tags?: string[];
}

/** A validated rule, ready for `evaluatePolicy`. */
export interface CompiledPolicyRule {
  id: string;
  name: string;
  description: string;
  severity: ScanSeverity;
  target: PolicyTarget;
  scope: PolicyScope;
  rule: string;
  message: string;
  fields: string[];
  helpUri?: string;
  tags?: string[];
  /** Evaluates the expression; may throw (a missing key read without `has()` or `.?`). */
  test: (vars: Record<string, unknown>) => unknown;
  /** Renders the message; a placeholder that fails renders as `?`, never throws. */
  render: (vars: Record<string, unknown>) => string;
}

/** Settings the built-in rules read as `options.*`. */
export interface PolicyOptions {
  /**
   * Owners whose actions may be referenced by tag or branch instead of a full commit SHA
   * (`workflow-unpinned-action`). Defaults to `["actions"]`, GitHub's first-party actions; `[]`
   * requires every remote action to be pinned.
   */
  trustedActionOwners?: string[];
}

/** One object a rule is evaluated on. */
export interface PolicySubject {
  target: PolicyTarget;
  scope: PolicyScope;
  /** Relative to the scanned root, POSIX separators. */
  file: string;
  /**
   * Logical identity of the object within the file (`Deployment/default/web/containers/app`,
   * `stage:build/ADD#1`, `jobs.test.steps[checkout]`): names rather than lines or indexes where the
   * file gives names, so fingerprints survive edits elsewhere in the file.
   */
  object: string;
  /** Path of the object in `locations` (`""` for the document root). */
  locationPath: string;
  position: Position;
  locations: LocationTable;
  /** The CEL variables for this scope. */
  vars: Record<string, unknown>;
}
