/** Contract tests for the Store's concurrency groups; describeStoreContract runs them too. */
import { describe, expect, it } from "vitest";
import type { DeploymentContractOptions } from "./contract-deployments";
import type { JobRecord, NewRun, RunRecord, Store } from "./types";

type WithStore = (fn: (store: Store) => Promise<void>) => Promise<void>;

const run = (overrides: Partial<NewRun> = {}): NewRun => ({
  workflowPath: ".github/workflows/ci.yml",
  workflowName: "ci",
  event: "push",
  ref: "refs/heads/main",
  sha: "0".repeat(40),
  trigger: "cli",
  inputs: {},
  pid: 4242,
  ...overrides,
});

const job = (runId: string, name: string): Omit<JobRecord, "id"> => ({
  runId,
  jobKey: name,
  name,
  matrix: null,
  status: "queued",
  conclusion: null,
  startedAt: null,
  completedAt: null,
  outputs: {},
});

export function describeConcurrencyGroupsContract(
  withStore: WithStore,
  inProcesses: DeploymentContractOptions["inProcesses"],
): void {
  describe("concurrency groups", () => {
    it("lists unfinished runs and jobs of a group, whatever the case of its name", async () => {
      await withStore(async (store) => {
        const a = await store.createRun(run({ concurrencyGroup: "Deploy", pid: 11 }));
        const b = await store.createRun(run({ pid: 12 }));
        const j = await store.createJob(job(b.id, "ship"));
        await store.joinConcurrencyGroup({ kind: "job", id: j.id }, "DEPLOY");
        const done = await store.createRun(run());
        await store.updateRun(done.id, { concurrencyGroup: "deploy", status: "completed" });
        const other = await store.createRun(run());
        await store.joinConcurrencyGroup({ kind: "run", id: other.id }, "deploy-2");

        const listed = await store.listConcurrencyContenders("deploy");
        expect(listed.sort((x, y) => x.runNumber - y.runNumber)).toEqual([
          expect.objectContaining({ kind: "run", id: a.id, runId: a.id, group: "Deploy", status: "queued" }),
          expect.objectContaining({ kind: "job", id: j.id, runId: b.id, group: "DEPLOY", name: "ship" }),
        ]);
        expect(listed[0]).toMatchObject({ pid: 11, position: -1, queuedAt: a.createdAt, runNumber: 1 });
        expect(listed[1]).toMatchObject({ pid: 12, position: 0, runNumber: 2 });
        expect(listed[1]!.queuedAt >= a.createdAt).toBe(true);
        expect(await store.listConcurrencyContenders("nobody")).toEqual([]);
      });
    });

    it("lets a member claim its group only while no other member holds it", async () => {
      await withStore(async (store) => {
        const a = await store.createRun(run({ concurrencyGroup: "prod" }));
        const b = await store.createRun(run());
        const j = await store.createJob(job(b.id, "deploy"));
        await store.joinConcurrencyGroup({ kind: "job", id: j.id }, "Prod");
        const at = new Date().toISOString();

        expect(await store.claimConcurrencyGroup({ kind: "job", id: j.id }, at)).toBe(true);
        expect((await store.listJobs(b.id))[0]).toMatchObject({ status: "in_progress", startedAt: at });
        // Held by the job: the run waits, and a second claim of the job does nothing.
        expect(await store.claimConcurrencyGroup({ kind: "run", id: a.id }, at)).toBe(false);
        expect(await store.claimConcurrencyGroup({ kind: "job", id: j.id }, at)).toBe(false);
        expect(await store.getRun(a.id)).toMatchObject({ status: "queued", startedAt: null });

        await store.updateJob(j.id, { status: "completed", conclusion: "success" });
        expect(await store.claimConcurrencyGroup({ kind: "run", id: a.id }, at)).toBe(true);
        expect(await store.getRun(a.id)).toMatchObject({ status: "in_progress", startedAt: at });
        // A member without a group has nothing to claim.
        const loose = await store.createRun(run());
        expect(await store.claimConcurrencyGroup({ kind: "run", id: loose.id }, at)).toBe(false);
      });
    });

    it("rejects unknown members", async () => {
      await withStore(async (store) => {
        const unknown = "00000000-0000-4000-8000-000000000000";
        await expect(store.joinConcurrencyGroup({ kind: "run", id: unknown }, "g")).rejects.toMatchObject({
          code: "SLUICE_E_RUN_NOT_FOUND",
        });
        await expect(store.joinConcurrencyGroup({ kind: "job", id: unknown }, "g")).rejects.toMatchObject({
          code: "SLUICE_E_STORE",
        });
      });
    });

    it("stops orphans before their groups are released", async () => {
      await withStore(async (store) => {
        const orphan = await store.createRun(run({ concurrencyGroup: "g", pid: 999_001 }));
        await store.updateRun(orphan.id, { status: "in_progress" });
        const seen: unknown[] = [];
        const repaired = await store.recoverOrphans(
          () => false,
          async (orphans) => {
            seen.push(
              orphans,
              (await store.listConcurrencyContenders("g")).map((c) => c.id),
            );
          },
        );
        expect(repaired).toEqual([orphan.id]);
        expect(seen).toEqual([[{ id: orphan.id, pid: 999_001 }], [orphan.id]]);
        expect(await store.listConcurrencyContenders("g")).toEqual([]);
      });
    });

    if (inProcesses) {
      it("gives a group to exactly one of several processes claiming it at once", async () => {
        await withStore(async (store) => {
          const runs: RunRecord[] = [];
          for (let i = 0; i < 40; i++)
            runs.push(await store.createRun(run({ concurrencyGroup: `g${i % 10}` })));
          const body = `const won = [];
            for (const id of arg.ids) if (await store.claimConcurrencyGroup({ kind: "run", id }, "t")) won.push(id);
            return won;`;
          // Every process tries every run, in its own order.
          const results = (await inProcesses(store, 3, body, { ids: runs.map((r) => r.id) })) as string[][];
          const won = results.flat();
          const groups = won.map((id) => runs.find((r) => r.id === id)!.concurrencyGroup);
          expect(new Set(groups).size).toBe(10);
          expect(won).toHaveLength(10);
        });
      }, 30_000);
    }
  });
}
