import { describe, expect, it } from "vitest";
import { assessAnalysis, initialAnalysisState, judgeOutcome } from "./assess";
import type { AnalysisOutcome } from "./assess";
import { thresholdJudge } from "./judge/threshold";
import type { JudgeResult } from "./judge/types";

const at = new Date(0);
const judged = (verdict: JudgeResult["verdict"], final?: boolean): AnalysisOutcome => ({
  kind: "judged",
  result: {
    verdict,
    reason: `judge said ${verdict}`,
    details: {},
    ...(final === undefined ? {} : { final }),
  },
  at,
});
const error: AnalysisOutcome = { kind: "error", error: "prometheus: timeout", at };
const run = (outcomes: AnalysisOutcome[], limits = {}) =>
  assessAnalysis(initialAnalysisState(), outcomes, limits);

describe("assessAnalysis (Argo Rollouts AnalysisRun limits)", () => {
  it("continues while nothing trips, and succeeds when count is reached", () => {
    expect(run([judged("pass"), judged("pass")])).toMatchObject({
      decision: "continue",
      state: { phase: "running", successful: 2 },
    });
    const done = run([judged("pass"), judged("pass"), judged("pass")], { count: 3 });
    expect(done).toMatchObject({ decision: "promote", state: { phase: "successful" } });
  });

  it("fails on the first failure by default (failureLimit 0) and tolerates failureLimit of them", () => {
    expect(run([judged("pass"), judged("fail")])).toMatchObject({
      decision: "rollback",
      state: { phase: "failed" },
    });
    expect(run([judged("fail"), judged("fail")], { failureLimit: 2 }).decision).toBe("continue");
    const r = run([judged("fail"), judged("pass"), judged("fail"), judged("fail")], { failureLimit: 2 });
    expect(r.decision).toBe("rollback");
    expect(r.reason).toBe("failed (3) > failureLimit (2): judge said fail");
  });

  it("errors after more than consecutiveErrorLimit (default 4) query errors in a row; a success resets the run", () => {
    expect(run([error, error, error, error]).decision).toBe("continue");
    const r = run([error, error, error, error, error]);
    expect(r).toMatchObject({ decision: "rollback", state: { phase: "error", errors: 5 } });
    expect(r.reason).toMatch(
      /^consecutive errors \(5\) > consecutiveErrorLimit \(4\): query error: prometheus: timeout$/,
    );
    expect(run([error, error, error, error, judged("pass"), error, error]).state).toMatchObject({
      phase: "running",
      consecutiveErrors: 2,
      errors: 6,
    });
    expect(run([error, error], { consecutiveErrorLimit: 1 }).decision).toBe("rollback");
  });

  it("pauses when inconclusive measurements exceed inconclusiveLimit (default 0)", () => {
    expect(run([judged("inconclusive")])).toMatchObject({
      decision: "pause",
      state: { phase: "inconclusive" },
    });
    expect(run([judged("inconclusive")], { inconclusiveLimit: 1 }).decision).toBe("continue");
  });

  it("prefers rollback to a pause when both limits trip at once", () => {
    const s = { ...initialAnalysisState(), inconclusive: 1, failed: 0 };
    // One more inconclusive would pause, but this failure rolls back first.
    expect(assessAnalysis(s, [judged("fail")], { inconclusiveLimit: 1 }).decision).toBe("rollback");
  });

  it("never succeeds on looks that were all inconclusive, whatever inconclusiveLimit allows", () => {
    const thin = Array.from({ length: 5 }, () => judged("inconclusive"));
    const r = run(thin, { inconclusiveLimit: 10, count: 5 });
    expect(r).toMatchObject({ decision: "pause", state: { phase: "inconclusive", inconclusive: 5 } });
    expect(r.reason).toMatch(/^none of the 5 looks was conclusive \(5 inconclusive, 0 query errors; last: /);
    // Query errors within consecutiveErrorLimit are no data either.
    expect(run([error, judged("inconclusive")], { inconclusiveLimit: 1, count: 2 }).decision).toBe("pause");
  });

  it("the default inconclusiveLimit (0) ends the analysis at the first inconclusive look", () => {
    const r = run([judged("pass"), judged("inconclusive"), judged("pass")], { count: 5 });
    expect(r).toMatchObject({ decision: "pause", state: { phase: "inconclusive", measurements: 2 } });
    expect(r.reason).toBe(
      "1 of 2 looks inconclusive, more than inconclusiveLimit 0 (last: judge said inconclusive)",
    );
  });

  it("succeeds with inconclusive looks within inconclusiveLimit when some look passed", () => {
    const mixed = [judged("inconclusive"), judged("pass"), judged("inconclusive"), judged("pass")];
    const r = run(mixed, { inconclusiveLimit: 2, count: 4 });
    expect(r).toMatchObject({ decision: "promote", state: { phase: "successful", successful: 2 } });
    expect(r.reason).toBe("all 4 measurements taken without tripping a limit (2 passed, 2 inconclusive)");
    expect(run(mixed, { inconclusiveLimit: 1, count: 4 }).decision).toBe("pause");
  });

  it("ends early on a final pass from a sequential judge", () => {
    expect(run([judged("pass", false), judged("pass", true)], { count: 100 })).toMatchObject({
      decision: "promote",
      reason: "decided early: judge said pass",
    });
  });

  it("ignores outcomes after the analysis completed and resumes from persisted state", () => {
    const first = run([judged("fail")]);
    expect(assessAnalysis(first.state, [judged("pass")]).state).toEqual(first.state);
    const half = run([judged("pass")], { count: 2 });
    expect(
      assessAnalysis(JSON.parse(JSON.stringify(half.state)), [judged("pass")], { count: 2 }).decision,
    ).toBe("promote");
  });
});

describe("judgeOutcome", () => {
  it("reports failed queries as an error outcome instead of asking the judge", () => {
    const spec = thresholdJudge.parseSpec({ conditions: ["errorRate < 0.05"], minSamples: 0 });
    const ok = { metrics: { errorRate: { phase: "ok" as const, value: 0.01, at } } };
    const bad = {
      version: "canary",
      metrics: { errorRate: { phase: "error" as const, error: "HTTP 503", at } },
    };
    expect(judgeOutcome(thresholdJudge, spec, ok, bad, at)).toEqual({
      kind: "error",
      error: "canary.errorRate: HTTP 503",
      at,
    });
    expect(judgeOutcome(thresholdJudge, spec, ok, ok, at)).toMatchObject({
      kind: "judged",
      result: { verdict: "pass" },
    });
  });
});
