/**
 * Health checks: is one instance of a version alive and serving? The result is data, never an
 * exception — a refused connection or a timeout is `{ ok: false, error }` like a bad status is.
 */

/** The outcome of one check. */
export interface HealthResult {
  /** The instance passed. */
  ok: boolean;
  /** How long the check took, in milliseconds (to the failure, when it failed). */
  latencyMs: number;
  /** Why it failed (absent when ok): `status 503`, `timeout after 2000ms`, `ECONNREFUSED`… */
  error?: string;
}

/** Where the instance under check listens; checks with an explicit `url` or `host` ignore it. */
export interface HealthEndpoint {
  /** Address of the instance. */
  host: string;
  /** Port of the instance. */
  port: number;
}

/** An HTTP GET (or other method) against the instance. */
export interface HttpHealthCheck {
  /** Selects the HTTP check. */
  type: "http";
  /** Path on the instance (default `/`); ignored when `url` is set. */
  path?: string;
  /** An absolute URL to check instead of the instance's host and port. */
  url?: string;
  /** Default GET. */
  method?: string;
  /** Extra request headers. */
  headers?: Record<string, string>;
  /**
   * Statuses that pass: codes (`200`) and classes (`"2xx"`). Default: 200–399, as Kubernetes' httpGet.
   */
  expectStatus?: (number | string)[];
  /** The body must contain this text. */
  bodyContains?: string;
  /** The body must match this regular expression (JavaScript syntax). */
  bodyRegex?: string;
  /** Default 2000 ms. */
  timeoutMs?: number;
}

/** A TCP connect to the instance (or to `host`/`port` when given). */
export interface TcpHealthCheck {
  /** Selects the TCP check. */
  type: "tcp";
  /** Connect here instead of the instance's host. */
  host?: string;
  /** Connect here instead of the instance's port. */
  port?: number;
  /** Default 2000 ms. */
  timeoutMs?: number;
}

/**
 * A command that passes with exit status 0. It runs without a shell (`command` is the executable),
 * with `HOST` and `PORT` of the instance in its environment; on timeout its process group is killed.
 */
export interface CommandHealthCheck {
  /** Selects the command check. */
  type: "command";
  /** The executable (found on PATH). */
  command: string;
  /** Its arguments. */
  args?: string[];
  /** Working directory (default: the controller's). */
  cwd?: string;
  /** Extra environment on top of the controller's. */
  env?: Record<string, string>;
  /** Default 10 000 ms. */
  timeoutMs?: number;
}

export type HealthCheckSpec = HttpHealthCheck | TcpHealthCheck | CommandHealthCheck;

export type HealthCheckType = HealthCheckSpec["type"];

/** Runs one kind of check. Never rejects. */
export type HealthChecker<S extends HealthCheckSpec = HealthCheckSpec> = (
  spec: S,
  endpoint: HealthEndpoint,
  options?: HealthCheckOptions,
) => Promise<HealthResult>;

export interface HealthCheckOptions {
  /** Cancels the check (it then resolves with `{ ok: false, error: "aborted" }`). */
  signal?: AbortSignal;
  /** Milliseconds clock for latencies (default `performance.now`). */
  clock?: () => number;
}
