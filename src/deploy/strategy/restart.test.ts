/**
 * kill -9 at any point, then resume or return all traffic to stable — never leave traffic on a version
 * nobody watches, never promote on the word of an analysis that died with the controller.
 */
import { describe, expect, it } from "vitest";
import { initialBlueGreenState, type BlueGreenSpec } from "./blue-green";
import { decideCanary, initialCanaryState, type CanarySpec, type CanaryState } from "./canary";
import { Driver, T0, kinds, ofType, ready } from "./fixtures/harness";
import { runWorld, type WorldOptions } from "./fixtures/world";
import type { RolloutSpec, RolloutState } from "./index";
import { initialRolloutState } from "./index";
import { initialRollingState, type RollingSpec } from "./rolling";

const canary: CanarySpec = {
  strategy: "canary",
  stable: "v1",
  canary: "v2",
  instances: 4,
  steps: [
    { type: "setWeight", weight: 20 },
    { type: "pause", durationMs: 60_000 },
    { type: "analysis", analysis: "error-rate" },
    { type: "setWeight", weight: 50 },
    { type: "approval", name: "qa" },
    { type: "pause", durationMs: 30_000 },
  ],
  backgroundAnalysis: { analysis: "bg" },
};

function atAnalysis(): { d: Driver<CanarySpec, CanaryState>; runId: string } {
  const d = new Driver(decideCanary, canary, initialCanaryState(T0, canary));
  d.tick();
  d.tick({ instances: ready({ v1: 4, v2: 1 }) });
  d.tick({ instances: ready({ v1: 4, v2: 1 }) }, 60_000);
  const step = d.state.step;
  if (step?.kind !== "analysis") throw new Error("not at the analysis step");
  return { d, runId: step.runId };
}

describe("restart from a persisted mid-rollout state", () => {
  it("an analysis that was running resumes under a new id; the dead run's pass never promotes", () => {
    const { d, runId } = atAnalysis();
    const x = d.restart(
      { instances: ready({ v1: 4, v2: 1 }), analyses: [{ runId, verdict: "pass" }] },
      10_000,
    );
    expect(x.state.stepIndex).toBe(2);
    expect(x.state.phase).toBe("progressing");
    const started = ofType(x.actions, "startAnalysis");
    expect(started.map((a) => a.scope).sort()).toEqual(["background", "step"]);
    const fresh = started.find((a) => a.scope === "step")!.runId;
    expect(fresh).not.toBe(runId);
    expect(ofType(x.actions, "stopAnalysis").map((a) => a.runId)).toContain(runId);
    expect(ofType(x.actions, "promote")).toEqual([]);
    // A late verdict of the old run, after the restart, still counts for nothing.
    expect(d.tick({ analyses: [{ runId, verdict: "pass" }] }, 1000).state.stepIndex).toBe(2);
    // The new run decides.
    expect(d.tick({ analyses: [{ runId: fresh, verdict: "pass" }] }, 1000).state.stepIndex).toBe(3);
  });

  it("the resumed analysis gets its whole time again, and still rolls back if it never answers", () => {
    const { d } = atAnalysis();
    const x = d.restart({ instances: ready({ v1: 4, v2: 1 }) }, 14 * 60_000);
    expect(x.state.step).toMatchObject({ kind: "analysis", deadline: d.now + 15 * 60_000 });
    d.tick({}, 15 * 60_000);
    expect(d.state.phase).toBe("rolledBack");
  });

  it("a canary found not ready after the restart loses its traffic until it is ready again", () => {
    const { d } = atAnalysis();
    let x = d.restart({ instances: ready({ v1: 4, v2: 0 }) }, 5000);
    expect(ofType(x.actions, "setWeights")[0]?.weights).toEqual({ v1: 100 });
    expect(kinds(x.actions).slice(0, 2)).toEqual(["deployVersion", "deployVersion"]);
    x = d.tick({ instances: ready({ v1: 4, v2: 1 }) }, 1000);
    expect(x.state.weights).toEqual({ v1: 80, v2: 20 });
    expect(x.state.restore).toBeNull();
  });

  it("…and rolls back if it does not come back in time", () => {
    const { d } = atAnalysis();
    d.restart({ instances: ready({ v1: 4, v2: 0 }) }, 5000);
    d.tick({ instances: ready({ v1: 4, v2: 0 }) }, 120_000);
    expect(d.state.phase).toBe("rolledBack");
    expect(d.state.reason).toMatch(/not ready again after the controller restarted/);
  });

  it("a pause counts only watched time: the unwatched gap is added to its end", () => {
    const d = new Driver(decideCanary, canary, initialCanaryState(T0, canary));
    d.tick();
    d.tick({ instances: ready({ v1: 4, v2: 1 }) });
    const x = d.restart({ instances: ready({ v1: 4, v2: 1 }) }, 50_000);
    expect(x.state.step).toEqual({ kind: "pause", until: T0 + 110_000 });
    expect(x.wakeAt).toBe(T0 + 110_000);
  });

  it("an approval given while the controller was down counts, and the request is re-sent", () => {
    const d = new Driver(decideCanary, canary, initialCanaryState(T0, canary));
    d.tick();
    d.tick({ instances: ready({ v1: 4, v2: 1 }) });
    d.tick({}, 60_000);
    const run = (d.state.step as { runId: string }).runId;
    d.tick({ analyses: [{ runId: run, verdict: "pass" }] }, 1000);
    d.tick({ instances: ready({ v1: 4, v2: 2 }) }, 1000);
    expect(d.state.phase).toBe("awaitingApproval");
    const x = d.restart({
      instances: ready({ v1: 4, v2: 2 }),
      approvals: [{ requestId: "step4", approved: true, by: "ann" }],
    });
    expect(ofType(x.actions, "awaitApproval")).toHaveLength(1);
    expect(x.state.phase).toBe("paused");
  });

  it("onResume: rollback returns all traffic to stable at once", () => {
    const spec = { ...canary, onResume: "rollback" as const };
    const d = new Driver(decideCanary, spec, initialCanaryState(T0, spec));
    d.tick();
    d.tick({ instances: ready({ v1: 4, v2: 1 }) });
    const x = d.restart({ instances: ready({ v1: 4, v2: 1 }) }, 1000);
    expect(x.state.phase).toBe("rolledBack");
    expect(x.state.weights).toEqual({ v1: 100 });
    expect(ofType(x.actions, "startAnalysis")).toEqual([]);
  });

  it("a terminal state re-applies its end (the actions may not have run before the crash)", () => {
    const { d } = atAnalysis();
    d.tick({ commands: [{ type: "abort" }] });
    const x = d.restart({}, 1000);
    expect(kinds(x.actions)).toEqual(["deployVersion", "setWeights", "stopVersion", "abort"]);
    expect(ofType(x.actions, "deployVersion")[0]).toMatchObject({ version: "v1", instances: 4 });
    expect(ofType(x.actions, "setWeights")[0]?.weights).toEqual({ v1: 100 });
    expect(x.state.phase).toBe("aborted");
  });

  it("a promoted canary that is not serving after the restart switches back to the warm stable", () => {
    const d = new Driver(decideCanary, canary, initialCanaryState(T0, canary));
    d.tick();
    d.tick({ instances: ready({ v1: 4, v2: 1 }), commands: [{ type: "promote", full: true }] });
    d.tick({ instances: ready({ v1: 4, v2: 4 }) });
    expect(d.state.phase).toBe("promoted");
    const x = d.restart({ instances: ready({ v1: 4, v2: 0 }) }, 1000);
    expect(x.state.phase).toBe("rolledBack");
    expect(x.state.weights).toEqual({ v1: 100 });
  });

  it("a promoted canary that still serves resumes the scale-down, shifted by the gap", () => {
    const d = new Driver(decideCanary, canary, initialCanaryState(T0, canary));
    d.tick();
    d.tick({ instances: ready({ v1: 4, v2: 1 }), commands: [{ type: "promote", full: true }] });
    d.tick({ instances: ready({ v1: 4, v2: 4 }) });
    const x = d.restart({ instances: ready({ v1: 4, v2: 4 }) }, 20_000);
    expect(x.state.phase).toBe("promoted");
    expect(x.state.scaleDownAt).toBe(T0 + 50_000);
    expect(kinds(x.actions)).not.toContain("promote");
  });
});

const blueGreen: BlueGreenSpec = {
  strategy: "blueGreen",
  stable: "v1",
  green: "v2",
  instances: 3,
  smokeTest: "smoke",
  prePromotionAnalysis: "pre",
  postPromotionAnalysis: "post",
  previewRoute: { match: { header: "x-preview", value: "1" } },
};
const rolling: RollingSpec = {
  strategy: "rolling",
  stable: "v1",
  next: "v2",
  instances: 4,
  maxSurge: 1,
  maxUnavailable: 0,
};

const scenarios: { name: string; spec: RolloutSpec; init: (now: number) => RolloutState }[] = [
  { name: "canary", spec: canary, init: (now) => initialCanaryState(now, canary) },
  { name: "blue-green", spec: blueGreen, init: (now) => initialBlueGreenState(now, blueGreen) },
  { name: "rolling", spec: rolling, init: (now) => initialRollingState(now, rolling) },
  {
    name: "canary, first deployment",
    spec: { ...canary, stable: null },
    init: (now) => initialRolloutState({ ...canary, stable: null }, now),
  },
];

const worlds: { name: string; opts: Omit<WorldOptions, "good"> }[] = [
  {
    name: "instances survive",
    opts: {
      crashBeforePersist: 0.1,
      crashAfterPersist: 0.15,
      instancesDieWithController: false,
      analysisTicks: 3,
    },
  },
  {
    name: "instances die with the controller",
    opts: {
      crashBeforePersist: 0.05,
      crashAfterPersist: 0.1,
      instancesDieWithController: true,
      analysisTicks: 2,
    },
  },
];

describe("kill -9 at any point (seeded simulation, 200 runs per case)", () => {
  for (const s of scenarios) {
    for (const w of worlds) {
      it(`${s.name}, ${w.name}: a good version completes, a bad one never gets promoted`, () => {
        let crashes = 0;
        for (let seed = 1; seed <= 200; seed++) {
          for (const good of [true, false]) {
            const run = runWorld(s.spec, s.init(T0), { ...w.opts, good }, seed);
            crashes += run.crashes;
            const label = `${s.name} seed ${seed} good=${good}: ${run.state.reason ?? ""}`;
            expect(run.violations, label).toEqual([]);
            if (good) {
              expect(run.state.phase, label).toBe("completed");
              expect(run.weights, label).toEqual({ v2: 100 });
              expect(Object.keys(run.running), label).toEqual(["v2"]);
            } else if (s.spec.stable === null && run.state.phase === "completed") {
              // A first deployment completes as soon as it takes the traffic (nothing to keep warm or
              // to return to); a bad one is only stopped if a trigger fired before the switch.
              expect(run.weights, label).toEqual({ v2: 100 });
            } else {
              expect(["rolledBack", "aborted"], label).toContain(run.state.phase);
              expect(run.promoted, label).not.toContain("v2");
              const stable = s.spec.stable;
              expect(run.weights, label).toEqual(stable === null ? {} : { [stable]: 100 });
              expect(run.running.v2, label).toBeUndefined();
            }
          }
        }
        expect(crashes).toBeGreaterThan(100);
      });
    }
  }
});
