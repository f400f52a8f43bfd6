/** One version as the builtin router holds it: its instances and its counters. */
import { MetricsCollector } from "../metrics";
import type { Backend } from "../types";
import { BackendPool } from "./backend-pool";
import type { PoolOptions } from "./backend-pool";

export class VersionState {
  readonly metrics: MetricsCollector;
  /** Instances taking new requests, in the order the target listed them. */
  pools: BackendPool[] = [];
  private cursor = 0;

  constructor(
    readonly name: string,
    sampleCapacity: number,
  ) {
    this.metrics = new MetricsCollector(name, sampleCapacity);
  }

  /**
   * The next instance, round-robin; `avoid` (the instance a retried attempt failed on) is skipped
   * when another exists. Null when the version has no instances.
   */
  pickBackend(avoid: BackendPool | null): BackendPool | null {
    const n = this.pools.length;
    if (n === 0) return null;
    this.cursor = (this.cursor + 1) % n;
    const pool = this.pools[this.cursor]!;
    if (pool !== avoid || n === 1) return pool;
    this.cursor = (this.cursor + 1) % n;
    return this.pools[this.cursor]!;
  }

  /**
   * Replaces the instance list. Kept instances keep their pools (and warm connections); removed ones
   * are returned for the caller to drain.
   */
  setBackends(backends: readonly Backend[], options: PoolOptions): BackendPool[] {
    const byKey = new Map(this.pools.map((p) => [p.key, p]));
    const next: BackendPool[] = [];
    for (const b of backends) {
      const key = `${b.host}:${b.port}`;
      const existing = byKey.get(key);
      if (existing !== undefined) {
        byKey.delete(key);
        if (!next.includes(existing)) next.push(existing);
      } else if (!next.some((p) => p.key === key)) {
        next.push(new BackendPool(b.host, b.port, options));
      }
    }
    this.pools = next;
    return [...byKey.values()];
  }
}
