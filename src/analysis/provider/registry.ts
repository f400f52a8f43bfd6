/**
 * The metric provider registry: `type` in an analysis' `provider:` block → factory. An unknown type is
 * a configuration error (SLUICE_E_CONFIG), never a silent fallback. `router` (the default) reads the
 * deployment's Router, which comes through the context: `createMetricProvider(config, { router })`.
 */
import { createError } from "../../core/errors";
import { createHttpProvider, HTTP_PROVIDER_TYPE } from "./http";
import { createPrometheusProvider, PROMETHEUS_PROVIDER_TYPE } from "./prometheus";
import { createRouterProvider, ROUTER_PROVIDER_TYPE } from "./router";
import type { MetricProvider, MetricProviderContext, MetricProviderFactory } from "./types";

export const metricProviderFactories: Readonly<Record<string, MetricProviderFactory>> = Object.freeze({
  [HTTP_PROVIDER_TYPE]: createHttpProvider,
  [PROMETHEUS_PROVIDER_TYPE]: createPrometheusProvider,
  [ROUTER_PROVIDER_TYPE]: createRouterProvider,
});

/** Provider types known to this build. */
export const metricProviderTypes: readonly string[] = Object.freeze(Object.keys(metricProviderFactories));

/**
 * Creates the provider `config.type` names. Unknown or missing type → SLUICE_E_CONFIG; invalid
 * options → SLUICE_E_ANALYSIS_CONFIG (from the factory).
 */
export function createMetricProvider(config: unknown, context: MetricProviderContext = {}): MetricProvider {
  const type = config && typeof config === "object" ? (config as { type?: unknown }).type : undefined;
  const factory =
    typeof type === "string" && Object.hasOwn(metricProviderFactories, type)
      ? metricProviderFactories[type]
      : undefined;
  if (!factory) {
    throw createError(
      "SLUICE_E_CONFIG",
      `Unknown metric provider type ${JSON.stringify(type)}; expected one of: ${metricProviderTypes.join(", ")}.`,
    );
  }
  return factory(config, context);
}
