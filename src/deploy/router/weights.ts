/**
 * Pure weight handling shared by routers: validation, and the per-request split. The split is
 * deterministic (no randomness) so tests and benchmarks see the same sequence on every run.
 */
import { createError } from "../../core/errors";
import type { Backend, FaultSpec, HeaderRoute, Weights } from "./types";

/** How far from 100 a sum may be, for weights computed as fractions (33.3 + 33.3 + 33.4). */
const SUM_TOLERANCE = 1e-6;

/**
 * Checks weights and returns a normalised copy without zero entries, keys sorted: two equal splits
 * compare equal whatever order they were written in. Throws SLUICE_E_ROUTER_CONFIG.
 */
export function validateWeights(weights: Weights): Weights {
  const entries = Object.entries(weights);
  let sum = 0;
  for (const [version, weight] of entries) {
    if (version.length === 0) throw createError("SLUICE_E_ROUTER_CONFIG", "A version name is empty.");
    if (typeof weight !== "number" || !Number.isFinite(weight) || weight < 0) {
      throw createError(
        "SLUICE_E_ROUTER_CONFIG",
        `Weight of "${version}" must be a finite number ≥ 0, got ${String(weight)}.`,
      );
    }
    sum += weight;
  }
  if (Math.abs(sum - 100) > SUM_TOLERANCE) {
    throw createError("SLUICE_E_ROUTER_CONFIG", `Weights must sum to 100, got ${sum}.`);
  }
  const out: Weights = {};
  for (const [version, weight] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (weight > 0) out[version] = weight;
  }
  return out;
}

/** Checks a preview route; throws SLUICE_E_ROUTER_CONFIG. Returns it with the header name lowercased. */
export function validateHeaderRoute(route: HeaderRoute): HeaderRoute {
  const name = "header" in route ? route.header : route.cookie;
  if (typeof name !== "string" || !/^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/.test(name)) {
    throw createError("SLUICE_E_ROUTER_CONFIG", `Header route name "${String(name)}" is not a token.`);
  }
  if (typeof route.value !== "string" || typeof route.version !== "string" || route.version === "") {
    throw createError("SLUICE_E_ROUTER_CONFIG", "A header route needs a string value and a version.");
  }
  return "header" in route
    ? { header: route.header.toLowerCase(), value: route.value, version: route.version }
    : { cookie: route.cookie, value: route.value, version: route.version };
}

/**
 * One split, frozen at `setWeights`: replacing the whole object is what makes a switch atomic (a
 * request reads the table once). Smooth weighted round-robin (nginx's algorithm) spreads a 5 % share
 * evenly — one request in twenty — instead of in bursts, which keeps a canary's samples unbiased.
 */
export class WeightedSplit {
  readonly versions: readonly string[];
  private readonly weights: Float64Array;
  private readonly current: Float64Array;
  /** Cumulative upper bounds in [0, 100] for hash-based (sticky) picks, same order as `versions`. */
  private readonly bounds: Float64Array;

  constructor(weights: Weights) {
    const normalised = validateWeights(weights);
    this.versions = Object.keys(normalised);
    this.weights = Float64Array.from(this.versions, (v) => normalised[v]!);
    this.current = new Float64Array(this.versions.length);
    this.bounds = new Float64Array(this.versions.length);
    let acc = 0;
    this.weights.forEach((w, i) => (this.bounds[i] = acc += w));
  }

  /** A version's weight in this split; 0 when it has none. */
  weightOf(version: string): number {
    const i = this.versions.indexOf(version);
    return i < 0 ? 0 : this.weights[i]!;
  }

  /** The next version of the round-robin sequence; null when no version has a weight. */
  next(): string | null {
    const n = this.versions.length;
    if (n === 1) return this.versions[0]!;
    let best = -1;
    for (let i = 0; i < n; i++) {
      this.current[i]! += this.weights[i]!;
      if (best < 0 || this.current[i]! > this.current[best]!) best = i;
    }
    if (best < 0) return null;
    this.current[best]! -= 100;
    return this.versions[best]!;
  }

  /**
   * The version for a point in [0, 1) — a hashed session key. Ranges are laid out in sorted version
   * order, so as one version's share grows its range only widens: a user it already had stays on it.
   */
  atPoint(point: number): string | null {
    const x = point * 100;
    for (let i = 0; i < this.versions.length; i++) {
      if (x < this.bounds[i]!) return this.versions[i]!;
    }
    return this.versions.length > 0 ? this.versions[this.versions.length - 1]! : null;
  }
}

/**
 * FNV-1a of a session key mapped to [0, 1). Not cryptographic, and need not be: it only has to
 * spread keys evenly and give the same answer in every process, for the life of a rollout.
 */
export function hashToUnit(key: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < key.length; i++) {
    h ^= key.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  // A final avalanche (murmur3's fmix32): FNV alone leaves short, similar keys in nearby buckets.
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return (h >>> 0) / 0x1_0000_0000;
}

/**
 * Checks a version's instances: a non-empty host and a port 1–65535 each. Throws
 * SLUICE_E_ROUTER_CONFIG naming the first bad one. Routers with stricter needs (nginx writes hosts
 * into its config) check more on top.
 */
export function validateBackends(version: string, backends: readonly Backend[]): void {
  for (const b of backends) {
    const ok =
      typeof b.host === "string" &&
      b.host !== "" &&
      Number.isInteger(b.port) &&
      b.port >= 1 &&
      b.port <= 65535;
    if (!ok)
      throw createError("SLUICE_E_ROUTER_CONFIG", `Invalid backend ${JSON.stringify(b)} for "${version}".`);
  }
}

/** Checks a fault (rate 0–1, latency ≥ 0, finite end, status 100–599); returns its status (default 503). */
export function validateFault(fault: FaultSpec): number {
  const { errorRate, latencyMs, until, status = 503 } = fault;
  if (!(errorRate >= 0 && errorRate <= 1) || !(latencyMs >= 0) || !Number.isFinite(until)) {
    throw createError(
      "SLUICE_E_ROUTER_CONFIG",
      "A fault needs errorRate in 0–1, latencyMs ≥ 0 and a finite until.",
    );
  }
  if (!Number.isInteger(status) || status < 100 || status > 599) {
    throw createError("SLUICE_E_ROUTER_CONFIG", `A fault status must be 100–599, got ${status}.`);
  }
  return status;
}
