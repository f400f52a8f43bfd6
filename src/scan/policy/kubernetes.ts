/**
 * Kubernetes manifests → the pod specs and containers that policies are about. Workload kinds nest
 * the pod spec at different depths (a CronJob's is three templates down); normalising here lets one
 * rule cover Pods, Deployments, StatefulSets, DaemonSets, ReplicaSets, Jobs and CronJobs alike.
 */
import { parseImageRef } from "./image-ref";
import { parseYamlDocuments } from "./yaml-documents";
import type { LocationTable, PolicyScope, PolicySubject, Position } from "./types";

/** One object of a manifest (a document, or an item of a `kind: List`). */
export interface KubernetesResource {
  apiVersion: string;
  kind: string;
  name: string;
  namespace: string;
  labels: Record<string, unknown>;
  annotations: Record<string, unknown>;
  /** Zero-based index of the YAML document in the file. */
  document: number;
  /** Location path of the object in its document (`""`, or `items[2]` inside a List). */
  path: string;
  position: Position;
  object: Record<string, unknown>;
  locations: LocationTable;
}

export type ContainerType = "container" | "initContainer" | "ephemeralContainer";

/** A container of a pod spec, with where it sits. */
export interface ContainerRef {
  type: ContainerType;
  index: number;
  name: string;
  /** Location path (`spec.template.spec.containers[0]`). */
  path: string;
  container: Record<string, unknown>;
}

/** A pod spec found in a resource. */
export interface PodSpecRef {
  resource: KubernetesResource;
  /** Location path of the spec (`spec.template.spec`). */
  path: string;
  spec: Record<string, unknown>;
  containers: ContainerRef[];
}

/** A parsed manifest file. */
export interface KubernetesInput {
  target: "kubernetes";
  file: string;
  resources: KubernetesResource[];
  pods: PodSpecRef[];
  /** YAML documents that could not be read. */
  invalid: number;
}

// Where each workload kind keeps its pod spec.
const POD_SPEC_PATHS: Record<string, string[]> = {
  Pod: ["spec"],
  Deployment: ["spec", "template", "spec"],
  StatefulSet: ["spec", "template", "spec"],
  DaemonSet: ["spec", "template", "spec"],
  ReplicaSet: ["spec", "template", "spec"],
  ReplicationController: ["spec", "template", "spec"],
  Job: ["spec", "template", "spec"],
  CronJob: ["spec", "jobTemplate", "spec", "template", "spec"],
  PodTemplate: ["template", "spec"],
};

const CONTAINER_LISTS: Array<[string, ContainerType]> = [
  ["initContainers", "initContainer"],
  ["containers", "container"],
  ["ephemeralContainers", "ephemeralContainer"],
];

/**
 * A cheap test before parsing: could `text` hold a manifest (lines starting `apiVersion:` and
 * `kind:`)? Most YAML files in a repository are not manifests.
 */
export function mayBeKubernetes(text: string): boolean {
  return /^[\s-]*apiVersion\s*:/m.test(text) && /^[\s-]*kind\s*:/m.test(text);
}

/** Parses a manifest file; `null` when no document is a Kubernetes object. */
export function parseKubernetes(text: string, file: string): KubernetesInput | null {
  const { documents, invalid } = parseYamlDocuments(text);
  const resources: KubernetesResource[] = [];
  for (const doc of documents) {
    const add = (value: unknown, path: string): void => {
      if (!isResource(value)) return;
      const metadata = asRecord(value.metadata);
      resources.push({
        apiVersion: value.apiVersion,
        kind: value.kind,
        name: asString(metadata.name ?? metadata.generateName),
        namespace: asString(metadata.namespace),
        labels: asRecord(metadata.labels),
        annotations: asRecord(metadata.annotations),
        document: doc.index,
        path,
        position: doc.locations.get(path) ?? { line: 1, column: 1 },
        object: value,
        locations: doc.locations,
      });
      if (value.kind.endsWith("List") && Array.isArray(value.items)) {
        value.items.forEach((item, i) => add(item, `${path === "" ? "" : path + "."}items[${i}]`));
      }
    };
    add(doc.value, "");
  }
  if (resources.length === 0) return null;
  return { target: "kubernetes", file, resources, pods: resources.flatMap(podSpecsOf), invalid };
}

function podSpecsOf(resource: KubernetesResource): PodSpecRef[] {
  const keys = POD_SPEC_PATHS[resource.kind];
  if (!keys) return [];
  let node: unknown = resource.object;
  for (const key of keys) node = asRecord(node)[key];
  if (!isRecord(node)) return [];
  const spec = node;
  const path = [resource.path, ...keys].filter((p) => p !== "").join(".");
  const containers: ContainerRef[] = [];
  for (const [list, type] of CONTAINER_LISTS) {
    const items = spec[list];
    if (!Array.isArray(items)) continue;
    items.forEach((container, index) => {
      if (!isRecord(container)) return;
      const name = asString(container.name) || `#${index}`;
      containers.push({ type, index, name, path: `${path}.${list}[${index}]`, container });
    });
  }
  return [{ resource, path, spec, containers }];
}

/** The subjects of one scope: every pod spec, or every container of every pod spec. */
export function kubernetesSubjects(
  input: KubernetesInput,
  scope: PolicyScope,
  options: Record<string, unknown>,
): PolicySubject[] {
  const subjects: PolicySubject[] = [];
  for (const pod of input.pods) {
    const r = pod.resource;
    const id = [r.kind, r.namespace, r.name].filter((p) => p !== "").join("/");
    // A List may hold two objects of the same kind and name only by mistake; the index keeps them apart.
    const owner = r.path === "" ? id : `${id}@${r.path}`;
    const resource = {
      apiVersion: r.apiVersion,
      kind: r.kind,
      name: r.name,
      namespace: r.namespace,
      labels: r.labels,
      annotations: r.annotations,
      object: r.object,
    };
    const base = { target: "kubernetes" as const, file: input.file, locations: r.locations };
    const at = (path: string): Position => r.locations.get(path) ?? r.position;
    if (scope === "pod") {
      subjects.push({
        ...base,
        scope,
        object: owner,
        locationPath: pod.path,
        position: at(pod.path),
        vars: { resource, pod: pod.spec, options },
      });
      continue;
    }
    if (scope !== "container") continue;
    for (const c of pod.containers) {
      subjects.push({
        ...base,
        scope,
        object: `${owner}/${c.type}s/${c.name}`,
        locationPath: c.path,
        position: at(c.path),
        vars: {
          resource,
          pod: pod.spec,
          container: c.container,
          containerType: c.type,
          image: parseImageRef(asString(c.container.image)),
          options,
        },
      });
    }
  }
  return subjects;
}

function isResource(value: unknown): value is Record<string, unknown> & { apiVersion: string; kind: string } {
  return isRecord(value) && typeof value.apiVersion === "string" && typeof value.kind === "string";
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function asString(value: unknown): string {
  return typeof value === "string" ? value : typeof value === "number" ? String(value) : "";
}
