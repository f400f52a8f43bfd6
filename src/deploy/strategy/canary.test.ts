import { describe, expect, it } from "vitest";
import { decideCanary, initialCanaryState, type CanarySpec, type CanaryState } from "./canary";
import { canaryBase as base, canaryDriver as driver, healthy } from "./fixtures/canary";
import { T0, kinds, ofType, ready } from "./fixtures/harness";
import type { Observations, RolloutPhase } from "./types";

describe("canary: the happy path, step by step", () => {
  it("deploys one canary instance and waits for it before any traffic moves", () => {
    const d = driver();
    const first = d.tick();
    expect(kinds(first.actions)).toEqual(["deployVersion"]);
    expect(ofType(first.actions, "deployVersion")[0]).toEqual({
      type: "deployVersion",
      version: "v2",
      instances: 1,
    });
    expect(first.state).toMatchObject({ phase: "progressing", stepIndex: 0, weights: { v1: 100 } });
    expect(first.wakeAt).toBe(T0 + 120_000);
    expect(kinds(d.tick({ instances: ready({ v1: 4, v2: 0 }) }, 1000).actions)).toEqual([]);
  });

  it("walks setWeight → pause → analysis → setWeight → approval → setWeight → pause {} → promotion", () => {
    const d = driver();
    d.tick();
    let x = d.tick(healthy());
    expect(ofType(x.actions, "setWeights")[0]?.weights).toEqual({ v1: 75, v2: 25 });
    expect(x.state.phase).toBe("paused");
    expect(x.wakeAt).toBe(T0 + 60_000);

    x = d.tick(healthy(), 59_999);
    expect(x.state.stepIndex).toBe(1);
    x = d.tick(healthy(), 1);
    const start = ofType(x.actions, "startAnalysis")[0];
    expect(start).toMatchObject({ analysis: "error-rate", scope: "step", candidate: "v2", baseline: "v1" });

    x = d.tick({ ...healthy(), analyses: [{ runId: start!.runId, verdict: "pass" }] }, 1000);
    expect(ofType(x.actions, "scale")[0]).toEqual({ type: "scale", version: "v2", instances: 2 });
    expect(x.state.weights).toEqual({ v1: 75, v2: 25 });

    x = d.tick({ instances: ready({ v1: 4, v2: 2 }) }, 1000);
    expect(x.state.weights).toEqual({ v1: 50, v2: 50 });
    expect(x.state.phase).toBe("awaitingApproval");
    expect(ofType(x.actions, "awaitApproval")[0]).toMatchObject({ requestId: "step4", name: "qa" });

    x = d.tick({
      instances: ready({ v1: 4, v2: 2 }),
      approvals: [{ requestId: "step4", approved: true, by: "ann" }],
    });
    expect(ofType(x.actions, "scale")[0]?.instances).toBe(3);
    x = d.tick({ instances: ready({ v1: 4, v2: 3 }) }, 1000);
    expect(x.state.weights).toEqual({ v1: 25, v2: 75 });
    expect(x.state.phase).toBe("paused");
    expect(x.wakeAt).toBeNull(); // pause {} waits for a person, and nothing else is pending

    x = d.tick({ instances: ready({ v1: 4, v2: 3 }), commands: [{ type: "promote", by: "ann" }] }, 5000);
    expect(x.state.phase).toBe("promoting");
    expect(ofType(x.actions, "scale")[0]?.instances).toBe(4);

    x = d.tick({ instances: ready({ v1: 4, v2: 4 }) }, 1000);
    expect(kinds(x.actions)).toEqual(["setWeights"]);
    expect(x.state.weights).toEqual({ v2: 100 });
    expect(x.state.phase).toBe("promoted");
    expect(x.wakeAt).toBe(d.now + 30_000);

    x = d.tick({ instances: ready({ v1: 4, v2: 4 }) }, 30_000);
    expect(kinds(x.actions)).toEqual(["stopVersion", "promote"]);
    expect(x.state.phase).toBe("completed");
    expect(x.state.desired).toEqual({ v2: 4 });
    expect(d.tick({}, 1000).actions).toEqual([]);
  });

  it("a first deployment (no stable) skips the steps, goes to full size and completes once it takes the traffic", () => {
    const d = driver({ stable: null });
    expect(ofType(d.tick().actions, "deployVersion")[0]?.instances).toBe(4);
    expect(kinds(d.tick({ instances: ready({ v2: 3 }) }).actions)).toEqual([]);
    const x = d.tick({ instances: ready({ v2: 4 }) });
    // Nothing to keep warm and nothing to return to: no scale-down delay before it counts.
    expect(kinds(x.actions)).toEqual(["setWeights", "promote"]);
    expect(x.state.phase).toBe("completed");
    expect(x.state.weights).toEqual({ v2: 100 });
    expect(x.wakeAt).toBeNull();
    expect(x.state.history.map((e) => e.type)).toContain("completed");
  });

  it("a first deployment that fails its health checks before the switch is stopped: no traffic at all", () => {
    const d = driver({ stable: null });
    d.tick();
    d.tick({ instances: ready({ v2: 2 }) });
    const x = d.tick(
      { instances: ready({ v2: 2 }), health: [1, 2, 3].map(() => ({ version: "v2", ok: false })) },
      5000,
    );
    expect(x.state.phase).toBe("rolledBack");
    expect(x.state.weights).toEqual({});
    expect(ofType(x.actions, "abort")[0]).toMatchObject({ stable: null });
  });

  it("a rollback's two timeline events say why, then where the traffic went", () => {
    const d = driver();
    d.tick();
    d.tick(healthy());
    const x = d.tick({ ...healthy(), commands: [{ type: "rollback", by: "ann" }] }, 1000);
    const events = x.state.history.filter((e) => e.type === "rollback" || e.type === "rolled-back");
    expect(events.map((e) => e.message)).toEqual([
      "rollback requested by ann",
      "all traffic back on v1; v2 stopped",
    ]);
    expect(x.state.reason).toBe("rollback requested by ann");
  });

  it("a header route step routes matching requests to the canary; rollback removes it", () => {
    const d = driver({
      steps: [
        { type: "setHeaderRoute", name: "beta", match: { header: "x-beta", value: "1" } },
        { type: "pause" },
      ],
    });
    const x = d.tick();
    expect(ofType(x.actions, "setHeaderRoute")[0]).toMatchObject({ name: "beta", version: "v2" });
    const r = d.tick({ commands: [{ type: "abort" }] });
    expect(ofType(r.actions, "setHeaderRoute")[0]).toMatchObject({ name: "beta", match: null });
  });

  it("a lower weight scales the canary down only after traffic left it", () => {
    const d = driver({
      steps: [{ type: "setWeight", weight: 50 }, { type: "setWeight", weight: 10 }, { type: "pause" }],
    });
    d.tick();
    const x = d.tick({ instances: ready({ v1: 4, v2: 2 }) });
    expect(kinds(x.actions)).toEqual(["setWeights", "setWeights", "scale"]);
    expect(ofType(x.actions, "scale")[0]?.instances).toBe(1);
  });
});

interface TriggerCase {
  name: string;
  obs: Observations[];
  phase: RolloutPhase;
  reason?: RegExp;
}

describe("canary: rollback triggers (table)", () => {
  const cases: TriggerCase[] = [
    {
      name: "three consecutive failed health checks",
      obs: [{ health: [1, 2, 3].map(() => ({ version: "v2", ok: false, error: "503" })) }],
      phase: "rolledBack",
      reason: /3 consecutive failed health checks/,
    },
    {
      name: "failures interrupted by a pass do not add up",
      obs: [
        {
          health: [
            { version: "v2", ok: false },
            { version: "v2", ok: false },
            { version: "v2", ok: true },
          ],
        },
        {
          health: [
            { version: "v2", ok: false },
            { version: "v2", ok: false },
          ],
        },
      ],
      phase: "paused",
    },
    {
      name: "stable's failed health checks are not the canary's fault",
      obs: [{ health: [1, 2, 3, 4].map(() => ({ version: "v1", ok: false })) }],
      phase: "paused",
    },
    {
      name: "a crash loop (3 restarts in the window)",
      obs: [
        { instances: ready({ v1: 4, v2: 1 }, { v2: 1 }) },
        { instances: ready({ v1: 4, v2: 1 }, { v2: 3 }) },
      ],
      phase: "rolledBack",
      reason: /crash loop/,
    },
    {
      name: "a user abort",
      obs: [{ commands: [{ type: "abort", by: "bob", reason: "typo" }] }],
      phase: "aborted",
      reason: /aborted by bob: typo/,
    },
    {
      name: "a user rollback",
      obs: [{ commands: [{ type: "rollback", by: "bob" }] }],
      phase: "rolledBack",
      reason: /rollback requested by bob/,
    },
    {
      name: "abort wins over a promote in the same batch",
      obs: [{ commands: [{ type: "promote", full: true }, { type: "abort" }] }],
      phase: "aborted",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const d = driver();
      d.tick();
      d.tick(healthy());
      for (const o of c.obs) d.tick({ instances: ready({ v1: 4, v2: 1 }), ...o }, 1000);
      expect(d.state.phase).toBe(c.phase);
      if (c.reason) expect(d.state.reason).toMatch(c.reason);
      if (c.phase === "rolledBack" || c.phase === "aborted") {
        const acts = d.last!.actions;
        expect(d.state.weights).toEqual({ v1: 100 });
        expect(ofType(acts, "setWeights").at(-1)?.weights).toEqual({ v1: 100 });
        expect(ofType(acts, "stopVersion")[0]).toMatchObject({ version: "v2" });
        expect(ofType(acts, "abort")[0]).toMatchObject({ stable: "v1" });
        expect(d.last!.wakeAt).toBeNull();
      }
    });
  }

  it("crashes spread wider than the window do not count as a loop", () => {
    const d = driver({ crashLoopWindowMs: 10_000 });
    d.tick();
    d.tick(healthy());
    d.tick({ instances: ready({ v1: 4, v2: 1 }, { v2: 2 }) }, 1000);
    d.tick({ instances: ready({ v1: 4, v2: 1 }, { v2: 3 }) }, 20_000);
    expect(d.state.phase).not.toBe("rolledBack");
    expect(d.state.counters.crashTimes).toHaveLength(1);
  });

  it("a restart count that went down (the target restarted) counts as fresh crashes", () => {
    const d = driver();
    d.tick();
    d.tick({ instances: ready({ v1: 4, v2: 1 }, { v2: 2 }) });
    d.tick({ instances: ready({ v1: 4, v2: 1 }, { v2: 1 }) }, 1000);
    expect(d.state.phase).toBe("rolledBack");
  });
});

describe("canary: input checks", () => {
  it.each([
    [{ instances: 0 }],
    [{ canary: "v1" }],
    [{ steps: [{ type: "setWeight" as const, weight: 120 }] }],
    [{ steps: [{ type: "pause" as const, durationMs: -1 }] }],
    [{ backgroundAnalysis: { analysis: "x", startingStep: 99 } }],
  ])("refuses an inconsistent spec %j with SLUICE_E_ROLLOUT_SPEC", (bad) => {
    const spec = { ...base, ...bad } as CanarySpec;
    expect(() => decideCanary(spec, initialCanaryState(T0, base), {}, T0)).toThrow(
      expect.objectContaining({ code: "SLUICE_E_ROLLOUT_SPEC" }),
    );
  });

  it("refuses another strategy's state with SLUICE_E_ROLLOUT_STATE", () => {
    const state = { ...initialCanaryState(T0, base), strategy: "rolling" } as unknown as CanaryState;
    expect(() => decideCanary(base, state, {}, T0)).toThrow(
      expect.objectContaining({ code: "SLUICE_E_ROLLOUT_STATE" }),
    );
    const old = { ...initialCanaryState(T0, base), schema: 7 } as unknown as CanaryState;
    expect(() => decideCanary(base, old, {}, T0)).toThrow(
      expect.objectContaining({ code: "SLUICE_E_ROLLOUT_STATE" }),
    );
  });

  it("is deterministic: the same input gives the same decision", () => {
    const s = initialCanaryState(T0, base);
    expect(decideCanary(base, s, healthy(), T0)).toEqual(decideCanary(base, s, healthy(), T0));
  });
});
