/**
 * Runtime configuration from environment variables. The fault-injection knobs (ERROR_RATE, LATENCY_MS,
 * LATENCY_JITTER_MS) exist so that a deployment pipeline can ship a deliberately bad version and watch
 * its canary analysis roll it back.
 */

/** Everything the service reads from its environment, validated. */
export interface ServiceConfig {
  /** TCP port to listen on; 0 asks the OS for a free one. */
  port: number;
  /** Interface to bind; loopback by default so a laptop run is not exposed to the network. */
  host: string;
  /** Version reported by /health and the `service_info` metric, so canary and stable can be told apart. */
  version: string;
  /** Share (0..1) of /api requests answered with 500. */
  errorRate: number;
  /** Fixed delay added to every /api request, in milliseconds. */
  latencyMs: number;
  /** Up to this many extra milliseconds, drawn uniformly, on top of `latencyMs`. */
  latencyJitterMs: number;
  /** How long a SIGTERM waits for in-flight requests before closing their sockets, in milliseconds. */
  shutdownTimeoutMs: number;
}

/** Thrown when an environment variable holds a value the service cannot use. */
export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "ConfigError";
  }
}

export const defaultConfig: ServiceConfig = {
  port: 3000,
  host: "127.0.0.1",
  version: "0.0.0-dev",
  errorRate: 0,
  latencyMs: 0,
  latencyJitterMs: 0,
  shutdownTimeoutMs: 10_000,
};

/**
 * Reads the configuration from `env`. Unset or empty variables take their defaults; a malformed value
 * throws a ConfigError naming the variable, because starting with a silently wrong fault rate would make
 * a deployment experiment lie.
 */
export function loadConfig(env: Record<string, string | undefined>): ServiceConfig {
  return {
    port: readNumber(env, "PORT", defaultConfig.port, { min: 0, max: 65_535, integer: true }),
    host: readString(env, "HOST", defaultConfig.host),
    version: readString(env, "VERSION", defaultConfig.version),
    errorRate: readNumber(env, "ERROR_RATE", defaultConfig.errorRate, { min: 0, max: 1 }),
    latencyMs: readNumber(env, "LATENCY_MS", defaultConfig.latencyMs, { min: 0 }),
    latencyJitterMs: readNumber(env, "LATENCY_JITTER_MS", defaultConfig.latencyJitterMs, { min: 0 }),
    shutdownTimeoutMs: readNumber(env, "SHUTDOWN_TIMEOUT_MS", defaultConfig.shutdownTimeoutMs, { min: 0 }),
  };
}

function readString(env: Record<string, string | undefined>, name: string, fallback: string): string {
  const raw = env[name]?.trim();
  return raw ? raw : fallback;
}

interface NumberRule {
  min?: number;
  max?: number;
  integer?: boolean;
}

function readNumber(
  env: Record<string, string | undefined>,
  name: string,
  fallback: number,
  rule: NumberRule,
): number {
  const raw = env[name]?.trim();
  if (!raw) return fallback;
  // Number("") and Number(" ") are 0 and Number("0x10") is 16; only plain decimals are accepted.
  if (!/^-?\d+(\.\d+)?$/.test(raw)) throw new ConfigError(`${name} must be a number, got "${raw}"`);
  const value = Number(raw);
  if (rule.integer && !Number.isInteger(value)) {
    throw new ConfigError(`${name} must be an integer, got "${raw}"`);
  }
  if (rule.min !== undefined && value < rule.min) {
    throw new ConfigError(`${name} must be at least ${rule.min}, got ${value}`);
  }
  if (rule.max !== undefined && value > rule.max) {
    throw new ConfigError(`${name} must be at most ${rule.max}, got ${value}`);
  }
  return value;
}
