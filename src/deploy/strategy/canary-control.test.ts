import { describe, expect, it } from "vitest";
import type { CanarySpec } from "./canary";
import { canaryDriver as driver, healthy, toAnalysis } from "./fixtures/canary";
import { T0, kinds, ofType, ready } from "./fixtures/harness";

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
