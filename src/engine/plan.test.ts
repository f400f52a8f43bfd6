import { describe, expect, it } from "vitest";
import { createJobState, markCancelled, markExpanded, markInstanceDone, markStarted, planNext } from "./plan";
import type { SchedulerState } from "./plan";

function state(jobs: Array<[string, string[]]>, concurrency = Infinity): SchedulerState {
  return { jobs: jobs.map(([id, needs]) => createJobState(id, needs)), concurrency, cancelled: false };
}

describe("planNext", () => {
  it("expands only jobs whose needs are all done", () => {
    const s = state([
      ["a", []],
      ["b", ["a"]],
      ["c", []],
    ]);
    expect(planNext(s)).toEqual([
      { type: "expand", jobId: "a" },
      { type: "expand", jobId: "c" },
    ]);
    markExpanded(s, "a", { count: 1 });
    markExpanded(s, "c", { skipped: "skipped" });
    expect(planNext(s)).toEqual([{ type: "start", jobId: "a", index: 0 }]);
    markStarted(s, "a", 0);
    expect(planNext(s)).toEqual([]);
    markInstanceDone(s, "a", 0, "success");
    expect(planNext(s)).toEqual([{ type: "expand", jobId: "b" }]);
  });

  it("respects run concurrency and max-parallel", () => {
    const s = state([["m", []]], 3);
    markExpanded(s, "m", { count: 5, maxParallel: 2 });
    const starts = planNext(s);
    expect(starts).toHaveLength(2);
    for (const a of starts) if (a.type === "start") markStarted(s, a.jobId, a.index);
    expect(planNext(s)).toEqual([]);
    markInstanceDone(s, "m", 0, "success");
    expect(planNext(s)).toEqual([{ type: "start", jobId: "m", index: 2 }]);
  });

  it("fail-fast cancels queued and running siblings; the job fails", () => {
    const s = state([["m", []]]);
    markExpanded(s, "m", { count: 3, maxParallel: 2 });
    markStarted(s, "m", 0);
    markStarted(s, "m", 1);
    const follow = markInstanceDone(s, "m", 0, "failure");
    expect(follow).toEqual([{ type: "cancel-instances", jobId: "m", indexes: [1] }]);
    expect(s.jobs[0]!.instances[2]).toEqual({ phase: "done", result: "cancelled" });
    markInstanceDone(s, "m", 1, "cancelled");
    expect(s.jobs[0]!.result).toBe("failure");
    expect(planNext(s)).toEqual([{ type: "complete", conclusion: "failure" }]);
  });

  it("fail-fast false lets the other instances finish", () => {
    const s = state([["m", []]]);
    markExpanded(s, "m", { count: 2, failFast: false });
    markStarted(s, "m", 0);
    markStarted(s, "m", 1);
    expect(markInstanceDone(s, "m", 0, "failure")).toEqual([]);
    markInstanceDone(s, "m", 1, "success");
    expect(s.jobs[0]!.result).toBe("failure");
  });

  it("tolerated (continue-on-error) instances neither fail the job nor trigger fail-fast", () => {
    const s = state([["m", []]]);
    markExpanded(s, "m", { count: 2, tolerated: [0] });
    markStarted(s, "m", 0);
    markStarted(s, "m", 1);
    expect(markInstanceDone(s, "m", 0, "failure")).toEqual([]);
    markInstanceDone(s, "m", 1, "success");
    expect(s.jobs[0]!.result).toBe("success");
    expect(planNext(s)).toEqual([{ type: "complete", conclusion: "success" }]);
  });

  it("cancellation cancels queued instances and concludes cancelled", () => {
    const s = state([
      ["a", []],
      ["b", ["a"]],
    ]);
    markExpanded(s, "a", { count: 2 });
    markStarted(s, "a", 0);
    markCancelled(s);
    expect(s.jobs[0]!.instances[1]!.result).toBe("cancelled");
    markInstanceDone(s, "a", 0, "cancelled");
    expect(planNext(s)).toEqual([{ type: "expand", jobId: "b" }]);
    markExpanded(s, "b", { skipped: "cancelled" });
    expect(planNext(s)).toEqual([{ type: "complete", conclusion: "cancelled" }]);
  });

  it("walks a long needs chain one job at a time, in order", () => {
    const n = 2000;
    const s = state(Array.from({ length: n }, (_, i) => [`j${i}`, i === 0 ? [] : [`j${i - 1}`]]));
    for (let i = 0; i < n; i++) {
      expect(planNext(s)).toEqual([{ type: "expand", jobId: `j${i}` }]);
      markExpanded(s, `j${i}`, { count: 1 });
      expect(planNext(s)).toEqual([{ type: "start", jobId: `j${i}`, index: 0 }]);
      markStarted(s, `j${i}`, 0);
      markInstanceDone(s, `j${i}`, 0, "success");
    }
    expect(planNext(s)).toEqual([{ type: "complete", conclusion: "success" }]);
  });

  it("a job with zero instances is done at once", () => {
    const s = state([["a", []]]);
    markExpanded(s, "a", { count: 0 });
    expect(planNext(s)).toEqual([{ type: "complete", conclusion: "success" }]);
  });
});
