/**
 * The objects the kubernetes router applies — a Gateway API HTTPRoute and one Service per version —
 * built as plain data, and the Gateway's address read from its status. Pure, so tests compare them
 * exactly; kubernetes-router.ts does the API calls.
 */
import type { V1Service } from "@kubernetes/client-node";
import {
  MANAGED_BY,
  MANAGED_BY_LABEL,
  NAME_LABEL,
  objectName,
  VERSION_ANNOTATION,
  versionLabels,
  versionSelector,
} from "../../target/kubernetes/names";
import type { HeaderRoute, RouterAddress, Weights } from "../types";
import type { KubernetesRouterOptions } from "./options";

export const GATEWAY_GROUP = "gateway.networking.k8s.io";
export const GATEWAY_VERSION = "v1";

/** The parts of an HTTPRoute Sluice writes (gateway.networking.k8s.io/v1). */
export interface HttpRoute {
  apiVersion: "gateway.networking.k8s.io/v1";
  kind: "HTTPRoute";
  metadata: { name: string; namespace: string; labels: Record<string, string> };
  spec: {
    parentRefs: { group: string; kind: "Gateway"; name: string; namespace?: string; sectionName?: string }[];
    hostnames?: string[];
    rules: HttpRouteRule[];
  };
}

export interface HttpRouteRule {
  matches?: { headers: { type: "Exact"; name: string; value: string }[] }[];
  backendRefs: { name: string; port: number; weight?: number }[];
}

/** The Service of one version: selects its Pods by the target's labels. */
export function buildVersionService(
  options: KubernetesRouterOptions,
  namespace: string,
  version: string,
  targetPort: number,
): V1Service {
  return {
    apiVersion: "v1",
    kind: "Service",
    metadata: {
      name: objectName(options.service, version),
      namespace,
      labels: versionLabels(options.service, version),
      annotations: { [VERSION_ANNOTATION]: version },
    },
    spec: {
      selector: versionSelector(options.service, version),
      ports: [{ name: "http", port: options.servicePort, targetPort, protocol: "TCP" }],
    },
  };
}

/** The HTTPRoute's name. */
export function routeName(options: KubernetesRouterOptions): string {
  return options.route ?? options.service;
}

/**
 * The HTTPRoute for a split: one rule whose backendRefs are the versions with a share (Services,
 * weighted), and for a preview route a rule matching the header exactly that sends everything to its
 * version. Gateway API gives a rule with header matches precedence over one without.
 */
export function buildHttpRoute(
  options: KubernetesRouterOptions,
  namespace: string,
  weights: Weights,
  header: HeaderRoute | null,
): HttpRoute {
  const ref = (version: string): { name: string; port: number } => ({
    name: objectName(options.service, version),
    port: options.servicePort,
  });
  const rules: HttpRouteRule[] = [];
  if (header !== null && "header" in header) {
    rules.push({
      matches: [{ headers: [{ type: "Exact", name: header.header, value: header.value }] }],
      backendRefs: [ref(header.version)],
    });
  }
  const gatewayWeights = toGatewayWeights(weights);
  rules.push({
    backendRefs: Object.keys(gatewayWeights).map((v) => ({ ...ref(v), weight: gatewayWeights[v]! })),
  });
  const { name, namespace: gatewayNamespace, sectionName } = options.gateway;
  return {
    apiVersion: `${GATEWAY_GROUP}/${GATEWAY_VERSION}`,
    kind: "HTTPRoute",
    metadata: {
      name: routeName(options),
      namespace,
      labels: { [NAME_LABEL]: options.service, [MANAGED_BY_LABEL]: MANAGED_BY },
    },
    spec: {
      parentRefs: [
        {
          group: GATEWAY_GROUP,
          kind: "Gateway",
          name,
          ...(gatewayNamespace ? { namespace: gatewayNamespace } : {}),
          ...(sectionName ? { sectionName } : {}),
        },
      ],
      ...(options.hostnames ? { hostnames: options.hostnames } : {}),
      rules,
    },
  };
}

/**
 * backendRef weights are int32 and relative (a version gets weight/sum of the traffic). Whole
 * percentages pass as they are; fractional ones (33.3) are scaled by 1000 and rounded, which keeps the
 * split within 0.001 % of the router weights. Zero weights are left out (validateWeights drops them).
 */
export function toGatewayWeights(weights: Weights): Record<string, number> {
  const entries = Object.entries(weights).filter(([, w]) => w > 0);
  const whole = entries.every(([, w]) => Number.isInteger(w));
  return Object.fromEntries(entries.map(([v, w]) => [v, whole ? w : Math.round(w * 1000)]));
}

interface GatewayLike {
  spec?: { listeners?: { name?: string; port?: number; protocol?: string }[] };
  status?: { addresses?: { type?: string; value?: string }[] };
}

/**
 * Where a Gateway accepts traffic, from its status: the first address, and the port of the listener
 * named `sectionName` (else the first HTTP listener, else the first). Null until the implementation
 * has assigned an address.
 */
export function gatewayAddress(gateway: unknown, sectionName?: string): RouterAddress | null {
  const g = (gateway ?? {}) as GatewayLike;
  const host = g.status?.addresses?.find((a) => typeof a.value === "string" && a.value !== "")?.value;
  const listeners = g.spec?.listeners ?? [];
  const listener =
    (sectionName === undefined ? undefined : listeners.find((l) => l.name === sectionName)) ??
    listeners.find((l) => l.protocol === "HTTP") ??
    listeners[0];
  if (host === undefined || typeof listener?.port !== "number") return null;
  return { host, port: listener.port };
}
