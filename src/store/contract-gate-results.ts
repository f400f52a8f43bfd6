/** Contract tests for the gate-result part of the Store; describeStoreContract runs them too. */
import { describe, expect, it } from "vitest";
import type { GateResultRecord, Store } from "./types";

function result(
  overrides: Partial<Omit<GateResultRecord, "id" | "createdAt">> = {},
): Omit<GateResultRecord, "id" | "createdAt"> {
  return {
    gate: "quality",
    runId: null,
    ref: "refs/heads/main",
    sha: "a".repeat(40),
    environment: null,
    passed: true,
    metrics: { coverage: { lines: 81.5 } },
    rules: [{ rule: "coverage.lines >= 80", passed: true }],
    ...overrides,
  };
}

export function describeGateResultsContract(
  withStore: (fn: (store: Store) => Promise<void>) => Promise<void>,
): void {
  describe("gate results", () => {
    it("records and returns results with their metrics", async () => {
      await withStore(async (store) => {
        const saved = await store.recordGateResult(result());
        expect(saved.id).toBeTruthy();
        expect(saved.createdAt).toBeTruthy();
        const latest = await store.latestGateResult({ gate: "quality", ref: "refs/heads/main" });
        expect(latest).toEqual(saved);
      });
    });

    it("finds the newest passing result per gate and ref", async () => {
      await withStore(async (store) => {
        await store.recordGateResult(result({ metrics: { v: 1 } }));
        await new Promise((r) => setTimeout(r, 5));
        await store.recordGateResult(result({ metrics: { v: 2 } }));
        await new Promise((r) => setTimeout(r, 5));
        await store.recordGateResult(result({ metrics: { v: 3 }, passed: false }));
        await store.recordGateResult(result({ metrics: { v: 9 }, ref: "refs/heads/dev" }));
        await store.recordGateResult(result({ metrics: { v: 8 }, gate: "other" }));
        expect((await store.latestGateResult({ gate: "quality", ref: "refs/heads/main" }))?.metrics).toEqual({
          v: 3,
        });
        expect(
          (await store.latestGateResult({ gate: "quality", ref: "refs/heads/main", passedOnly: true }))
            ?.metrics,
        ).toEqual({ v: 2 });
        expect(await store.latestGateResult({ gate: "quality", ref: "refs/heads/nope" })).toBeNull();
      });
    });

    it("can exclude a run's own results and lists a run's results", async () => {
      await withStore(async (store) => {
        const run = await store.createRun({
          workflowPath: "w.yml",
          workflowName: "w",
          event: "push",
          ref: "refs/heads/main",
          sha: "b".repeat(40),
          trigger: "test",
          inputs: {},
        });
        await store.recordGateResult(result({ metrics: { v: 1 } }));
        await new Promise((r) => setTimeout(r, 5));
        await store.recordGateResult(result({ metrics: { v: 2 }, runId: run.id }));
        const excluded = await store.latestGateResult({
          gate: "quality",
          ref: "refs/heads/main",
          excludeRunId: run.id,
        });
        expect(excluded?.metrics).toEqual({ v: 1 });
        expect((await store.listGateResults(run.id)).map((r) => r.metrics)).toEqual([{ v: 2 }]);
      });
    });
  });
}
