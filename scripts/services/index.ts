/** Service start helpers for tests and benchmarks (DESIGN.md: "Real components"). */
export { ensureProgram, findProgram, freePort, waitForPort } from "./programs";
export { startService } from "./service-process";
export type { RunningService, ServiceSpec } from "./service-process";
export { startNginx, proxyHttpBlock } from "./nginx";
export type { NginxOptions } from "./nginx";
export { startHaproxy, proxySection } from "./haproxy";
export type { HaproxyOptions, RunningHaproxy } from "./haproxy";
export { startPrometheus, scrapeConfig } from "./prometheus";
export type { PrometheusOptions, RunningPrometheus } from "./prometheus";
export { spawnNodeBackend } from "./backend-process";
export type { BackendProcess } from "./backend-process";
export { startNodeBackend, createBackendServer } from "./node-backend";
export type { RunningBackend, BackendStats } from "./node-backend";
