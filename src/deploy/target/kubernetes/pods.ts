/**
 * From listed Pods to the Target's views (instances, per-version status). Pure. A Pod being deleted
 * is draining, not serving (the endpoints controller drops it too), so it is left out of both.
 */
import type { V1Pod } from "@kubernetes/client-node";
import type { InstanceStatus } from "../../strategy/types";
import type { InstanceInfo } from "../types";
import { VERSION_ANNOTATION, VERSION_LABEL } from "./names";

/** The version a Pod runs: the exact one from the annotation, else the label. */
export function podVersion(pod: V1Pod): string | null {
  return pod.metadata?.annotations?.[VERSION_ANNOTATION] ?? pod.metadata?.labels?.[VERSION_LABEL] ?? null;
}

/** Live Pods: not being deleted and not finished. */
export function isLivePod(pod: V1Pod): boolean {
  if (pod.metadata?.deletionTimestamp != null) return false;
  const phase = pod.status?.phase;
  return phase !== "Succeeded" && phase !== "Failed";
}

export function isPodReady(pod: V1Pod): boolean {
  return (pod.status?.conditions ?? []).some((c) => c.type === "Ready" && c.status === "True");
}

export function podRestarts(pod: V1Pod): number {
  return (pod.status?.containerStatuses ?? []).reduce((n, c) => n + (c.restartCount ?? 0), 0);
}

/**
 * The instances of the given versions, ordered by version (as given) then Pod name. `id` is
 * `<version>#<pod name>`: a Pod keeps its name across container restarts. `host` is the Pod IP
 * (empty until one is assigned), `port` the container port; there is no host pid.
 */
export function podInstances(
  pods: readonly V1Pod[],
  versions: readonly string[],
  port: number,
): InstanceInfo[] {
  const order = new Map(versions.map((v, i) => [v, i]));
  const out: InstanceInfo[] = [];
  for (const pod of pods) {
    const version = podVersion(pod);
    if (version === null || !order.has(version) || !isLivePod(pod)) continue;
    out.push({
      version,
      id: `${version}#${pod.metadata?.name ?? ""}`,
      host: pod.status?.podIP ?? "",
      port,
      pid: null,
      ready: isPodReady(pod),
      restarts: podRestarts(pod),
    });
  }
  return out.sort((a, b) => order.get(a.version)! - order.get(b.version)! || compare(a.id, b.id));
}

/** Ready instances and restarts per version; every given version appears, with zeros if it has no Pod. */
export function podStatus(
  pods: readonly V1Pod[],
  versions: readonly string[],
): Record<string, InstanceStatus> {
  const out: Record<string, InstanceStatus> = {};
  for (const v of versions) out[v] = { ready: 0, restarts: 0 };
  for (const pod of pods) {
    const version = podVersion(pod);
    const entry = version !== null && Object.hasOwn(out, version) ? out[version] : undefined;
    if (entry === undefined || !isLivePod(pod)) continue;
    if (isPodReady(pod)) entry.ready++;
    entry.restarts += podRestarts(pod);
  }
  return out;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
