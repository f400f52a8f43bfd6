/**
 * Built-in Kubernetes rules, after the Pod Security Standards ("restricted" and "baseline") and
 * the usual hardening checks. Each expression is true when the object violates the rule. Container
 * settings override pod settings (`securityContext.runAsNonRoot` on the container wins), as the
 * kubelet applies them.
 */
import type { PolicyRuleInput } from "../types";

const PSS = "https://kubernetes.io/docs/concepts/security/pod-security-standards/";
const tags = ["kubernetes", "security"];

// Effective securityContext field: the container's, else the pod's, else `fallback`.
const effective = (field: string, fallback: string): string =>
  `container.?securityContext.?${field}.orValue(pod.?securityContext.?${field}.orValue(${fallback}))`;

/** Built-in rules for Kubernetes workloads. */
export const kubernetesRules: PolicyRuleInput[] = [
  {
    id: "k8s-run-as-non-root",
    name: "Container may run as root",
    description:
      "Containers must run as a non-root user: runAsNonRoot: true or a non-zero runAsUser (container or pod securityContext), and never runAsUser: 0.",
    severity: "high",
    target: "kubernetes",
    rule: `cel.bind(uid, ${effective("runAsUser", "-1")}, uid == 0 || (uid < 0 && ${effective("runAsNonRoot", "false")} != true))`,
    message: 'container "{{ container.name }}" of {{ resource.kind }} "{{ resource.name }}" may run as root',
    field: ["securityContext.runAsUser", "securityContext.runAsNonRoot", "securityContext"],
    helpUri: PSS,
    tags,
  },
  {
    id: "k8s-privileged",
    name: "Privileged container",
    description:
      "A privileged container has every capability and the host's devices: it can take over the node.",
    severity: "critical",
    target: "kubernetes",
    rule: "container.?securityContext.?privileged.orValue(false) == true",
    message: 'container "{{ container.name }}" of {{ resource.kind }} "{{ resource.name }}" runs privileged',
    field: "securityContext.privileged",
    helpUri: PSS,
    tags,
  },
  {
    id: "k8s-allow-privilege-escalation",
    name: "Privilege escalation allowed",
    description:
      "allowPrivilegeEscalation defaults to true, letting setuid binaries gain privileges; set it to false explicitly.",
    severity: "high",
    target: "kubernetes",
    rule: "container.?securityContext.?allowPrivilegeEscalation.orValue(true) != false",
    message: 'container "{{ container.name }}" does not set securityContext.allowPrivilegeEscalation: false',
    field: ["securityContext.allowPrivilegeEscalation", "securityContext"],
    helpUri: PSS,
    tags,
  },
  {
    id: "k8s-read-only-root-filesystem",
    name: "Writable root filesystem",
    description:
      "A read-only root filesystem stops an intruder from altering binaries; mount emptyDir volumes where the app must write.",
    severity: "medium",
    target: "kubernetes",
    rule: "container.?securityContext.?readOnlyRootFilesystem.orValue(false) != true",
    message: 'container "{{ container.name }}" does not set securityContext.readOnlyRootFilesystem: true',
    field: ["securityContext.readOnlyRootFilesystem", "securityContext"],
    tags,
  },
  {
    id: "k8s-resource-limits",
    name: "Missing CPU or memory limit",
    description: "Without CPU and memory limits one container can starve every other workload on its node.",
    severity: "medium",
    target: "kubernetes",
    // Ephemeral (debug) containers cannot have resources.
    rule: 'containerType != "ephemeralContainer" && !(container.?resources.?limits.?cpu.hasValue() && container.?resources.?limits.?memory.hasValue())',
    message:
      'container "{{ container.name }}" lacks a CPU or memory limit (resources.limits.cpu and .memory)',
    field: ["resources.limits", "resources"],
    tags,
  },
  {
    id: "k8s-image-tag",
    name: "Image not pinned to a version",
    description:
      "An image without a tag, or tagged latest, changes under the workload: deploys stop being reproducible and rollbacks stop rolling back. Pin a version tag or a digest.",
    severity: "medium",
    target: "kubernetes",
    rule: 'image.repository != "" && image.digest == "" && (image.tag == "" || image.tag == "latest")',
    message:
      'container "{{ container.name }}" uses image "{{ container.image }}" without a version tag or digest',
    field: "image",
    tags,
  },
  {
    id: "k8s-drop-all-capabilities",
    name: "Capabilities not dropped",
    description: "Containers should drop ALL Linux capabilities and add back only what they need.",
    severity: "medium",
    target: "kubernetes",
    rule: '!container.?securityContext.?capabilities.?drop.orValue([]).exists(c, c == "ALL" || c == "all")',
    message: 'container "{{ container.name }}" does not drop ALL capabilities',
    field: ["securityContext.capabilities.drop", "securityContext.capabilities", "securityContext"],
    helpUri: PSS,
    tags,
  },
  {
    id: "k8s-added-capabilities",
    name: "Capabilities added",
    description: "The restricted Pod Security Standard allows adding only NET_BIND_SERVICE.",
    severity: "high",
    target: "kubernetes",
    rule: 'container.?securityContext.?capabilities.?add.orValue([]).exists(c, c != "NET_BIND_SERVICE")',
    message:
      'container "{{ container.name }}" adds capabilities {{ container.securityContext.capabilities.add.filter(c, c != "NET_BIND_SERVICE") }}',
    field: "securityContext.capabilities.add",
    helpUri: PSS,
    tags,
  },
  {
    id: "k8s-host-namespaces",
    name: "Host namespaces shared",
    description:
      "hostNetwork, hostPID and hostIPC give the pod the node's network, processes or IPC: isolation is gone.",
    severity: "high",
    target: "kubernetes",
    scope: "pod",
    rule: "pod.?hostNetwork.orValue(false) == true || pod.?hostPID.orValue(false) == true || pod.?hostIPC.orValue(false) == true",
    message:
      '{{ resource.kind }} "{{ resource.name }}" shares the host\'s {{ ["hostNetwork", "hostPID", "hostIPC"].filter(k, pod[?k].orValue(false) == true).join(", ") }}',
    field: ["hostNetwork", "hostPID", "hostIPC"],
    helpUri: PSS,
    tags,
  },
  {
    id: "k8s-host-path-volume",
    name: "hostPath volume",
    description: "A hostPath volume exposes the node's filesystem to the pod; use another volume type.",
    severity: "high",
    target: "kubernetes",
    scope: "pod",
    rule: "pod.?volumes.orValue([]).exists(v, has(v.hostPath))",
    message:
      '{{ resource.kind }} "{{ resource.name }}" mounts hostPath volume {{ pod.volumes.filter(v, has(v.hostPath)).map(v, v.?hostPath.?path.orValue("")) }}',
    field: "volumes",
    helpUri: PSS,
    tags,
  },
];
