/** The Router plug-in point: interface, registry and the builtin reverse proxy. */
export type {
  Backend,
  FaultSpec,
  HeaderRoute,
  LatencySample,
  Router,
  RouterAddress,
  RouterConfig,
  RouterDeps,
  RouterFactory,
  VersionMetrics,
  Weights,
} from "./types";
export { LATENCY_BUCKETS_MS } from "./types";
export { createRouter, registerRouter, routerTypes } from "./registry";
export { BUILTIN_ROUTER_TYPE, BuiltinRouter } from "./builtin/builtin-router";
export { validateWeights, WeightedSplit, hashToUnit } from "./weights";
export { MetricsCollector } from "./metrics";
