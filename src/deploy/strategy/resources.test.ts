import { describe, expect, it } from "vitest";
import { canaryDriver, healthy } from "./fixtures/canary";
import type { InstanceStatus, Observations } from "./types";

const GiB = 1024 ** 3;

/** Stable at full size, one canary instance using `rss` bytes and `cpu` cores. */
function using(rss: number, cpu = 0.1): Observations {
  const instances: Record<string, InstanceStatus> = {
    v1: { ready: 4, restarts: 0 },
    v2: { ready: 1, restarts: 0, usage: { rssBytes: rss, cpuCores: cpu } },
  };
  return { instances };
}

describe("resource trigger", () => {
  const trigger = { resources: { memoryBytes: 1 * GiB, cpuCores: 1, share: 0.9, forMs: 30_000 } };

  it("rolls back when memory stays above the share of the limit for the duration", () => {
    const d = canaryDriver(trigger);
    d.tick();
    d.tick(healthy());
    d.tick(using(0.95 * GiB), 1000);
    expect(d.state.phase).not.toBe("rolledBack");
    d.tick(using(0.97 * GiB), 20_000);
    expect(d.state.phase).not.toBe("rolledBack");
    d.tick(using(0.99 * GiB), 10_000);
    expect(d.state.phase).toBe("rolledBack");
    expect(d.state.reason).toMatch(/v2 stayed above 90 % of its limit for 30s: memory 1014 MiB of 1024 MiB/);
  });

  it("starts the clock again after a measurement under the share", () => {
    const d = canaryDriver(trigger);
    d.tick();
    d.tick(healthy());
    d.tick(using(0.95 * GiB), 1000);
    d.tick(using(0.5 * GiB), 20_000);
    d.tick(using(0.95 * GiB), 5_000);
    d.tick(using(0.95 * GiB), 25_000);
    expect(d.state.phase).not.toBe("rolledBack");
    expect(d.state.history.map((e) => e.message)).toContain("v2 back under its resource limits");
  });

  it("watches CPU too, and nothing without a trigger or without usage figures", () => {
    const cpu = canaryDriver(trigger);
    cpu.tick();
    cpu.tick(healthy());
    cpu.tick(using(0.1 * GiB, 0.95), 1000);
    cpu.tick(using(0.1 * GiB, 0.99), 31_000);
    expect(cpu.state.reason).toMatch(/CPU 0\.99 of 1 cores/);

    const none = canaryDriver();
    none.tick();
    none.tick(healthy());
    none.tick(using(10 * GiB, 8), 1000);
    none.tick(using(10 * GiB, 8), 120_000);
    expect(none.state.phase).not.toBe("rolledBack");
  });
});
