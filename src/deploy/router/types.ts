/**
 * A Router sends client traffic to the instances of one or more versions of a service: the knob every
 * rollout strategy turns (blue-green switches 0 → 100, a canary steps 10 → 25 → 50 …). `builtin` is
 * Sluice's own reverse proxy; `haproxy`, `nginx` and `kubernetes` drive real engines through the same
 * interface. The controller only talks to this interface, so a strategy never knows which one runs.
 */

/** Percent of traffic per version name. Values are ≥ 0 and sum to 100; absent versions get 0. */
export type Weights = Record<string, number>;

/** One instance of a version, as a Target reports it. */
export interface Backend {
  host: string;
  port: number;
}

/**
 * A preview route: requests carrying `header: value` (or cookie `cookie=value`) go to `version`
 * whatever the weights say, so a tester can reach green or a canary before it gets any share.
 */
export type HeaderRoute =
  { header: string; value: string; version: string } | { cookie: string; value: string; version: string };

/** A fault injected into responses (`sluice chaos`), to rehearse that analysis rolls back. */
export interface FaultSpec {
  /** The version whose requests are affected; absent means every version. */
  version?: string;
  /** Share of affected requests answered with `status` without reaching a backend, 0–1. */
  errorRate: number;
  /** Delay added before every affected request is forwarded (or failed), in milliseconds. */
  latencyMs: number;
  /** When the fault ends, epoch milliseconds. A time in the past clears the fault. */
  until: number;
  /** The status of injected errors; default 503. */
  status?: number;
}

/** Upper bounds (ms) of the latency histogram buckets every router reports; a last bucket is +Inf. */
export const LATENCY_BUCKETS_MS = [
  1, 2, 3, 5, 7.5, 10, 15, 20, 30, 50, 75, 100, 150, 200, 300, 500, 750, 1000, 1500, 2000, 3000, 5000, 10000,
  30000,
] as const;

/** One finished request, as kept for judges that compare distributions (Mann-Whitney, sequential). */
export interface LatencySample {
  /** When the response finished, epoch milliseconds. */
  at: number;
  /** Time from the request head arriving to the last response byte leaving, milliseconds. */
  ms: number;
  /** The status the client got; 0 when the connection failed after the response had begun. */
  status: number;
}

/** Cumulative counters for one version since the router started (Prometheus counter semantics). */
export interface VersionMetrics {
  version: string;
  /** Finished requests: every request that got a response or failed, including injected faults. */
  requests: number;
  /** Finished requests by status class; a 502 for an unreachable backend counts under `5xx`. */
  status: { "1xx": number; "2xx": number; "3xx": number; "4xx": number; "5xx": number };
  /** Failed attempts to reach a backend (refused, reset, timed out); a retried attempt counts too. */
  connectionErrors: number;
  /** Requests answered by an injected fault rather than a backend. */
  faultsInjected: number;
  latency: {
    /** Bucket upper bounds in ms (LATENCY_BUCKETS_MS); `counts` has one more entry, for +Inf. */
    bucketsMs: readonly number[];
    /** Requests per bucket (not cumulative). */
    counts: number[];
    sumMs: number;
    count: number;
  };
  /**
   * The most recent requests, oldest first, at most the router's sample capacity: recent rather than
   * a uniform reservoir so a regression that began a minute ago is not diluted by an hour of history.
   * Empty when the implementation cannot observe single requests (e.g. a stats endpoint).
   */
  samples: LatencySample[];
}

/** Where a started router accepts client traffic. */
export interface RouterAddress {
  host: string;
  port: number;
}

export interface Router {
  /** The `type` from config that created this router, e.g. `builtin`. */
  readonly type: string;
  /**
   * Starts accepting traffic and resolves with the listen address (useful when the port was 0).
   * Idempotent: a second call resolves with the same address. Fails with SLUICE_E_ROUTER_START when
   * the address cannot be bound.
   */
  start(): Promise<RouterAddress>;
  /**
   * Stops accepting connections, lets in-flight requests finish (up to the drain timeout), then closes
   * everything. Idempotent; safe before `start`.
   */
  stop(): Promise<void>;
  /**
   * Replaces the split atomically: every request is routed wholly under the old or the new weights and
   * none is dropped. Idempotent. Rejects with SLUICE_E_ROUTER_CONFIG (and keeps the old weights) when
   * a weight is negative or not finite, or the weights do not sum to 100.
   */
  setWeights(weights: Weights): Promise<void>;
  /** The weights in force, a copy; `{}` before the first `setWeights`. */
  getWeights(): Promise<Weights>;
  /** Sets or (with null) clears the preview route. Idempotent. */
  setHeaderRoute(route: HeaderRoute | null): Promise<void>;
  /**
   * Sets a version's instances (as targets scale or replace them). New instances take traffic at
   * once; removed ones take no new requests and resolve the promise when their in-flight requests
   * have finished (or the drain timeout ended them). An empty list removes the version's instances;
   * its requests then get 503 until instances return. Idempotent.
   */
  setBackends(version: string, backends: Backend[]): Promise<void>;
  /**
   * Counters for one version, a snapshot. Null when the router has never known the version (no
   * backends, weight or traffic); a known version with no traffic yet has zero counters.
   */
  metrics(version: string): Promise<VersionMetrics | null>;
  /**
   * Injects a fault for one version (or all). A later fault for the same scope replaces it; one whose
   * `until` has passed is cleared. Rejects with SLUICE_E_ROUTER_CONFIG for a rate outside 0–1, a
   * negative latency or a status outside 100–599.
   */
  injectFault(fault: FaultSpec): Promise<void>;
}

/** Injected clock and randomness (DESIGN.md principle 4), so tests can be deterministic. */
export interface RouterDeps {
  /** Epoch milliseconds; default Date.now. */
  now?: () => number;
  /** Uniform in [0, 1); default Math.random. Used for fault injection only. */
  random?: () => number;
  /**
   * The environment's state directory: a router running its own process (haproxy, nginx) records
   * it there, so a later agent or `sluice stop` can end one a killed agent left behind.
   */
  stateDir?: string;
}

/** Router settings as they come from `sluice.yml`: `type` picks the factory, the rest is its own. */
export interface RouterConfig {
  type: string;
  [option: string]: unknown;
}

/** Builds a router from its config; validates the options and throws SLUICE_E_ROUTER_CONFIG. */
export type RouterFactory = (config: RouterConfig, deps: RouterDeps) => Router;
