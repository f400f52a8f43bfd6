import { describe, expect, it } from "vitest";
import {
  decideBlueGreen,
  initialBlueGreenState,
  type BlueGreenSpec,
  type BlueGreenState,
} from "./blue-green";
import { Driver, T0, kinds, ofType, ready } from "./fixtures/harness";
import type { Observations, RolloutPhase } from "./types";

const base: BlueGreenSpec = { strategy: "blueGreen", stable: "v1", green: "v2", instances: 3 };

function driver(spec: Partial<BlueGreenSpec> = {}): Driver<BlueGreenSpec, BlueGreenState> {
  const full = { ...base, ...spec };
  return new Driver(decideBlueGreen, full, initialBlueGreenState(T0, full));
}

const both = (green = 3): Observations => ({ instances: ready({ v1: 3, v2: green }) });

describe("blue-green: the switch", () => {
  it("starts green beside blue, switches atomically once ready, keeps blue warm, then stops it", () => {
    const d = driver();
    let x = d.tick();
    expect(kinds(x.actions)).toEqual(["deployVersion"]);
    expect(x.state.phase).toBe("deploying");
    expect(x.state.weights).toEqual({ v1: 100 });
    x = d.tick(both(2), 1000);
    expect(x.state.phase).toBe("deploying");
    x = d.tick(both(3), 1000);
    expect(kinds(x.actions)).toEqual(["setWeights"]);
    expect(ofType(x.actions, "setWeights")[0]?.weights).toEqual({ v2: 100 });
    expect(x.state.phase).toBe("promoted");
    expect(x.wakeAt).toBe(d.now + 30_000);
    x = d.tick(both(), 30_000);
    expect(kinds(x.actions)).toEqual(["stopVersion", "promote"]);
    expect(ofType(x.actions, "stopVersion")[0]?.version).toBe("v1");
    expect(x.state.phase).toBe("completed");
  });

  it("a first deployment (no blue) completes as soon as green takes the traffic", () => {
    const d = driver({ stable: null });
    expect(kinds(d.tick().actions)).toEqual(["deployVersion"]);
    const x = d.tick({ instances: ready({ v2: 3 }) }, 1000);
    expect(kinds(x.actions)).toEqual(["setWeights", "promote"]);
    expect(x.state.weights).toEqual({ v2: 100 });
    expect(x.state.phase).toBe("completed");
    expect(x.wakeAt).toBeNull();
  });

  it("a rollback while blue is warm is a switch back", () => {
    const d = driver();
    d.tick();
    d.tick(both());
    const x = d.tick({ ...both(), commands: [{ type: "rollback", by: "ops" }] }, 5000);
    expect(kinds(x.actions)).toEqual(["setWeights", "stopVersion", "abort"]);
    expect(x.state.weights).toEqual({ v1: 100 });
    expect(x.state.phase).toBe("rolledBack");
  });

  it("previews with fewer instances, then scales green to full size before the switch", () => {
    const d = driver({ previewInstances: 1 });
    expect(ofType(d.tick().actions, "deployVersion")[0]?.instances).toBe(1);
    let x = d.tick(both(1));
    expect(x.state.phase).toBe("promoting");
    expect(ofType(x.actions, "scale")[0]?.instances).toBe(3);
    x = d.tick(both(1), 1000);
    expect(x.state.weights).toEqual({ v1: 100 });
    x = d.tick(both(3), 1000);
    expect(x.state.weights).toEqual({ v2: 100 });
  });

  it("green that never gets ready is stopped; blue never lost its traffic", () => {
    const d = driver({ readyTimeoutMs: 5000 });
    d.tick();
    const x = d.tick(both(0), 5000);
    expect(x.state.phase).toBe("rolledBack");
    expect(x.state.weights).toEqual({ v1: 100 });
    expect(ofType(x.actions, "stopVersion")[0]?.version).toBe("v2");
  });
});

describe("blue-green: verification", () => {
  const verified: Partial<BlueGreenSpec> = {
    smokeTest: "smoke",
    prePromotionAnalysis: "pre",
    previewRoute: { match: { header: "x-preview", value: "1" } },
  };

  function toVerifying(spec: Partial<BlueGreenSpec> = verified) {
    const d = driver(spec);
    d.tick();
    const x = d.tick(both());
    const smoke = ofType(x.actions, "runSmokeTest")[0]?.runId ?? "";
    const pre = ofType(x.actions, "startAnalysis")[0]?.runId ?? "";
    return { d, x, smoke, pre };
  }

  it("sets the preview route and runs the smoke test and the analysis side by side", () => {
    const { x } = toVerifying();
    expect(x.state.phase).toBe("verifying");
    expect(kinds(x.actions)).toEqual(["setHeaderRoute", "runSmokeTest", "startAnalysis"]);
    expect(ofType(x.actions, "setHeaderRoute")[0]).toMatchObject({ name: "preview", version: "v2" });
    expect(ofType(x.actions, "startAnalysis")[0]).toMatchObject({ scope: "prePromotion", baseline: "v1" });
  });

  it("switches only when both passed, removing the preview route", () => {
    const { d, smoke, pre } = toVerifying();
    let x = d.tick({ smokeTests: [{ runId: smoke, ok: true }] }, 1000);
    expect(x.state.phase).toBe("verifying");
    x = d.tick({ ...both(), analyses: [{ runId: pre, verdict: "pass" }] }, 1000);
    expect(x.state.phase).toBe("promoted");
    expect(ofType(x.actions, "setHeaderRoute")[0]).toMatchObject({ name: "preview", match: null });
  });

  interface Case {
    name: string;
    obs: (ids: { smoke: string; pre: string }) => Observations;
    dt?: number;
    phase: RolloutPhase;
    reason?: RegExp;
  }
  const cases: Case[] = [
    {
      name: "a failed smoke test rolls back",
      obs: ({ smoke }) => ({ smokeTests: [{ runId: smoke, ok: false, reason: "GET / 500" }] }),
      phase: "rolledBack",
      reason: /smoke test smoke failed: GET \/ 500/,
    },
    {
      name: "a smoke test without a result in time rolls back",
      obs: () => ({}),
      dt: 5 * 60_000,
      phase: "rolledBack",
      reason: /no result in time/,
    },
    {
      name: "a failed pre-promotion analysis rolls back",
      obs: ({ pre }) => ({ analyses: [{ runId: pre, verdict: "fail" }] }),
      phase: "rolledBack",
      reason: /pre-promotion analysis failed/,
    },
    {
      name: "health failures of green during verification roll back",
      obs: () => ({ health: [1, 2, 3].map(() => ({ version: "v2", ok: false })) }),
      phase: "rolledBack",
      reason: /consecutive failed health checks/,
    },
    {
      name: "an abort during verification stops green",
      obs: () => ({ commands: [{ type: "abort" }] }),
      phase: "aborted",
    },
    {
      name: "an inconclusive analysis (smoke passed) waits for promote",
      obs: ({ smoke, pre }) => ({
        smokeTests: [{ runId: smoke, ok: true }],
        analyses: [{ runId: pre, verdict: "inconclusive" }],
      }),
      phase: "awaitingPromotion",
    },
  ];
  for (const c of cases) {
    it(c.name, () => {
      const { d, smoke, pre } = toVerifying();
      const x = d.tick({ ...both(), ...c.obs({ smoke, pre }) }, c.dt ?? 1000);
      expect(x.state.phase).toBe(c.phase);
      if (c.reason) expect(x.state.reason).toMatch(c.reason);
      if (c.phase === "rolledBack" || c.phase === "aborted") {
        expect(x.state.weights).toEqual({ v1: 100 });
        expect(kinds(x.actions)).toContain("stopVersion");
        expect(ofType(x.actions, "setHeaderRoute")[0]?.match).toBeNull();
      }
    });
  }

  it("needs the configured passing health checks in a row before the switch", () => {
    const { d } = toVerifying({ healthyChecksBeforeSwitch: 2, readyTimeoutMs: 60_000 });
    let x = d.tick({ health: [{ version: "v2", ok: true }] }, 1000);
    expect(x.state.phase).toBe("verifying");
    x = d.tick({ ...both(), health: [{ version: "v2", ok: true }] }, 1000);
    expect(x.state.phase).toBe("promoted");
  });

  it("gives up when the passing health checks do not come in time", () => {
    const { d } = toVerifying({ healthyChecksBeforeSwitch: 2, readyTimeoutMs: 10_000 });
    const x = d.tick({ health: [{ version: "v2", ok: true }] }, 10_000);
    expect(x.state.phase).toBe("rolledBack");
  });
});

describe("blue-green: promotion control", () => {
  it("autoPromotion: false waits for promote (while green stays watched)", () => {
    const d = driver({ autoPromotion: false });
    d.tick();
    let x = d.tick(both());
    expect(x.state.phase).toBe("awaitingPromotion");
    expect(x.wakeAt).toBeNull();
    x = d.tick({ ...both(), health: [1, 2, 3].map(() => ({ version: "v2", ok: false })) }, 60_000);
    expect(x.state.phase).toBe("rolledBack");
    const e = driver({ autoPromotion: false });
    e.tick();
    e.tick(both());
    x = e.tick({ ...both(), commands: [{ type: "promote" }] }, 60_000);
    expect(x.state.phase).toBe("promoted");
  });

  it("a promote given during verification is remembered for when it passes", () => {
    const d = driver({ autoPromotion: false, smokeTest: "s" });
    d.tick();
    const smoke = ofType(d.tick(both()).actions, "runSmokeTest")[0]!.runId;
    d.tick({ commands: [{ type: "promote" }] }, 1000);
    const x = d.tick({ ...both(), smokeTests: [{ runId: smoke, ok: true }] }, 1000);
    expect(x.state.phase).toBe("promoted");
  });

  it("promote --full skips the rest of verification", () => {
    const d = driver({ smokeTest: "s", prePromotionAnalysis: "a" });
    d.tick();
    d.tick(both());
    const x = d.tick({ ...both(), commands: [{ type: "promote", full: true }] }, 1000);
    expect(x.state.phase).toBe("promoted");
    expect(kinds(x.actions)).toContain("stopAnalysis");
  });

  it("autoPromotionDelayMs switches after the delay", () => {
    const d = driver({ autoPromotionDelayMs: 20_000 });
    d.tick();
    const x = d.tick(both());
    expect(x.state.phase).toBe("awaitingPromotion");
    expect(x.wakeAt).toBe(T0 + 20_000);
    expect(d.tick(both(), 20_000).state.phase).toBe("promoted");
  });

  it("post-promotion analysis keeps blue warm until it passes; a fail switches back", () => {
    const d = driver({ postPromotionAnalysis: "post", scaleDownDelayMs: 1000 });
    d.tick();
    let x = d.tick(both());
    const post = ofType(x.actions, "startAnalysis")[0]!;
    expect(post.scope).toBe("postPromotion");
    x = d.tick(both(), 60_000);
    expect(x.state.phase).toBe("promoted");
    x = d.tick({ ...both(), analyses: [{ runId: post.runId, verdict: "pass" }] }, 1000);
    expect(x.state.scaleDownAt).toBe(d.now + 1000);
    expect(d.tick(both(), 1000).state.phase).toBe("completed");

    const e = driver({ postPromotionAnalysis: "post" });
    e.tick();
    const run = ofType(e.tick(both()).actions, "startAnalysis")[0]!.runId;
    x = e.tick({ ...both(), analyses: [{ runId: run, verdict: "fail" }] }, 1000);
    expect(x.state.phase).toBe("rolledBack");
    expect(x.state.weights).toEqual({ v1: 100 });
  });

  it("an inconclusive post-promotion analysis keeps blue warm until promote", () => {
    const d = driver({ postPromotionAnalysis: "post", scaleDownDelayMs: 1000 });
    d.tick();
    const run = ofType(d.tick(both()).actions, "startAnalysis")[0]!.runId;
    let x = d.tick({ ...both(), analyses: [{ runId: run, verdict: "inconclusive" }] }, 1000);
    expect(x.state.scaleDownAt).toBeNull();
    x = d.tick(both(), 3_600_000);
    expect(x.state.phase).toBe("promoted");
    x = d.tick({ ...both(), commands: [{ type: "promote" }] }, 1000);
    expect(d.tick(both(), 1000).state.phase).toBe("completed");
  });
});

describe("blue-green: restarts", () => {
  it("a smoke test that was running is run again under a new id; the old result is ignored", () => {
    const d = driver({ smokeTest: "smoke" });
    d.tick();
    const old = ofType(d.tick(both()).actions, "runSmokeTest")[0]!.runId;
    const x = d.restart({ ...both(), smokeTests: [{ runId: old, ok: true }] }, 10_000);
    const again = ofType(x.actions, "runSmokeTest")[0]!.runId;
    expect(again).not.toBe(old);
    expect(x.state.phase).toBe("verifying");
    expect(d.tick({ ...both(), smokeTests: [{ runId: again, ok: true }] }, 1000).state.phase).toBe(
      "promoted",
    );
  });

  it("re-asserts the preview route and blue's full share", () => {
    const d = driver({
      smokeTest: "smoke",
      previewRoute: { name: "pv", match: { header: "x", value: "1" } },
    });
    d.tick();
    d.tick(both());
    const x = d.restart(both(), 1000);
    expect(ofType(x.actions, "setHeaderRoute")[0]).toMatchObject({ name: "pv", version: "v2" });
    expect(ofType(x.actions, "setWeights")[0]?.weights).toEqual({ v1: 100 });
  });

  it("promoted green that serves nothing after a restart switches back to warm blue", () => {
    const d = driver();
    d.tick();
    d.tick(both());
    const x = d.restart(both(0), 1000);
    expect(x.state.phase).toBe("rolledBack");
    expect(x.state.weights).toEqual({ v1: 100 });
  });

  it("refuses previewInstances above instances", () => {
    expect(() => driver({ previewInstances: 5 }).tick()).toThrow(
      expect.objectContaining({ code: "SLUICE_E_ROLLOUT_SPEC" }),
    );
  });
});
