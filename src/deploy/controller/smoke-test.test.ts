import { describe, expect, it } from "vitest";
import { judgeWorkflowRun, runSmokeTest } from "./smoke-test";

describe("workflow smoke tests", () => {
  it("pass only when the job ran and succeeded", () => {
    const report = (jobs: unknown[], skipped: unknown[] = []) => JSON.stringify({ jobs, skipped });
    expect(judgeWorkflowRun(report([{ id: "smoke", conclusion: "success" }]), "smoke")).toBeNull();
    expect(judgeWorkflowRun(report([{ id: "smoke", conclusion: "failure" }]), "smoke")).toMatch(
      /ended failure/,
    );
    expect(
      judgeWorkflowRun(report([], [{ workflow: "smoke.yml", reason: "push does not trigger it" }]), "smoke"),
    ).toMatch(/did not run: push does not trigger it .*workflow_dispatch/);
    expect(judgeWorkflowRun("not json", "smoke")).toMatch(/did not report a result/);
  });
});

describe("command smoke tests", () => {
  it("pass on exit 0, fail with the last output lines or on timeout", async () => {
    expect(await runSmokeTest({ command: "exit 0", cwd: ".", env: {}, timeoutMs: 5000 })).toEqual({
      ok: true,
    });
    const failed = await runSmokeTest({
      command: "echo nope >&2; exit 3",
      cwd: ".",
      env: {},
      timeoutMs: 5000,
    });
    expect(failed).toEqual({ ok: false, reason: "exited with 3: nope" });
    const slow = await runSmokeTest({ command: "sleep 5", cwd: ".", env: {}, timeoutMs: 200 });
    expect(slow).toEqual({ ok: false, reason: "timed out after 200 ms" });
    const env = await runSmokeTest({
      command: 'test "$URL" = http://x',
      cwd: ".",
      env: { URL: "http://x" },
      timeoutMs: 5000,
    });
    expect(env.ok).toBe(true);
  });
});
