/**
 * Contract tests for the deployment part of the Store (deployments, commands, approvals,
 * environments, audit trail); describeStoreContract runs them. Races between processes need the
 * implementation's help to start processes on the same database, so they run only when the caller
 * passes `inProcesses`.
 */
import { describe, expect, it } from "vitest";
import { describeAudit, describeProcessRaces } from "./contract-audit";
import { describeCommandsAndApprovals, describeEnvironments } from "./contract-deploy-commands";
import { ISO, UNKNOWN_ID, expectCode, newDeployment, tick } from "./contract-deployment-fixtures";
import type { WithStore } from "./contract-deployment-fixtures";
import type { DeploymentRecord } from "./deployment-types";
import type { Store } from "./types";

export { newDeployment } from "./contract-deployment-fixtures";

export interface DeploymentContractOptions {
  /**
   * Runs `body` in `count` separate processes at once, each with a variable `store` opened on the same
   * database as `store` and `arg` (a JSON value); `body` is the body of an async function whose return
   * value (JSON) is collected. Resolves with the return values in process order.
   */
  inProcesses?: (store: Store, count: number, body: string, arg: unknown) => Promise<unknown[]>;
}

export function describeDeploymentsContract(
  withStore: WithStore,
  options: DeploymentContractOptions = {},
): void {
  describe("deployments", () => {
    describeDeploymentRecords(withStore);
    describeCommandsAndApprovals(withStore);
    describeEnvironments(withStore);
    describeAudit(withStore);
    if (options.inProcesses) describeProcessRaces(withStore, options.inProcesses);
  });
}

function describeDeploymentRecords(withStore: WithStore): void {
  it("creates in-progress rollouts at revision 0 with increasing numbers, found by id, prefix or number", async () => {
    await withStore(async (store) => {
      const a = await store.createDeployment(newDeployment());
      const b = await store.createDeployment(
        newDeployment({ environment: "staging", previousVersion: null }),
      );
      expect(a).toMatchObject({ ...newDeployment(), status: "in_progress", revision: 0, reason: null });
      expect(a).toMatchObject({ finishedAt: null, updatedAt: a.createdAt });
      expect(a.createdAt).toMatch(ISO);
      expect(b.number).toBeGreaterThan(a.number);
      expect(a.id).not.toBe(b.id);
      expect(await store.getDeployment(a.id)).toEqual(a);
      expect(await store.getDeployment(b.id)).toEqual(b);
      expect(await store.getDeployment(a.id.slice(0, 6).toUpperCase())).toEqual(a);
      expect(await store.getDeployment(` ${a.number} `)).toEqual(a);
      expect(await store.getDeployment(String(b.number))).toEqual(b);
      expect(await store.getDeployment(a.id.slice(0, 3))).toBeNull();
      for (const key of [UNKNOWN_ID, "999999", "", "%%%%", "____"]) {
        expect(await store.getDeployment(key)).toBeNull();
      }
    });
  });

  it("refuses a second rollout of an environment while one is in progress (SLUICE_E_DEPLOY_BUSY)", async () => {
    await withStore(async (store) => {
      const first = await store.createDeployment(newDeployment());
      await expectCode(store.createDeployment(newDeployment({ version: "1.3.0" })), "SLUICE_E_DEPLOY_BUSY");
      const [x, y] = await Promise.allSettled([
        store.createDeployment(newDeployment({ environment: "qa" })),
        store.createDeployment(newDeployment({ environment: "qa" })),
      ]);
      expect([x.status, y.status].sort()).toEqual(["fulfilled", "rejected"]);
      expect(await store.activeDeployment("production")).toEqual(first);
      await store.saveDeploymentState(first.id, { ...stateOf(first), status: "completed", reason: "done" });
      expect(await store.activeDeployment("production")).toBeNull();
      const next = await store.createDeployment(newDeployment({ version: "1.3.0" }));
      expect(next.number).toBeGreaterThan(first.number);
      expect(await store.activeDeployment("production")).toEqual(next);
    });
  });

  it("saves state by compare-and-set on revision, stamping finishedAt once", async () => {
    await withStore(async (store) => {
      const d = await store.createDeployment(newDeployment());
      const r1 = await store.saveDeploymentState(d.id, {
        revision: 0,
        state: { stepIndex: 1, nested: { list: [1, "two", null] } },
        phase: "Paused",
        status: "in_progress",
        reason: "waiting for approval",
      });
      expect(r1).toBe(1);
      const paused = await store.getDeployment(d.id);
      expect(paused).toMatchObject({ revision: 1, phase: "Paused", reason: "waiting for approval" });
      expect(paused).toMatchObject({ state: { stepIndex: 1, nested: { list: [1, "two", null] } } });
      expect(paused?.finishedAt).toBeNull();
      expect(paused!.updatedAt >= d.updatedAt).toBe(true);

      await expectCode(
        store.saveDeploymentState(d.id, { ...stateOf(d), phase: "Stale" }),
        "SLUICE_E_STORE_CONFLICT",
      );
      await expectCode(
        store.saveDeploymentState(d.id, { ...stateOf(d), revision: 5 }),
        "SLUICE_E_STORE_CONFLICT",
      );
      await expectCode(store.saveDeploymentState(UNKNOWN_ID, stateOf(d)), "SLUICE_E_DEPLOYMENT_NOT_FOUND");
      expect(await store.getDeployment(d.id)).toEqual(paused);

      const save = {
        ...stateOf(paused!),
        status: "rolledBack" as const,
        phase: "Aborted",
        reason: "error rate",
      };
      expect(await store.saveDeploymentState(d.id, save)).toBe(2);
      const ended = await store.getDeployment(d.id);
      expect(ended).toMatchObject({
        status: "rolledBack",
        phase: "Aborted",
        reason: "error rate",
        revision: 2,
      });
      expect(ended?.finishedAt).toMatch(ISO);
      await tick();
      await store.saveDeploymentState(d.id, { ...save, revision: 2, reason: "error rate (p99)" });
      expect((await store.getDeployment(d.id))?.finishedAt).toBe(ended?.finishedAt);
    });
  });

  it("writes a save's audit entries in the same transaction as its state", async () => {
    await withStore(async (store) => {
      const d = await store.createDeployment(newDeployment());
      const subject = `deployment:${d.id}`;
      const audit = [
        { actor: "controller", action: "deployment.weights", subject, data: { canary: 20 } },
        { actor: "controller", action: "deployment.paused", subject, data: null },
      ];
      await store.saveDeploymentState(d.id, { ...stateOf(d), audit });
      const written = await store.listAudit({ subject });
      expect(written.map((e) => [e.seq, e.action, e.data])).toEqual([
        [1, "deployment.weights", { canary: 20 }],
        [2, "deployment.paused", null],
      ]);
      // A stale save writes neither its state nor its audit entries.
      await expectCode(store.saveDeploymentState(d.id, { ...stateOf(d), audit }), "SLUICE_E_STORE_CONFLICT");
      // An audit entry that cannot be stored (BigInt is not JSON) takes the state update down with it.
      const bad = [{ actor: "controller", action: "deployment.bad", subject, data: { n: 1n } }];
      await expect(
        store.saveDeploymentState(d.id, { ...stateOf(d), revision: 1, audit: bad }),
      ).rejects.toThrow();
      expect((await store.getDeployment(d.id))?.revision).toBe(1);
      expect(await store.listAudit()).toHaveLength(2);
      expect(await store.verifyAudit()).toEqual({ ok: true, checked: 2, brokenAt: null });
    });
  });

  it("lists deployments newest first, filtered by environment and status, limited", async () => {
    await withStore(async (store) => {
      const p1 = await store.createDeployment(newDeployment());
      await store.saveDeploymentState(p1.id, { ...stateOf(p1), status: "failed", reason: "health" });
      const s1 = await store.createDeployment(newDeployment({ environment: "staging" }));
      const p2 = await store.createDeployment(newDeployment({ version: "1.3.0" }));
      const ids = (list: DeploymentRecord[]): string[] => list.map((d) => d.id);
      expect(ids(await store.listDeployments())).toEqual([p2.id, s1.id, p1.id]);
      expect(ids(await store.listDeployments({ environment: "production" }))).toEqual([p2.id, p1.id]);
      expect(ids(await store.listDeployments({ status: "in_progress" }))).toEqual([p2.id, s1.id]);
      expect(ids(await store.listDeployments({ environment: "production", status: "failed" }))).toEqual([
        p1.id,
      ]);
      expect(ids(await store.listDeployments({ limit: 1 }))).toEqual([p2.id]);
      expect(await store.listDeployments({ environment: "nowhere" })).toEqual([]);
      expect((await store.listDeployments())[0]).toEqual(await store.getDeployment(p2.id));
    });
  });
}

/** A save of `d` as loaded: same state, revision and status. */
function stateOf(d: DeploymentRecord): {
  revision: number;
  state: unknown;
  phase: string;
  status: DeploymentRecord["status"];
  reason: string | null;
} {
  return { revision: d.revision, state: d.state, phase: d.phase, status: d.status, reason: d.reason };
}
