/**
 * Statistical properties of the sequential judge, measured by seeded simulation (simulation.ts):
 * healthy canaries watched every simulated second at 20 requests/s per version for two minutes are
 * rarely rolled back, and real regressions are caught within seconds. The measured figures are
 * printed so a test run reports them.
 */
import { describe, expect, it } from "vitest";
import { medianSecond, simulateCanary } from "../simulation";
import type { SimulationResult, VersionProfile } from "../simulation";
import { createPrng } from "../stats/prng";
import { sequentialJudge } from "./sequential";

const spec = sequentialJudge.parseSpec({}); // α = 0.01
const healthy: VersionProfile = { errorRate: 0.005, medianMs: 100, sigma: 0.5 };
// p95 of the healthy profile is 100·e^{1.645·0.5} ≈ 227.5 ms; scaling every latency by (227.5 + 200)/227.5 moves it to +200 ms.
const p95 = 100 * Math.exp(1.6448536269514722 * 0.5);
const slower: VersionProfile = { ...healthy, medianMs: 100 * ((p95 + 200) / p95) };
const failing: VersionProfile = { ...healthy, errorRate: 0.05 };
// The stable version's history: 5 minutes as the prior, 5 more inside the baseline's window.
const history = { priorSeconds: 300, lookbackSeconds: 300 };

function simulate(
  seed: number,
  runs: number,
  canary: VersionProfile,
  extra: object = {},
): SimulationResult[] {
  const rng = createPrng(seed);
  return Array.from({ length: runs }, () =>
    simulateCanary({
      rng,
      judge: sequentialJudge,
      spec,
      baseline: healthy,
      canary,
      requestsPerSecond: 20,
      seconds: 120,
      ...extra,
    }),
  );
}

const rate = (rs: SimulationResult[]) => rs.filter((r) => r.decision === "fail").length / rs.length;

describe("sequential judge: statistical properties (seeded simulation)", () => {
  it("rolls back at most 1 % of 1000 healthy canaries monitored every second for 120 s", () => {
    const rs = simulate(20_240_601, 1000, healthy, { ...history, stopOnPass: false });
    console.info(
      `false rollbacks with stable history: ${rs.filter((r) => r.decision === "fail").length}/1000 (${(100 * rate(rs)).toFixed(1)} %)`,
    );
    expect(rate(rs)).toBeLessThanOrEqual(0.01);
  });

  it("rolls back at most 1 % of healthy canaries without stable history either", () => {
    const rs = simulate(20_240_602, 200, healthy, { stopOnPass: false });
    console.info(
      `false rollbacks without history: ${rs.filter((r) => r.decision === "fail").length}/200 (${(100 * rate(rs)).toFixed(1)} %)`,
    );
    expect(rate(rs)).toBeLessThanOrEqual(0.01);
  });

  it("detects 5 % errors against a 0.5 % baseline within seconds", () => {
    const rs = simulate(20_240_603, 200, failing, history);
    const median = medianSecond(rs);
    const bare = medianSecond(simulate(20_240_604, 100, failing));
    console.info(`5 % errors: median decision ${median} s with stable history, ${bare} s without`);
    expect(rate(rs)).toBe(1);
    expect(median).toBeLessThanOrEqual(8);
    expect(bare).toBeLessThanOrEqual(30);
  });

  it("detects a +200 ms p95 latency regression within seconds", () => {
    const rs = simulate(20_240_605, 200, slower, history);
    const median = medianSecond(rs);
    const bare = medianSecond(simulate(20_240_606, 100, slower));
    console.info(`+200 ms p95: median decision ${median} s with stable history, ${bare} s without`);
    expect(rate(rs)).toBe(1);
    expect(median).toBeLessThanOrEqual(3);
    expect(bare).toBeLessThanOrEqual(6);
  });
});
