/**
 * The contract every Store implementation passes (DESIGN.md: one contract suite per plug-in point).
 * Call `describeStoreContract` from an implementation's test file with a factory returning a fresh,
 * empty, migrated store; the suite closes each store it makes. `options.inProcesses` enables the
 * races between processes of the deployment part.
 */
import { describeGateResultsContract } from "./contract-gate-results";
import { describeDeploymentsContract } from "./contract-deployments";
import type { DeploymentContractOptions } from "./contract-deployments";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { describeConcurrencyGroupsContract } from "./contract-concurrency";
import type { ErrorCode } from "../core/errors";
import type { JobRecord, NewRun, RunRecord, StepRecord, Store } from "./types";

export function newRun(overrides: Partial<NewRun> = {}): NewRun {
  return {
    workflowPath: ".sluice/workflows/ci.yml",
    workflowName: "CI",
    event: "push",
    ref: "refs/heads/main",
    sha: "0123456789abcdef0123456789abcdef01234567",
    trigger: "cli",
    inputs: {},
    ...overrides,
  };
}

export function newJob(runId: string, overrides: Partial<Omit<JobRecord, "id">> = {}): Omit<JobRecord, "id"> {
  return {
    runId,
    jobKey: "build",
    name: "build",
    matrix: null,
    status: "queued",
    conclusion: null,
    startedAt: null,
    completedAt: null,
    outputs: {},
    ...overrides,
  };
}

export function newStep(
  jobId: string,
  index: number,
  overrides: Partial<Omit<StepRecord, "id">> = {},
): Omit<StepRecord, "id"> {
  return {
    jobId,
    index,
    stepKey: `__run_${index}`,
    name: `step ${index}`,
    status: "queued",
    outcome: null,
    conclusion: null,
    exitCode: null,
    startedAt: null,
    completedAt: null,
    outputs: {},
    ...overrides,
  };
}

async function expectCode(promise: Promise<unknown>, code: ErrorCode): Promise<void> {
  await expect(promise).rejects.toMatchObject({ code });
}

const ISO = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const UNKNOWN_ID = "00000000-0000-4000-8000-000000000000";

export function describeStoreContract(
  name: string,
  makeStore: () => Promise<Store>,
  options: DeploymentContractOptions = {},
): void {
  describe(`Store contract: ${name}`, () => {
    let store: Store;
    beforeEach(async () => {
      store = await makeStore();
    });
    afterEach(async () => {
      await store.close();
    });

    describeGateResultsContract(async (fn) => fn(store));
    describeDeploymentsContract(async (fn) => fn(store), options);
    describeConcurrencyGroupsContract(async (fn) => fn(store), options.inProcesses);

    describe("runs", () => {
      it("creates queued runs with fresh ids and consecutive numbers", async () => {
        const a = await store.createRun(
          newRun({ inputs: { nested: { list: [1, "two", null] }, flag: true } }),
        );
        const b = await store.createRun(newRun({ concurrencyGroup: "deploy-prod", pid: 4242 }));
        expect(a).toMatchObject({ number: 1, status: "queued", conclusion: null, pid: null });
        expect(a).toMatchObject({ startedAt: null, completedAt: null, concurrencyGroup: null });
        expect(a.createdAt).toMatch(ISO);
        expect(b).toMatchObject({ number: 2, concurrencyGroup: "deploy-prod", pid: 4242 });
        expect(a.id).not.toBe(b.id);
        expect(await store.getRun(a.id)).toEqual(a);
        expect(await store.getRun(b.id)).toEqual(b);
      });

      it("finds a run by full id, unique prefix of 4+ characters, or number", async () => {
        const run = await store.createRun(newRun());
        await store.createRun(newRun());
        expect((await store.getRun(run.id))?.id).toBe(run.id);
        expect((await store.getRun(run.id.slice(0, 8)))?.id).toBe(run.id);
        expect((await store.getRun(run.id.slice(0, 8).toUpperCase()))?.id).toBe(run.id);
        expect((await store.getRun("1"))?.id).toBe(run.id);
        expect((await store.getRun(` ${run.number} `))?.id).toBe(run.id);
        expect(await store.getRun(run.id.slice(0, 3))).toBeNull();
        expect(await store.getRun("999")).toBeNull();
        expect(await store.getRun(UNKNOWN_ID)).toBeNull();
        expect(await store.getRun("")).toBeNull();
        expect(await store.getRun("%%%%")).toBeNull();
        expect(await store.getRun("____")).toBeNull();
      });

      it("applies partial updates: undefined keeps, null clears", async () => {
        const run = await store.createRun(newRun({ concurrencyGroup: "g", pid: 1 }));
        await store.updateRun(run.id, { status: "in_progress", startedAt: "2024-01-01T00:00:00.000Z" });
        await store.updateRun(run.id, { concurrencyGroup: null, conclusion: undefined, inputs: { a: 1 } });
        await store.updateRun(run.id, {});
        expect(await store.getRun(run.id)).toEqual({
          ...run,
          status: "in_progress",
          startedAt: "2024-01-01T00:00:00.000Z",
          concurrencyGroup: null,
          inputs: { a: 1 },
        });
      });

      it("rejects updates of unknown runs with SLUICE_E_RUN_NOT_FOUND", async () => {
        await expectCode(store.updateRun(UNKNOWN_ID, { status: "completed" }), "SLUICE_E_RUN_NOT_FOUND");
        await expectCode(store.updateRun(UNKNOWN_ID, {}), "SLUICE_E_RUN_NOT_FOUND");
      });

      it("lists runs newest first, filtered and limited", async () => {
        const ci1 = await store.createRun(newRun());
        const rel = await store.createRun(newRun({ workflowPath: "release.yml", ref: "refs/tags/v1" }));
        const ci2 = await store.createRun(newRun({ ref: "refs/heads/feature" }));
        await store.updateRun(ci2.id, { status: "completed", conclusion: "success" });
        const ids = (runs: RunRecord[]): string[] => runs.map((r) => r.id);
        expect(ids(await store.listRuns())).toEqual([ci2.id, rel.id, ci1.id]);
        expect(ids(await store.listRuns({ workflowPath: ".sluice/workflows/ci.yml" }))).toEqual([
          ci2.id,
          ci1.id,
        ]);
        expect(ids(await store.listRuns({ ref: "refs/tags/v1" }))).toEqual([rel.id]);
        expect(ids(await store.listRuns({ status: "queued" }))).toEqual([rel.id, ci1.id]);
        expect(ids(await store.listRuns({ status: "queued", ref: "refs/heads/main" }))).toEqual([ci1.id]);
        expect(ids(await store.listRuns({ limit: 2 }))).toEqual([ci2.id, rel.id]);
        expect(await store.listRuns({ workflowPath: "nope.yml" })).toEqual([]);
        expect((await store.listRuns())[0]).toEqual(await store.getRun(ci2.id));
      });

      it("counts a run's number among the runs of its workflow", async () => {
        const ci1 = await store.createRun(newRun());
        const rel = await store.createRun(newRun({ workflowPath: "release.yml" }));
        const ci2 = await store.createRun(newRun());
        const ci3 = await store.createRun(newRun());
        expect(await store.countWorkflowRuns(ci1)).toBe(1);
        expect(await store.countWorkflowRuns(rel)).toBe(1);
        expect(await store.countWorkflowRuns(ci2)).toBe(2);
        expect(await store.countWorkflowRuns(ci3)).toBe(3);
        // Later runs do not change an earlier run's count.
        await store.createRun(newRun());
        expect(await store.countWorkflowRuns(ci2)).toBe(2);
        expect(await store.countWorkflowRuns({ workflowPath: "nope.yml", number: 99 })).toBe(0);
      });
    });

    describe("jobs and steps", () => {
      it("lists jobs in creation order and round-trips matrix and outputs", async () => {
        const run = await store.createRun(newRun());
        const other = await store.createRun(newRun());
        const names = ["test (20, linux)", "build", "a-lint"];
        const created: JobRecord[] = [];
        for (const jobName of names) {
          created.push(
            await store.createJob(newJob(run.id, { name: jobName, matrix: { node: 20, os: ["l"] } })),
          );
        }
        await store.createJob(newJob(other.id));
        expect(await store.listJobs(run.id)).toEqual(created);
        const [first] = created;
        await store.updateJob(first!.id, { status: "completed", conclusion: "success", outputs: { v: "1" } });
        await store.updateJob(first!.id, { matrix: null, completedAt: undefined });
        expect((await store.listJobs(run.id))[0]).toEqual({
          ...first,
          status: "completed",
          conclusion: "success",
          outputs: { v: "1" },
          matrix: null,
        });
        expect(await store.listJobs(UNKNOWN_ID)).toEqual([]);
      });

      it("rejects jobs of unknown runs and updates of unknown jobs", async () => {
        await expectCode(store.createJob(newJob(UNKNOWN_ID)), "SLUICE_E_RUN_NOT_FOUND");
        await expectCode(store.updateJob(UNKNOWN_ID, { status: "completed" }), "SLUICE_E_STORE");
      });

      it("lists steps in index order and applies partial updates", async () => {
        const run = await store.createRun(newRun());
        const job = await store.createJob(newJob(run.id));
        const s2 = await store.createStep(newStep(job.id, 2));
        const s0 = await store.createStep(newStep(job.id, 0));
        const s1 = await store.createStep(newStep(job.id, 1, { stepKey: "build" }));
        expect(await store.listSteps(job.id)).toEqual([s0, s1, s2]);
        await store.updateStep(s1.id, { status: "in_progress", startedAt: "2024-01-01T00:00:00.000Z" });
        await store.updateStep(s1.id, { status: "completed", outcome: "failure", conclusion: "success" });
        await store.updateStep(s1.id, { exitCode: 3, outputs: { digest: "sha256:abc" } });
        expect((await store.listSteps(job.id))[1]).toEqual({
          ...s1,
          status: "completed",
          startedAt: "2024-01-01T00:00:00.000Z",
          outcome: "failure",
          conclusion: "success",
          exitCode: 3,
          outputs: { digest: "sha256:abc" },
        });
        expect(await store.listSteps(UNKNOWN_ID)).toEqual([]);
      });

      it("rejects steps of unknown jobs and updates of unknown steps", async () => {
        await expectCode(store.createStep(newStep(UNKNOWN_ID, 0)), "SLUICE_E_STORE");
        await expectCode(store.updateStep(UNKNOWN_ID, { status: "completed" }), "SLUICE_E_STORE");
        await expectCode(store.updateStep(UNKNOWN_ID, {}), "SLUICE_E_STORE");
      });
    });

    describe("logs", () => {
      it("reads back appended chunks in order, per step", async () => {
        const run = await store.createRun(newRun());
        const job = await store.createJob(newJob(run.id));
        const a = await store.createStep(newStep(job.id, 0));
        const b = await store.createStep(newStep(job.id, 1));
        expect(await store.readLog(a.id)).toBe("");
        const chunks = ["line 1\n", "partial", " line\r\n", "", "ünïcødé ✓ \u0000 end\n"];
        for (const [i, chunk] of chunks.entries()) {
          await store.appendLog(a.id, chunk);
          await store.appendLog(b.id, `b${i}\n`);
        }
        expect(await store.readLog(a.id)).toBe(chunks.join(""));
        expect(await store.readLog(b.id)).toBe("b0\nb1\nb2\nb3\nb4\n");
        expect(await store.readLog(UNKNOWN_ID)).toBe("");
      });

      it("keeps many chunks in order", async () => {
        const run = await store.createRun(newRun());
        const step = await store.createStep(newStep((await store.createJob(newJob(run.id))).id, 0));
        const lines = Array.from({ length: 200 }, (_, i) => `${i}\n`);
        for (const line of lines) await store.appendLog(step.id, line);
        expect(await store.readLog(step.id)).toBe(lines.join(""));
      });

      it("rejects logs for unknown steps", async () => {
        await expectCode(store.appendLog(UNKNOWN_ID, "x"), "SLUICE_E_STORE");
      });
    });

    describe("recoverOrphans", () => {
      it("fails unfinished runs of dead processes with their unfinished jobs and steps", async () => {
        const deadPid = 999_001;
        const livePid = 999_002;
        const orphan = await store.createRun(newRun({ pid: deadPid }));
        const queuedOrphan = await store.createRun(newRun({ pid: deadPid }));
        const alive = await store.createRun(newRun({ pid: livePid }));
        const unowned = await store.createRun(newRun());
        const finished = await store.createRun(newRun({ pid: deadPid }));
        await store.updateRun(orphan.id, { status: "in_progress" });
        await store.updateRun(alive.id, { status: "in_progress" });
        await store.updateRun(finished.id, { status: "completed", conclusion: "success", completedAt: "x" });

        const done = await store.createJob(newJob(orphan.id, { status: "completed", conclusion: "success" }));
        const running = await store.createJob(newJob(orphan.id, { status: "in_progress" }));
        const waiting = await store.createJob(newJob(orphan.id));
        const aliveJob = await store.createJob(newJob(alive.id, { status: "in_progress" }));
        const doneStep = await store.createStep(
          newStep(running.id, 0, { status: "completed", outcome: "failure", conclusion: "success" }),
        );
        const runningStep = await store.createStep(newStep(running.id, 1, { status: "in_progress" }));
        const waitingStep = await store.createStep(newStep(running.id, 2));
        const aliveStep = await store.createStep(newStep(aliveJob.id, 0, { status: "in_progress" }));

        const asked: number[] = [];
        const isAlive = (pid: number): boolean => {
          asked.push(pid);
          return pid === livePid;
        };
        const repaired = await store.recoverOrphans(isAlive);
        expect([...repaired].sort()).toEqual([orphan.id, queuedOrphan.id].sort());
        expect(new Set(asked)).toEqual(new Set([deadPid, livePid]));

        for (const id of [orphan.id, queuedOrphan.id]) {
          const run = await store.getRun(id);
          expect(run).toMatchObject({ status: "completed", conclusion: "failure" });
          expect(run?.completedAt).toMatch(ISO);
        }
        expect(await store.getRun(alive.id)).toMatchObject({ status: "in_progress", conclusion: null });
        expect(await store.getRun(unowned.id)).toMatchObject({ status: "queued", conclusion: null });
        expect(await store.getRun(finished.id)).toMatchObject({ conclusion: "success", completedAt: "x" });

        const jobs = await store.listJobs(orphan.id);
        expect(jobs.map((j) => [j.id, j.status, j.conclusion])).toEqual([
          [done.id, "completed", "success"],
          [running.id, "completed", "failure"],
          [waiting.id, "completed", "failure"],
        ]);
        expect(jobs[1]?.completedAt).toMatch(ISO);
        const steps = await store.listSteps(running.id);
        expect(steps.map((s) => [s.id, s.status, s.outcome, s.conclusion])).toEqual([
          [doneStep.id, "completed", "failure", "success"],
          [runningStep.id, "completed", "failure", "failure"],
          [waitingStep.id, "completed", "failure", "failure"],
        ]);
        expect((await store.listJobs(alive.id))[0]).toEqual(aliveJob);
        expect((await store.listSteps(aliveJob.id))[0]).toEqual(aliveStep);
      });

      it("is idempotent", async () => {
        const orphan = await store.createRun(newRun({ pid: 999_001 }));
        await store.updateRun(orphan.id, { status: "in_progress" });
        expect(await store.recoverOrphans(() => false)).toEqual([orphan.id]);
        const after = await store.getRun(orphan.id);
        expect(await store.recoverOrphans(() => false)).toEqual([]);
        expect(await store.getRun(orphan.id)).toEqual(after);
      });

      it("repairs nothing in an empty store", async () => {
        expect(await store.recoverOrphans(() => false)).toEqual([]);
      });
    });

    it("closes idempotently", async () => {
      await store.close();
      await store.close();
    });
  });
}
