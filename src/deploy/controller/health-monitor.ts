/**
 * Health checks of the version being rolled out, during the rollout: every interval each of its ready
 * instances is checked and the version gets one observation — failed if any instance failed — so the
 * strategies' "N consecutive failed checks" counts rounds, not instances. The check is the one stored
 * with the deployment, so editing `sluice.yml` mid-rollout does not change what watches it.
 */
import { runHealthCheck } from "../health/index";
import type { HealthCheckSpec } from "../health/types";
import type { HealthObservation } from "../strategy/types";
import type { InstanceInfo } from "../target/types";

/** What to check and how often (`DeploymentSpec.healthCheck`). */
export interface HealthWatch {
  check: HealthCheckSpec;
  intervalMs: number;
}

export interface HealthMonitorOptions {
  /** The instances now (the target's list). */
  instances: () => InstanceInfo[];
  onResult: (observation: HealthObservation) => void;
}

export class HealthMonitor {
  #timer: NodeJS.Timeout | null = null;
  #version: string | null = null;
  #watch: HealthWatch | null = null;
  #key = "";
  #busy = false;
  readonly #abort = new AbortController();

  constructor(private readonly options: HealthMonitorOptions) {}

  /** Watches `version` with `watch` (either null stops watching). Idempotent. */
  watch(version: string | null, watch: HealthWatch | null = null): void {
    const active = version !== null && watch !== null;
    const key = active ? `${version}\u0000${JSON.stringify(watch)}` : "";
    if (key === this.#key) return;
    this.#key = key;
    this.#version = active ? version : null;
    this.#watch = active ? watch : null;
    if (this.#timer) clearInterval(this.#timer);
    this.#timer = null;
    if (!active) return;
    this.#timer = setInterval(() => void this.#round(), watch.intervalMs);
    this.#timer.unref?.();
  }

  close(): void {
    this.watch(null);
    this.#abort.abort();
  }

  async #round(): Promise<void> {
    const version = this.#version;
    const watch = this.#watch;
    if (version === null || watch === null || this.#busy) return;
    const ready = this.options.instances().filter((i) => i.version === version && i.ready);
    if (ready.length === 0) return; // readiness and crash loops are the target's to report
    this.#busy = true;
    try {
      const results = await Promise.all(
        ready.map((i) =>
          runHealthCheck(watch.check, { host: i.host, port: i.port }, { signal: this.#abort.signal }),
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
