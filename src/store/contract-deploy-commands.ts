/** Contract tests for deploy commands, approvals and environments (see contract-deployments.ts). */
import { expect, it } from "vitest";
import { ISO, UNKNOWN_ID, expectCode, newDeployment, tick } from "./contract-deployment-fixtures";
import type { WithStore } from "./contract-deployment-fixtures";

export function describeCommandsAndApprovals(withStore: WithStore): void {
  it("delivers commands per environment in order until acknowledged", async () => {
    await withStore(async (store) => {
      const d = await store.createDeployment(newDeployment());
      const promote = await store.enqueueDeployCommand({
        environment: "production",
        deploymentId: d.id,
        command: { type: "promote", full: true },
        actor: "alice",
      });
      const other = await store.enqueueDeployCommand({
        environment: "staging",
        deploymentId: null,
        command: { type: "stop" },
        actor: "bob",
      });
      const chaos = await store.enqueueDeployCommand({
        environment: "production",
        deploymentId: null,
        command: { type: "chaos", kill: 1 },
        actor: "carol",
      });
      expect(promote).toMatchObject({
        deploymentId: d.id,
        command: { type: "promote", full: true },
        ackedAt: null,
      });
      expect(promote.createdAt).toMatch(ISO);
      expect(other.id).toBeGreaterThan(promote.id);
      expect(chaos.id).toBeGreaterThan(other.id);
      expect(await store.pendingDeployCommands("production")).toEqual([promote, chaos]);
      expect(await store.pendingDeployCommands("nowhere")).toEqual([]);

      await store.ackDeployCommands([promote.id, 987_654]);
      await store.ackDeployCommands([promote.id]);
      await store.ackDeployCommands([]);
      expect(await store.pendingDeployCommands("production")).toEqual([chaos]);
      expect(await store.pendingDeployCommands("staging")).toEqual([other]);
      const later = await store.enqueueDeployCommand({ ...chaos, command: { type: "abort" } });
      expect(later.id).toBeGreaterThan(chaos.id);
      await store.ackDeployCommands([chaos.id, later.id, other.id]);
      expect(await store.pendingDeployCommands("production")).toEqual([]);
      expect(await store.pendingDeployCommands("staging")).toEqual([]);
    });
  });

  it("rejects commands and approvals for unknown deployments", async () => {
    await withStore(async (store) => {
      const command = { environment: "production", deploymentId: UNKNOWN_ID, command: {}, actor: "a" };
      await expectCode(store.enqueueDeployCommand(command), "SLUICE_E_DEPLOYMENT_NOT_FOUND");
      const approval = {
        deploymentId: UNKNOWN_ID,
        requestId: "r",
        name: "n",
        approved: true,
        by: "a",
        comment: null,
      };
      await expectCode(store.recordApproval(approval), "SLUICE_E_DEPLOYMENT_NOT_FOUND");
    });
  });

  it("keeps the first answer to an approval request", async () => {
    await withStore(async (store) => {
      const d = await store.createDeployment(newDeployment());
      const base = { deploymentId: d.id, name: "production sign-off", comment: null };
      const first = await store.recordApproval({ ...base, requestId: "r1", approved: true, by: "alice" });
      expect(first).toMatchObject({ ...base, requestId: "r1", approved: true, by: "alice" });
      expect(first.createdAt).toMatch(ISO);
      const second = await store.recordApproval({
        ...base,
        requestId: "r1",
        approved: false,
        by: "bob",
        comment: "no",
      });
      expect(second).toEqual(first);
      const raced = await Promise.all([
        store.recordApproval({
          ...base,
          requestId: "r2",
          approved: false,
          by: "carol",
          comment: "too risky",
        }),
        store.recordApproval({ ...base, requestId: "r2", approved: true, by: "dave" }),
      ]);
      expect(raced[1]).toEqual(raced[0]);
      expect(await store.listApprovals(d.id)).toEqual([first, raced[0]]);
      expect(await store.listApprovals(UNKNOWN_ID)).toEqual([]);
    });
  });
}

export function describeEnvironments(withStore: WithStore): void {
  it("creates environments with nulls and updates only the given fields", async () => {
    await withStore(async (store) => {
      expect(await store.getEnvironment("production")).toBeNull();
      const created = await store.upsertEnvironment("production", { agentPid: 4242, routerUrl: undefined });
      expect(created).toEqual({
        name: "production",
        stableVersion: null,
        stableDeploymentId: null,
        agentPid: 4242,
        heartbeatAt: null,
        routerUrl: null,
        live: null,
        updatedAt: created.updatedAt,
      });
      expect(created.updatedAt).toMatch(ISO);
      expect(await store.getEnvironment("production")).toEqual(created);
      await tick();
      const live = { weights: { stable: 80, canary: 20 }, versions: ["1.1.0", "1.2.0"] };
      const updated = await store.upsertEnvironment("production", {
        stableVersion: "1.1.0",
        heartbeatAt: "2024-01-01T00:00:00.000Z",
        routerUrl: "http://127.0.0.1:8080",
        live,
      });
      expect(updated).toMatchObject({
        agentPid: 4242,
        stableVersion: "1.1.0",
        live,
        stableDeploymentId: null,
      });
      expect(updated.updatedAt > created.updatedAt).toBe(true);
      const cleared = await store.upsertEnvironment("production", { agentPid: null, live: null });
      expect(cleared).toEqual({ ...updated, agentPid: null, live: null, updatedAt: cleared.updatedAt });
      expect(await store.upsertEnvironment("production", {})).toEqual({
        ...cleared,
        updatedAt: expect.any(String),
      });
      const staging = await store.upsertEnvironment("staging", { stableVersion: "2.0.0" });
      expect(await store.listEnvironments()).toEqual([await store.getEnvironment("production"), staging]);
    });
  });
}
