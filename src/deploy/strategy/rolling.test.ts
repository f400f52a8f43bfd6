import { describe, expect, it } from "vitest";
import { Driver, T0, kinds, ofType, ready } from "./fixtures/harness";
import {
  decideRolling,
  initialRollingState,
  rollingBudgets,
  type RollingSpec,
  type RollingState,
} from "./rolling";

const base: RollingSpec = {
  strategy: "rolling",
  stable: "v1",
  next: "v2",
  instances: 4,
  maxSurge: 1,
  maxUnavailable: 0,
};

function driver(spec: Partial<RollingSpec> = {}): Driver<RollingSpec, RollingState> {
  const full = { ...base, ...spec };
  return new Driver(decideRolling, full, initialRollingState(T0, full));
}

/**
 * Runs a rolling update where every requested instance is ready one tick later, and returns the
 * (old desired, new desired, new weight) seen after each decision.
 */
function trace(spec: Partial<RollingSpec>): [number, number, number][] {
  const d = driver(spec);
  const out: [number, number, number][] = [];
  let readyNew = 0;
  for (let i = 0; i < 40 && d.state.phase !== "completed"; i++) {
    const x = d.tick({ instances: ready({ v1: d.state.desired.v1 ?? 0, v2: readyNew }) }, 1000);
    readyNew = x.state.desired.v2 ?? 0;
    out.push([x.state.desired.v1 ?? 0, x.state.desired.v2 ?? 0, x.state.weights.v2 ?? 0]);
    const total = (x.state.desired.v1 ?? 0) + (x.state.desired.v2 ?? 0);
    const { surge } = rollingBudgets({ ...base, ...spec });
    expect(total).toBeLessThanOrEqual((spec.instances ?? base.instances) + surge);
  }
  expect(d.state.phase).toBe("completed");
  return out;
}

describe("rolling: batches (table)", () => {
  const cases: { name: string; spec: Partial<RollingSpec>; steps: [number, number, number][] }[] = [
    {
      name: "surge 1, unavailable 0: one new, then one old out, never below 4 ready",
      spec: { maxSurge: 1, maxUnavailable: 0 },
      steps: [
        [4, 1, 0],
        [3, 2, 25],
        [2, 3, 50],
        [1, 4, 75],
        [0, 4, 100],
      ],
    },
    {
      name: "surge 0, unavailable 1: one old out before each new one",
      spec: { maxSurge: 0, maxUnavailable: 1 },
      // Weights are shares of what serves: 1 new + 2 old after the second batch is a third.
      steps: [
        [3, 1, 0],
        [2, 2, 33],
        [1, 3, 67],
        [0, 4, 100],
        [0, 4, 100],
      ],
    },
    {
      name: "the 25 %/25 % defaults on 4 instances",
      spec: { maxSurge: undefined, maxUnavailable: undefined },
      steps: [
        [3, 2, 0],
        [1, 4, 67],
        [0, 4, 100],
      ],
    },
    {
      name: "surge 100 %: everything new at once, old kept until it is ready",
      spec: { maxSurge: "100%", maxUnavailable: 0 },
      steps: [
        [4, 4, 0],
        [0, 4, 100],
      ],
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(trace(c.spec)).toEqual(c.steps);
    });
  }

  it("budgets resolve like Kubernetes: surge rounds up, unavailable down, never both 0", () => {
    expect(rollingBudgets({ ...base, instances: 3, maxSurge: "25%", maxUnavailable: "25%" })).toEqual({
      surge: 1,
      unavailable: 0,
    });
    expect(rollingBudgets({ ...base, instances: 3, maxSurge: "10%", maxUnavailable: "10%" })).toEqual({
      surge: 1,
      unavailable: 0,
    });
    expect(rollingBudgets({ ...base, instances: 3, maxSurge: 0, maxUnavailable: "10%" })).toEqual({
      surge: 0,
      unavailable: 1,
    });
  });

  it("a first deployment starts everything and routes only when all are ready", () => {
    const d = driver({ stable: null });
    let x = d.tick();
    expect(ofType(x.actions, "deployVersion")[0]).toMatchObject({ version: "v2", instances: 4 });
    expect(x.state.weights).toEqual({});
    x = d.tick({ instances: ready({ v2: 4 }) }, 1000);
    expect(x.state.phase).toBe("completed");
    expect(x.state.weights).toEqual({ v2: 100 });
    expect(kinds(x.actions)).toEqual(["setWeights", "promote"]);
  });
});

describe("rolling: failures", () => {
  it("a batch that never gets ready scales the old version back and returns all traffic to it", () => {
    const d = driver({ readyTimeoutMs: 10_000 });
    d.tick({ instances: ready({ v1: 4, v2: 0 }) });
    d.tick({ instances: ready({ v1: 4, v2: 1 }) }, 1000);
    expect(d.state.desired).toEqual({ v1: 3, v2: 2 });
    let x = d.tick({ instances: ready({ v1: 3, v2: 1 }) }, 10_000);
    expect(x.state.phase).toBe("rollingBack");
    expect(ofType(x.actions, "scale")[0]).toMatchObject({ version: "v1", instances: 4 });
    expect(x.state.weights).toEqual({ v1: 75, v2: 25 });
    x = d.tick({ instances: ready({ v1: 4, v2: 1 }) }, 1000);
    expect(x.state.phase).toBe("rolledBack");
    expect(x.state.weights).toEqual({ v1: 100 });
    expect(ofType(x.actions, "stopVersion")[0]?.version).toBe("v2");
  });

  it("a crash loop of the new version rolls back at once while the old one is still at full size", () => {
    const d = driver();
    d.tick({ instances: ready({ v1: 4, v2: 0 }) });
    const x = d.tick({ instances: ready({ v1: 4, v2: 1 }, { v2: 3 }) }, 1000);
    expect(x.state.phase).toBe("rolledBack");
    expect(x.state.reason).toMatch(/crash loop/);
    expect(x.state.weights).toEqual({ v1: 100 });
  });

  it("promote --full surges everything new at once", () => {
    const d = driver();
    d.tick({ instances: ready({ v1: 4, v2: 0 }) });
    const x = d.tick(
      { instances: ready({ v1: 4, v2: 0 }), commands: [{ type: "promote", full: true }] },
      1000,
    );
    expect(x.state.desired).toEqual({ v1: 4, v2: 4 });
  });

  it("after a restart, traffic follows what is actually ready", () => {
    const d = driver();
    d.tick({ instances: ready({ v1: 4, v2: 0 }) });
    d.tick({ instances: ready({ v1: 4, v2: 1 }) }, 1000);
    d.tick({ instances: ready({ v1: 3, v2: 2 }) }, 1000);
    expect(d.state.weights).toEqual({ v1: 50, v2: 50 });
    const x = d.restart({ instances: ready({ v1: 2, v2: 0 }) }, 1000);
    expect(ofType(x.actions, "setWeights")[0]?.weights).toEqual({ v1: 100 });
  });

  it("refuses maxSurge and maxUnavailable both 0", () => {
    expect(() => driver({ maxSurge: 0, maxUnavailable: 0 }).tick()).toThrow(
      expect.objectContaining({ code: "SLUICE_E_ROLLOUT_SPEC" }),
    );
    expect(() => driver({ maxSurge: "lots" }).tick()).toThrow(
      expect.objectContaining({ code: "SLUICE_E_ROLLOUT_SPEC" }),
    );
  });
});
