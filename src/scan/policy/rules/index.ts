/** The built-in policy pack: every rule Sluice checks unless `policy.disable` names it. */
import { compilePolicyRule } from "../compile";
import type { CompiledPolicyRule, PolicyRuleInput } from "../types";
import { dockerfileRules } from "./dockerfile";
import { kubernetesRules } from "./kubernetes";
import { workflowRules } from "./workflow";

/** The built-in rules as plain data, in target order. */
export const builtinPolicyRules: readonly PolicyRuleInput[] = [
  ...kubernetesRules,
  ...dockerfileRules,
  ...workflowRules,
];

let compiled: CompiledPolicyRule[] | undefined;

/** The built-in rules compiled (once per process: they never change). */
export function compiledBuiltinRules(): CompiledPolicyRule[] {
  compiled ??= builtinPolicyRules.map((rule) => compilePolicyRule(rule, { file: "<built-in policy>" }));
  return compiled;
}
