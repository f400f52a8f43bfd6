/**
 * Health checks of the version being rolled out, during the rollout: every interval each of its ready
 * instances is checked and the version gets one observation — failed if any instance failed — so the
 * strategies' "N consecutive failed checks" counts rounds, not instances.
 */
import { runHealthCheck } from "../health/index";
import type { HealthCheckSpec } from "../health/types";
import type { HealthObservation } from "../strategy/types";
import type { InstanceInfo } from "../target/types";

export interface HealthMonitorOptions {
  check: HealthCheckSpec;
  intervalMs: number;
  /** The instances now (the target's list). */
  instances: () => InstanceInfo[];
  onResult: (observation: HealthObservation) => void;
}

export class HealthMonitor {
  #timer: NodeJS.Timeout | null = null;
  #version: string | null = null;
  #busy = false;
  readonly #abort = new AbortController();

  constructor(private readonly options: HealthMonitorOptions) {}

  /** Watches `version` (null stops watching). Idempotent. */
  watch(version: string | null): void {
    if (version === this.#version) return;
    this.#version = version;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (version === null) return;
    this.#timer = setInterval(() => void this.#round(), this.options.intervalMs);
    this.#timer.unref?.();
  }

  close(): void {
    this.watch(null);
    this.#abort.abort();
  }

  async #round(): Promise<void> {
    const version = this.#version;
    if (version === null || this.#busy) return;
    const ready = this.options.instances().filter((i) => i.version === version && i.ready);
    if (ready.length === 0) return; // readiness and crash loops are the target's to report
    this.#busy = true;
    try {
      const results = await Promise.all(
        ready.map((i) =>
          runHealthCheck(this.options.check, { host: i.host, port: i.port }, { signal: this.#abort.signal }),
        ),
      );
      if (this.#version !== version) return;
      const failed = results.map((r, i) => ({ r, id: ready[i]!.id })).filter(({ r }) => !r.ok);
      this.options.onResult(
        failed.length === 0
          ? { version, ok: true }
          : {
              version,
              ok: false,
              error: failed.map(({ r, id }) => `${id}: ${r.error ?? "failed"}`).join("; "),
            },
      );
    } finally {
      this.#busy = false;
    }
  }
}
