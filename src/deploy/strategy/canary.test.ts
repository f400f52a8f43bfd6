import { describe, expect, it } from "vitest";
import { decideCanary, initialCanaryState, type CanarySpec, type CanaryState } from "./canary";
import { Driver, T0, kinds, ofType, ready } from "./fixtures/harness";
import type { Observations, RolloutPhase } from "./types";

const base: CanarySpec = {
  strategy: "canary",
  stable: "v1",
  canary: "v2",
  instances: 4,
  steps: [
    { type: "setWeight", weight: 25 },
    { type: "pause", durationMs: 60_000 },
    { type: "analysis", analysis: "error-rate" },
    { type: "setWeight", weight: 50 },
    { type: "approval", name: "qa" },
    { type: "setWeight", weight: 75 },
    { type: "pause" },
  ],
  scaleDownDelayMs: 30_000,
};

function driver(spec: Partial<CanarySpec> = {}): Driver<CanarySpec, CanaryState> {
  const full = { ...base, ...spec };
  return new Driver(decideCanary, full, initialCanaryState(T0, full));
}

const healthy = (n = 4, c = 1): Observations => ({ instances: ready({ v1: 4, v2: c }) });

/** Drives the base spec to its analysis step (step 3) and returns the run id. */
function toAnalysis(d: Driver<CanarySpec, CanaryState>): string {
  d.tick();
  d.tick(healthy());
  d.tick(healthy(), 60_000);
  const step = d.state.step;
  if (step?.kind !== "analysis") throw new Error(`not at analysis: ${JSON.stringify(step)}`);
  return step.runId;
}

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

  it("a first deployment (no stable) skips the steps, goes to full size and is watched before it counts", () => {
    const d = driver({ stable: null });
    expect(ofType(d.tick().actions, "deployVersion")[0]?.instances).toBe(4);
    let x = d.tick({ instances: ready({ v2: 4 }) });
    expect(kinds(x.actions)).toEqual(["setWeights"]);
    expect(x.state.phase).toBe("promoted");
    expect(x.state.weights).toEqual({ v2: 100 });
    x = d.tick({ instances: ready({ v2: 4 }) }, 30_000);
    expect(kinds(x.actions)).toEqual(["promote"]);
    expect(x.state.phase).toBe("completed");
  });

  it("a first deployment that fails its health checks in the watch window is stopped: no traffic at all", () => {
    const d = driver({ stable: null });
    d.tick();
    d.tick({ instances: ready({ v2: 4 }) });
    const x = d.tick({ health: [1, 2, 3].map(() => ({ version: "v2", ok: false })) }, 5000);
    expect(x.state.phase).toBe("rolledBack");
    expect(x.state.weights).toEqual({});
    expect(ofType(x.actions, "abort")[0]).toMatchObject({ stable: null });
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

describe("canary: analysis", () => {
  it("a failed step analysis rolls back, even with a promote in the same batch", () => {
    const d = driver();
    const runId = toAnalysis(d);
    const x = d.tick({
      analyses: [{ runId, verdict: "fail", reason: "5xx 6%" }],
      commands: [{ type: "promote" }],
    });
    expect(x.state.phase).toBe("rolledBack");
    expect(x.state.reason).toMatch(/step analysis failed: 5xx 6%/);
    expect(ofType(x.actions, "stopAnalysis")[0]?.runId).toBe(runId);
  });

  it("an inconclusive step analysis holds until promote, which moves past it", () => {
    const d = driver();
    const runId = toAnalysis(d);
    let x = d.tick({ analyses: [{ runId, verdict: "inconclusive" }] }, 1000);
    expect(x.state.phase).toBe("paused");
    expect(x.state.hold?.source).toBe("step");
    x = d.tick({}, 3_600_000);
    expect(x.state.stepIndex).toBe(2);
    x = d.tick({ commands: [{ type: "promote" }] });
    expect(x.state.hold).toBeNull();
    expect(x.state.stepIndex).toBe(3);
  });

  it("an analysis without a verdict by its timeout rolls back", () => {
    const d = driver({
      steps: [
        { type: "setWeight", weight: 25 },
        { type: "analysis", analysis: "a", timeoutMs: 5000 },
      ],
    });
    d.tick();
    const x = d.tick(healthy());
    expect(x.wakeAt).toBe(T0 + 5000);
    expect(d.tick({}, 4999).state.phase).toBe("progressing");
    expect(d.tick({}, 1).state.reason).toMatch(/no verdict within 5s/);
  });

  it("verdicts for runs the state does not know are ignored", () => {
    const d = driver();
    toAnalysis(d);
    const x = d.tick({ analyses: [{ runId: "step:step2:999", verdict: "fail" }] });
    expect(x.state.phase).toBe("progressing");
  });

  it("background analysis starts at its step, runs until promotion, and a fail rolls back", () => {
    const d = driver({ backgroundAnalysis: { analysis: "bg", startingStep: 1 } });
    d.tick();
    expect(Object.keys(d.state.analyses)).toHaveLength(0);
    const x = d.tick(healthy());
    const bg = ofType(x.actions, "startAnalysis").find((a) => a.scope === "background");
    expect(bg?.analysis).toBe("bg");
    const r = d.tick({ analyses: [{ runId: bg!.runId, verdict: "fail" }] }, 1000);
    expect(r.state.phase).toBe("rolledBack");
  });

  it("an inconclusive background analysis holds; promote restarts it under a new id", () => {
    const d = driver({ backgroundAnalysis: { analysis: "bg" } });
    const first = d.tick();
    const bg = ofType(first.actions, "startAnalysis")[0]!.runId;
    d.tick({ ...healthy(), analyses: [{ runId: bg, verdict: "inconclusive" }] });
    expect(d.state.hold?.source).toBe("background");
    d.tick(healthy(), 120_000);
    // Held: no more exposure, even though the canary became ready for its first weight.
    expect(d.state.stepIndex).toBe(0);
    expect(d.state.weights).toEqual({ v1: 100 });
    const x = d.tick({ ...healthy(), commands: [{ type: "promote" }] });
    expect(x.state.weights).toEqual({ v1: 75, v2: 25 });
    const again = ofType(x.actions, "startAnalysis")[0]!.runId;
    expect(again).not.toBe(bg);
    expect(x.state.backgroundRunId).toBe(again);
  });

  it("promotion stops the background analysis", () => {
    const d = driver({ backgroundAnalysis: { analysis: "bg" } });
    d.tick();
    d.tick({ ...healthy(), commands: [{ type: "promote", full: true }] });
    const x = d.tick({ instances: ready({ v1: 4, v2: 4 }) });
    expect(kinds(x.actions)).toContain("stopAnalysis");
    expect(x.state.analyses).toEqual({});
  });
});

describe("canary: promote, approvals, timeouts", () => {
  it("promote is ignored while a step waits for instances", () => {
    const d = driver();
    d.tick();
    const x = d.tick({ instances: ready({ v1: 4, v2: 0 }), commands: [{ type: "promote" }] });
    expect(x.state.stepIndex).toBe(0);
    expect(x.state.history.at(-1)?.message).toMatch(/promote ignored/);
  });

  it("promote skips a timed pause", () => {
    const d = driver();
    d.tick();
    d.tick(healthy());
    const x = d.tick({ ...healthy(), commands: [{ type: "promote" }] }, 1000);
    expect(x.state.stepIndex).toBe(2);
  });

  it("a rejected approval aborts; an approval timeout rolls back", () => {
    const spec: Partial<CanarySpec> = {
      steps: [
        { type: "setWeight", weight: 25 },
        { type: "approval", name: "qa", timeoutMs: 10_000 },
      ],
    };
    const a = driver(spec);
    a.tick();
    a.tick(healthy());
    a.tick({ approvals: [{ requestId: "step1", approved: false, by: "eve" }] });
    expect(a.state.phase).toBe("aborted");
    expect(a.state.reason).toMatch(/rejected by eve/);
    const b = driver(spec);
    b.tick();
    b.tick(healthy());
    b.tick({}, 10_000);
    expect(b.state.phase).toBe("rolledBack");
  });

  it("a canary that never gets ready fails its step", () => {
    const d = driver({ readyTimeoutMs: 30_000 });
    d.tick();
    d.tick({ instances: ready({ v1: 4, v2: 0 }) }, 29_999);
    expect(d.state.phase).toBe("progressing");
    d.tick({ instances: ready({ v1: 4, v2: 0 }) }, 1);
    expect(d.state.phase).toBe("rolledBack");
    expect(d.state.reason).toMatch(/0\/1 instances ready after 30s/);
  });

  it("full promotion that never gets ready rolls back", () => {
    const d = driver();
    d.tick();
    d.tick({ ...healthy(), commands: [{ type: "promote", full: true }] });
    d.tick({ instances: ready({ v1: 4, v2: 3 }) }, 120_000);
    expect(d.state.phase).toBe("rolledBack");
  });

  it("rollback during the scale-down delay switches back to the warm stable", () => {
    const d = driver();
    d.tick();
    d.tick({ ...healthy(), commands: [{ type: "promote", full: true }] });
    d.tick({ instances: ready({ v1: 4, v2: 4 }) });
    expect(d.state.phase).toBe("promoted");
    const x = d.tick(
      { instances: ready({ v1: 4, v2: 4 }), commands: [{ type: "rollback", by: "ops" }] },
      5000,
    );
    expect(x.state.phase).toBe("rolledBack");
    expect(x.state.weights).toEqual({ v1: 100 });
    expect(kinds(x.actions)).toEqual(["setWeights", "stopVersion", "abort"]);
  });

  it("health failures after promotion, before scale-down, switch back too", () => {
    const d = driver({ healthFailureThreshold: 2 });
    d.tick();
    d.tick({ ...healthy(), commands: [{ type: "promote", full: true }] });
    d.tick({ instances: ready({ v1: 4, v2: 4 }) });
    d.tick(
      {
        health: [
          { version: "v2", ok: false },
          { version: "v2", ok: false },
        ],
      },
      1000,
    );
    expect(d.state.phase).toBe("rolledBack");
  });
});

describe("canary: rollback when stable cannot take the traffic yet", () => {
  it("waits in rollingBack for stable, then switches", () => {
    const d = driver();
    d.tick();
    d.tick(healthy());
    let x = d.tick({ instances: ready({ v1: 0, v2: 1 }), commands: [{ type: "abort" }] });
    expect(x.state.phase).toBe("rollingBack");
    expect(x.state.weights).toEqual({ v1: 75, v2: 25 });
    x = d.tick({ instances: ready({ v1: 1, v2: 1 }) }, 1000);
    expect(x.state.phase).toBe("aborted");
    expect(x.state.weights).toEqual({ v1: 100 });
  });

  it("gives up as failed when stable never comes back, leaving traffic where it is", () => {
    const d = driver({ readyTimeoutMs: 10_000 });
    d.tick();
    d.tick(healthy());
    d.tick({ instances: ready({ v1: 0, v2: 1 }), commands: [{ type: "rollback" }] });
    const x = d.tick({ instances: ready({ v1: 0, v2: 1 }) }, 10_000);
    expect(x.state.phase).toBe("failed");
    expect(x.state.weights).toEqual({ v1: 75, v2: 25 });
    expect(kinds(x.actions)).toEqual(["abort"]);
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
