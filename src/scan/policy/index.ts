/**
 * Policy as code: CEL rules over Kubernetes manifests, Dockerfiles and GitHub workflows. A rule's
 * expression is true when the object violates it.
 */
export { compilePolicyRule, policyLiterals, SCOPE_VARIABLES } from "./compile";
export type { RuleLocator } from "./compile";
export { classifyPolicyFiles, discoverPolicyFiles } from "./discover";
export type { PolicyCandidate } from "./discover";
export { readDockerfile } from "./dockerfile";
export type { DockerfileInput, DockerStage, StageBase } from "./dockerfile";
export { parseDockerfile } from "./dockerfile-parse";
export type { DockerInstruction, ParsedDockerfile } from "./dockerfile-parse";
export { DEFAULT_POLICY_OPTIONS, evaluatePolicy, policyFingerprint, policySubjects } from "./evaluate";
export type { PolicyInput } from "./evaluate";
export { parseImageRef } from "./image-ref";
export type { ImageRef } from "./image-ref";
export { mayBeKubernetes, parseKubernetes } from "./kubernetes";
export type { ContainerRef, KubernetesInput, KubernetesResource, PodSpecRef } from "./kubernetes";
export { builtinPolicyRules, compiledBuiltinRules } from "./rules/index";
export { parseCandidate, scanPolicy, selectPolicyRules } from "./scan";
export type { ScanPolicyOptions } from "./scan";
export { POLICY_SCOPES } from "./types";
export type {
  CompiledPolicyRule,
  LocationTable,
  PolicyOptions,
  PolicyRuleInput,
  PolicyScope,
  PolicySubject,
  PolicyTarget,
  Position,
} from "./types";
export { parseWorkflow } from "./workflow";
export type { ActionRef, WorkflowInput, WorkflowJob, WorkflowStep } from "./workflow";
