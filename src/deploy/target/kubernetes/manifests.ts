/**
 * The Kubernetes objects the kubernetes target applies, built as plain data from (settings, version,
 * spec): no API calls here, so tests compare them exactly. Readiness checks become kubelet probes;
 * what a probe cannot express is refused rather than silently dropped.
 */
import type { V1Deployment, V1EnvVar, V1Probe } from "@kubernetes/client-node";
import { createError } from "../../../core/errors";
import type { HealthCheckSpec } from "../../health/types";
import type { DeploySpec } from "../types";
import { objectName, VERSION_ANNOTATION, versionLabels, versionSelector } from "./names";
import type { KubernetesTargetSettings } from "./options";

/** The process target's default drain, for the same stop behaviour on both targets. */
export const DEFAULT_DRAIN_MS = 10_000;
const CONTAINER = "app";
/** Probes run every second: rollouts wait on readiness, and kubelet's default 10 s would dominate. */
const PROBE_PERIOD_SECONDS = 1;

/** The Deployment for one version (server-side applied by `deploy`). */
export function buildDeployment(
  settings: KubernetesTargetSettings,
  namespace: string,
  version: string,
  spec: DeploySpec,
): V1Deployment {
  const image = spec.image ?? settings.image?.replaceAll("{{version}}", version);
  if (image === undefined || image === "") {
    throw createError(
      "SLUICE_E_TARGET",
      `no image for ${version}: set target.image (e.g. "repo/app:{{version}}")`,
    );
  }
  const labels = versionLabels(settings.service, version);
  const annotations = { [VERSION_ANNOTATION]: version };
  const command = containerCommand(spec.command);
  return {
    apiVersion: "apps/v1",
    kind: "Deployment",
    metadata: { name: objectName(settings.service, version), namespace, labels, annotations },
    spec: {
      replicas: spec.instances,
      selector: { matchLabels: versionSelector(settings.service, version) },
      template: {
        metadata: { labels, annotations },
        spec: {
          terminationGracePeriodSeconds: seconds(spec.drainMs ?? DEFAULT_DRAIN_MS),
          ...(settings.serviceAccountName ? { serviceAccountName: settings.serviceAccountName } : {}),
          containers: [
            {
              name: CONTAINER,
              image,
              ...(settings.imagePullPolicy ? { imagePullPolicy: settings.imagePullPolicy } : {}),
              ...(command ? { command } : {}),
              env: containerEnv(version, settings.port, spec.env ?? {}),
              ports: [{ name: "http", containerPort: settings.port, protocol: "TCP" }],
              readinessProbe: buildProbe(spec.readiness, settings.port),
              ...(settings.resources ? { resources: settings.resources } : {}),
            },
          ],
        },
      },
    },
  };
}

/**
 * The container's command: an argv as is, a string through `/bin/sh -c exec …` (as the process
 * target runs it), an empty one left out so the image's entrypoint runs.
 */
export function containerCommand(command: string | string[]): string[] | undefined {
  if (Array.isArray(command)) return command.length === 0 ? undefined : command;
  return command.trim() === "" ? undefined : ["/bin/sh", "-c", `exec ${command}`];
}

/**
 * The spec's env, then what the target sets (as the process target: PORT, HOST, VERSION,
 * SLUICE_INSTANCE — the Pod's name, stable across container restarts). Sorted for stable output.
 */
export function containerEnv(version: string, port: number, env: Record<string, string>): V1EnvVar[] {
  const own: Record<string, string> = { ...env, PORT: String(port), HOST: "0.0.0.0", VERSION: version };
  delete own.SLUICE_INSTANCE;
  const vars: V1EnvVar[] = Object.keys(own)
    .sort()
    .map((name) => ({ name, value: own[name]! }));
  vars.push({ name: "SLUICE_INSTANCE", valueFrom: { fieldRef: { fieldPath: "metadata.name" } } });
  return vars;
}

/**
 * A readiness probe for a health check: http → httpGet, tcp → tcpSocket, command → exec; none → a TCP
 * connect to the port (the process target's default). Kubelet's httpGet passes on 200–399 and only
 * GETs, and exec has no env or cwd: checks that need more are refused (SLUICE_E_TARGET) so a probe
 * never passes what the configured check would fail.
 */
export function buildProbe(check: HealthCheckSpec | undefined, port: number): V1Probe {
  const timing = (timeoutMs: number | undefined, fallbackMs: number): V1Probe => ({
    periodSeconds: PROBE_PERIOD_SECONDS,
    timeoutSeconds: seconds(timeoutMs ?? fallbackMs),
    successThreshold: 1,
    failureThreshold: 3,
  });
  if (check === undefined) return { tcpSocket: { port }, ...timing(undefined, 1000) };
  switch (check.type) {
    case "http":
      return { httpGet: httpGetAction(check, port), ...timing(check.timeoutMs, 2000) };
    case "tcp":
      return {
        tcpSocket: { port: check.port ?? port, ...(check.host ? { host: check.host } : {}) },
        ...timing(check.timeoutMs, 2000),
      };
    case "command":
      if (check.cwd !== undefined || (check.env !== undefined && Object.keys(check.env).length > 0)) {
        throw unprobeable("a command check with cwd or env (an exec probe has neither)");
      }
      return {
        exec: { command: [check.command, ...(check.args ?? [])] },
        ...timing(check.timeoutMs, 10_000),
      };
  }
}

function httpGetAction(check: Extract<HealthCheckSpec, { type: "http" }>, port: number): V1Probe["httpGet"] {
  if (check.method !== undefined && check.method.toUpperCase() !== "GET") {
    throw unprobeable(`an http check with method ${check.method} (httpGet probes GET)`);
  }
  if (check.expectStatus !== undefined || check.bodyContains !== undefined || check.bodyRegex !== undefined) {
    throw unprobeable("an http check on expectStatus or the body (httpGet probes pass on 200–399)");
  }
  const httpHeaders = Object.entries(check.headers ?? {}).map(([name, value]) => ({ name, value }));
  const headers = httpHeaders.length > 0 ? { httpHeaders } : {};
  if (check.url === undefined) return { path: check.path ?? "/", port, scheme: "HTTP", ...headers };
  const url = new URL(check.url);
  const scheme = url.protocol === "https:" ? "HTTPS" : "HTTP";
  return {
    host: url.hostname,
    port: url.port === "" ? (scheme === "HTTPS" ? 443 : 80) : Number(url.port),
    path: `${url.pathname}${url.search}`,
    scheme,
    ...headers,
  };
}

function unprobeable(what: string): Error {
  return createError(
    "SLUICE_E_TARGET",
    `the kubernetes target cannot turn ${what} into a readiness probe; use a simpler check or a command check`,
  );
}

/** Whole seconds, at least 1 (probe timeouts and grace periods are integer seconds). */
export function seconds(ms: number): number {
  return Math.max(1, Math.ceil(ms / 1000));
}

/** The merge patch `scale` sends. */
export function scalePatch(instances: number): { spec: { replicas: number } } {
  return { spec: { replicas: instances } };
}
