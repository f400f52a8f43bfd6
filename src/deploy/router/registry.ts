/** The Router registry: `router.type` in sluice.yml → factory. An unknown type is a config error. */
import { createError } from "../../core/errors";
import { BUILTIN_ROUTER_TYPE, createBuiltinRouter } from "./builtin/builtin-router";
import { createHaproxyRouter, HAPROXY_ROUTER_TYPE } from "./haproxy/haproxy-router";
import { createKubernetesRouter, KUBERNETES_ROUTER_TYPE } from "./kubernetes/kubernetes-router";
import { createNginxRouter, NGINX_ROUTER_TYPE } from "./nginx/nginx-router";
import type { Router, RouterConfig, RouterDeps, RouterFactory } from "./types";

const factories = new Map<string, RouterFactory>([
  [BUILTIN_ROUTER_TYPE, createBuiltinRouter],
  [HAPROXY_ROUTER_TYPE, createHaproxyRouter],
  [NGINX_ROUTER_TYPE, createNginxRouter],
  [KUBERNETES_ROUTER_TYPE, createKubernetesRouter],
]);

/** Router types known to this build. */
export function routerTypes(): string[] {
  return [...factories.keys()].sort();
}

/**
 * Adds an implementation (haproxy, nginx, kubernetes register here as they land). Registering a
 * type twice is a programming error and throws SLUICE_E_INTERNAL.
 */
export function registerRouter(type: string, factory: RouterFactory): void {
  if (factories.has(type))
    throw createError("SLUICE_E_INTERNAL", `Router type "${type}" is registered twice.`);
  factories.set(type, factory);
}

/**
 * Builds the router a config names; does not start it. Throws SLUICE_E_CONFIG for an unknown type
 * (never a fallback to builtin) and SLUICE_E_ROUTER_CONFIG for invalid options.
 */
export function createRouter(config: RouterConfig, deps: RouterDeps = {}): Router {
  const factory = factories.get(config.type);
  if (factory === undefined) {
    throw createError(
      "SLUICE_E_CONFIG",
      `Unknown router type "${config.type}"; expected one of: ${routerTypes().join(", ")}.`,
    );
  }
  return factory(config, deps);
}
