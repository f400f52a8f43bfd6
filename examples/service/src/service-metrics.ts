/** The metric families this service exposes on /metrics. */
import { Counter, Gauge, Histogram, Registry } from "./metrics.js";

/** The service's registry and the instruments request handling writes to. */
export interface ServiceMetrics {
  registry: Registry;
  /** `http_requests_total{method,route,status}`: the input of error-rate analysis. */
  requests: Counter;
  /** `http_request_duration_seconds{method,route}`: the input of latency (p95/p99) analysis. */
  duration: Histogram;
  /** Requests being handled right now; graceful shutdown waits for this to reach zero. */
  inFlight: { value: number };
}

/**
 * Creates the registry. `version` becomes a `service_info` label so dashboards and canary analysis can
 * tell the stable and canary processes apart by what they scrape.
 */
export function createServiceMetrics(version: string): ServiceMetrics {
  const registry = new Registry();
  const inFlight = { value: 0 };
  const requests = registry.register(
    new Counter("http_requests_total", "HTTP requests answered, by method, route template and status code.", [
      "method",
      "route",
      "status",
    ]),
  );
  const duration = registry.register(
    new Histogram(
      "http_request_duration_seconds",
      "HTTP request latency in seconds, by method and route template.",
      ["method", "route"],
    ),
  );
  registry.register(
    new Gauge("http_requests_in_flight", "HTTP requests currently being handled.", () => inFlight.value),
  );
  registry.register(
    new Gauge("process_uptime_seconds", "Seconds since the process started.", () => process.uptime()),
  );
  registry.register(
    new Gauge(
      "process_start_time_seconds",
      "Start time of the process since the Unix epoch, in seconds.",
      () => Math.round(Date.now() / 1000 - process.uptime()),
    ),
  );
  registry.register(
    new Gauge("process_resident_memory_bytes", "Resident memory size in bytes.", () =>
      process.memoryUsage.rss(),
    ),
  );
  registry.register(
    new Gauge("service_info", "Build information; the value is always 1.", () => 1, { version }),
  );
  return { registry, requests, duration, inFlight };
}
