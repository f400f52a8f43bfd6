import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import type { DeployCommandRecord, DeploymentRecord } from "../../store/deployment-types";
import { openStore } from "../../store/registry";
import type { Store } from "../../store/types";
import { checkEnvironmentApprovals, environmentApprovalId } from "./environment-approvals";

let dir: string;
let store: Store;
let deployment: DeploymentRecord;

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "sluice-approvals-"));
  store = await openStore({ type: "sqlite", path: path.join(dir, "sluice.db") });
  deployment = await store.createDeployment({
    environment: "production",
    version: "v2",
    previousVersion: "v1",
    strategy: "canary",
    phase: "pending",
    spec: {},
    state: null,
    actor: "ann",
    runId: null,
    ref: null,
    sha: null,
    artifact: null,
  });
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

async function command(type: string, extra: Record<string, unknown> = {}): Promise<DeployCommandRecord> {
  return store.enqueueDeployCommand({
    environment: "production",
    deploymentId: deployment.id,
    command: { type, ...extra },
    actor: "bob",
  });
}

const answer = (name: string, approved: boolean, by = "carol") =>
  store.recordApproval({
    deploymentId: deployment.id,
    requestId: environmentApprovalId(name),
    name,
    approved,
    by,
    comment: null,
  });

describe("checkEnvironmentApprovals", () => {
  it("waits for every required approval, listing the missing ones", async () => {
    expect(await checkEnvironmentApprovals(store, deployment, ["qa", "security"], [], 0)).toEqual({
      outcome: "waiting",
      consumed: [],
      missing: ["qa", "security"],
    });
    await answer("qa", true);
    expect(await checkEnvironmentApprovals(store, deployment, ["qa", "security"], [], 0)).toMatchObject({
      outcome: "waiting",
      missing: ["security"],
    });
    await answer("security", true);
    expect(await checkEnvironmentApprovals(store, deployment, ["qa", "security"], [], 0)).toEqual({
      outcome: "approved",
      consumed: [],
    });
  });

  it("a rejection refuses the rollout, naming who rejected", async () => {
    await answer("qa", false, "dave");
    expect(await checkEnvironmentApprovals(store, deployment, ["qa"], [], 0)).toEqual({
      outcome: "refused",
      reason: 'approval "qa" rejected by dave',
    });
  });

  it("promote approves every open request as its sender, and is consumed so it does not also promote", async () => {
    const promote = await command("promote");
    const gate = await checkEnvironmentApprovals(store, deployment, ["qa", "security"], [promote], 1000);
    expect(gate).toEqual({ outcome: "approved", consumed: [promote.id] });
    const answers = await store.listApprovals(deployment.id);
    expect(answers.map((a) => [a.name, a.approved, a.by])).toEqual([
      ["qa", true, "bob"],
      ["security", true, "bob"],
    ]);
  });

  it("an abort or rollback before approval refuses the rollout", async () => {
    const abort = await command("abort", { reason: "wrong build" });
    expect(await checkEnvironmentApprovals(store, deployment, ["qa"], [abort], 0)).toEqual({
      outcome: "refused",
      reason: "aborted by bob before approval: wrong build",
    });
    const rollback = await command("rollback");
    expect(await checkEnvironmentApprovals(store, deployment, ["qa"], [rollback], 0)).toMatchObject({
      outcome: "refused",
    });
  });

  it("the first answer wins: a later approval does not undo a rejection", async () => {
    await answer("qa", false, "dave");
    await answer("qa", true, "erin");
    expect((await checkEnvironmentApprovals(store, deployment, ["qa"], [], 0)).outcome).toBe("refused");
  });
});
