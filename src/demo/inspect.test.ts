import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openStore } from "../store/registry";
import { inspectLatestRun } from "./inspect";
import { useTempDirs } from "./test-fixtures";

const tempDir = useTempDirs("sluice-inspect-");

describe("inspectLatestRun", () => {
  it("returns null for a repository without runs", async () => {
    const repo = tempDir();
    expect(await inspectLatestRun(repo)).toBeNull();
  });

  it("summarises the newest run: job conclusions and the gate results it recorded", async () => {
    const repo = tempDir();
    const store = await openStore({ path: join(repo, ".sluice", "sluice.db") });
    const base = {
      workflowPath: ".github/workflows/ci.yml",
      workflowName: "ci",
      event: "push",
      ref: "refs/heads/main",
      trigger: "cli",
      inputs: {},
    };
    await store.createRun({ ...base, sha: "a".repeat(40) });
    const run = await store.createRun({ ...base, sha: "b".repeat(40) });
    await store.updateRun(run.id, { status: "completed", conclusion: "failure" });
    const job = { runId: run.id, matrix: null, startedAt: null, completedAt: null, outputs: {} };
    await store.createJob({
      ...job,
      jobKey: "test",
      name: "test",
      status: "completed",
      conclusion: "success",
    });
    await store.createJob({
      ...job,
      jobKey: "quality",
      name: "quality",
      status: "completed",
      conclusion: "failure",
    });
    await store.recordGateResult({
      gate: "quality",
      runId: run.id,
      ref: "refs/heads/main",
      sha: run.sha,
      environment: null,
      passed: false,
      metrics: { coverage: { lines: 94.76 }, tests: { failed: 0 } },
      rules: [
        { name: "coverage did not drop", severity: "fail", status: "failed", message: "low", actual: "x" },
      ],
    });
    await store.close();

    expect(await inspectLatestRun(repo)).toEqual({
      number: 2,
      sha: "b".repeat(40),
      conclusion: "failure",
      jobs: { test: "success", quality: "failure" },
      gates: [
        {
          gate: "quality",
          passed: false,
          coverageLines: 94.76,
          rules: [{ name: "coverage did not drop", severity: "fail", status: "failed", message: "low" }],
        },
      ],
    });
  });
});
