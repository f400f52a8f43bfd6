/**
 * Health checks by type (DESIGN.md plug-in style: a registry, and an unknown type is a config error,
 * never a silent fallback).
 */
import { createError } from "../../core/errors";
import { checkCommand } from "./command";
import { checkHttp } from "./http";
import { checkTcp } from "./tcp";
import type {
  HealthCheckOptions,
  HealthCheckSpec,
  HealthChecker,
  HealthEndpoint,
  HealthResult,
} from "./types";

export const healthCheckers: {
  [K in HealthCheckSpec["type"]]: HealthChecker<Extract<HealthCheckSpec, { type: K }>>;
} = {
  http: checkHttp,
  tcp: checkTcp,
  command: checkCommand,
};

export function isHealthCheckType(type: string): type is HealthCheckSpec["type"] {
  return Object.prototype.hasOwnProperty.call(healthCheckers, type);
}

/**
 * Runs a check against an instance. Throws SLUICE_E_CONFIG only for an unknown check type (a config
 * mistake); every runtime failure is a result with `ok: false`.
 */
export function runHealthCheck(
  spec: HealthCheckSpec,
  endpoint: HealthEndpoint,
  options?: HealthCheckOptions,
): Promise<HealthResult> {
  const type = (spec as { type: string }).type;
  if (!isHealthCheckType(type)) {
    throw createError(
      "SLUICE_E_CONFIG",
      `unknown health check type ${JSON.stringify(type)} (known: ${Object.keys(healthCheckers).join(", ")})`,
    );
  }
  const checker = healthCheckers[type] as HealthChecker;
  return checker(spec, endpoint, options);
}

export * from "./types";
export * from "./tracker";
export { statusMatches, bodyProblem } from "./http";
