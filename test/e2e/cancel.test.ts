/**
 * Cancellation end to end with the real CLI: Ctrl-C stops a running step and everything it started
 * (also a child that ignores SIGINT) within the kill grace period and records the run as cancelled;
 * a second Ctrl-C SIGKILLs the steps at once and still records the run as cancelled; a `sluice run`
 * killed with SIGKILL leaves an unfinished run (and running steps) that the next `sluice run` in the
 * same repository completes as failed (and stops).
 */
import { mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { initRepo, makeTempDir } from "../helpers/git-repo";
import { killAll, processesMatching, uniqueSeconds, waitForNoProcesses } from "../helpers/processes";
import { readStore } from "../helpers/run-store";
import { collect, runSluice, spawnSluice, waitForOutput } from "../helpers/sluice-cli";

/** Grace between SIGINT and SIGKILL for cancelled steps, shortened so the test stays fast. */
const GRACE_MS = 1500;

const dirs: string[] = [];
const leftovers: string[] = [];
afterEach(() => {
  // Whatever a failed assertion left running, end it: only processes with this test's sleep markers.
  for (const needle of leftovers.splice(0)) killAll(processesMatching(needle));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function repoWith(workflows: Record<string, string>): string {
  const repo = makeTempDir("sluice-cancel-");
  dirs.push(repo);
  mkdirSync(path.join(repo, ".github", "workflows"), { recursive: true });
  for (const [name, text] of Object.entries(workflows)) {
    writeFileSync(path.join(repo, ".github", "workflows", name), text);
  }
  initRepo(repo);
  return repo;
}

describe("cancellation", () => {
  it("Ctrl-C stops the step and its children within the grace period, runs always() steps and jobs, records the run as cancelled", async () => {
    const n = uniqueSeconds();
    // The step's foreground sleep, a background one, one that ignores SIGINT, one that ignores SIGTERM too.
    const [fg, bg, stubborn, deaf] = [`sleep ${n}`, `sleep ${n + 1}`, `sleep ${n + 2}`, `sleep ${n + 3}`];
    leftovers.push(fg, bg, stubborn, deaf);
    const repo = repoWith({
      "long.yml": `
name: long
on: push
jobs:
  long:
    runs-on: ubuntu-latest
    steps:
      - id: sleepy
        run: |
          ${bg} &
          bash -c "trap '' INT; ${stubborn}" &
          bash -c "trap '' INT TERM; ${deaf}" &
          echo step-started
          ${fg}
      - id: after
        run: echo "must not run"
      - id: on-always
        if: always()
        run: echo "always-step-ran"
      - id: on-cancelled
        if: cancelled()
        run: echo "cancelled-step-ran"
  cleanup:
    needs: long
    if: always()
    runs-on: ubuntu-latest
    steps:
      - run: echo "cleanup-job-ran"
  dependent:
    needs: long
    runs-on: ubuntu-latest
    steps:
      - run: echo "must not run"
`,
    });
    // Detached: its own process group, like a shell's foreground job that the terminal signals.
    const child = spawnSluice(["run"], {
      cwd: repo,
      env: { SLUICE_KILL_GRACE_MS: String(GRACE_MS) },
      detached: true,
    });
    const done = collect(child);
    await waitForOutput(child, (out) => out.includes("step-started"), 20_000);
    // The step's processes are all up before the interrupt.
    await expect.poll(() => processesMatching(deaf).length, { timeout: 5000 }).toBeGreaterThan(0);
    expect(processesMatching(stubborn).length).toBeGreaterThan(0);
    expect(processesMatching(fg).length).toBeGreaterThan(0);
    expect(processesMatching(bg).length).toBeGreaterThan(0);

    const interruptedAt = Date.now();
    process.kill(-child.pid!, "SIGINT");
    const result = await done;
    const tookMs = Date.now() - interruptedAt;

    expect(result.code, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toBe(1);
    // Only SIGKILL ends `deaf`, at the end of the grace period; then the time to record and exit.
    expect(tookMs).toBeGreaterThanOrEqual(GRACE_MS);
    expect(tookMs).toBeLessThan(GRACE_MS + 5000);
    expect(await waitForNoProcesses(fg, 2000)).toEqual([]);
    expect(await waitForNoProcesses(bg, 2000)).toEqual([]);
    expect(await waitForNoProcesses(stubborn, 2000)).toEqual([]);
    expect(await waitForNoProcesses(deaf, 2000)).toEqual([]);
    expect(result.stdout).not.toMatch(/must not run$/m);
    // As on GitHub, always() and cancelled() steps and always() jobs still run after a cancellation.
    expect(result.stdout).toMatch(/^\[long\] {3}always-step-ran$/m);
    expect(result.stdout).toMatch(/^\[long\] {3}cancelled-step-ran$/m);
    expect(result.stdout).toMatch(/^\[cleanup\] {3}cleanup-job-ran$/m);

    const store = readStore(repo);
    expect(store.runs).toHaveLength(1);
    expect(store.runs[0]).toMatchObject({ status: "completed", conclusion: "cancelled" });
    const jobs = Object.fromEntries(store.jobs.map((j) => [j.name, [j.status, j.conclusion]]));
    expect(jobs).toEqual({
      long: ["completed", "cancelled"],
      cleanup: ["completed", "success"],
      dependent: ["completed", "cancelled"],
    });
    const longSteps = store.steps.filter((s) => s.job_id === store.jobs.find((j) => j.name === "long")!.id);
    // The interrupted step is cancelled; `if: success()` is skipped; always() and cancelled() run.
    expect(longSteps.map((s) => [s.status, s.outcome, s.conclusion])).toEqual([
      ["completed", "cancelled", "cancelled"],
      ["completed", "skipped", "skipped"],
      ["completed", "success", "success"],
      ["completed", "success", "success"],
    ]);
  });

  it("a second Ctrl-C SIGKILLs the steps at once, records the run as cancelled and leaves nothing running", async () => {
    const n = uniqueSeconds();
    const deaf = `sleep ${n}`;
    leftovers.push(deaf);
    const repo = repoWith({
      "deaf.yml": `
name: deaf
on: push
jobs:
  deaf:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo step-started
          bash -c "trap '' INT TERM; ${deaf}"
`,
    });
    // A grace period far longer than the test: only the second Ctrl-C can end the step in time.
    const child = spawnSluice(["run"], {
      cwd: repo,
      env: { SLUICE_KILL_GRACE_MS: "600000" },
      detached: true,
    });
    const done = collect(child);
    await waitForOutput(child, (out) => out.includes("step-started"), 20_000);
    await expect.poll(() => processesMatching(deaf).length, { timeout: 5000 }).toBeGreaterThan(0);

    process.kill(-child.pid!, "SIGINT");
    // As a user would press it again: the interval is the scenario, not a wait for a condition.
    await new Promise((r) => setTimeout(r, 500));
    process.kill(-child.pid!, "SIGINT");
    const result = await done;

    expect(result.code, `stdout:\n${result.stdout}\nstderr:\n${result.stderr}`).toBe(1);
    expect(result.durationMs).toBeLessThan(60_000);
    expect(await waitForNoProcesses(deaf, 2000)).toEqual([]);
    const store = readStore(repo);
    expect(store.runs.map((r) => [r.status, r.conclusion])).toEqual([["completed", "cancelled"]]);
    expect(store.jobs.map((j) => [j.status, j.conclusion])).toEqual([["completed", "cancelled"]]);
  });

  it("a run whose sluice process was killed with SIGKILL is completed as failed by the next sluice run", async () => {
    const n = uniqueSeconds();
    const marker = `sleep ${n}`;
    leftovers.push(marker);
    const repo = repoWith({
      "long.yml": `
name: long
on: push
jobs:
  long:
    runs-on: ubuntu-latest
    steps:
      - run: |
          echo step-started
          ${marker}
`,
      "quick.yml": `
name: quick
on: workflow_dispatch
jobs:
  quick:
    runs-on: ubuntu-latest
    steps:
      - run: echo quick
`,
    });
    const child = spawnSluice(["run"], { cwd: repo });
    const done = collect(child);
    await waitForOutput(child, (out) => out.includes("step-started"), 20_000);
    const before = readStore(repo);
    expect(before.runs).toHaveLength(1);
    expect(before.runs[0]).toMatchObject({ status: "in_progress", pid: child.pid });

    await expect.poll(() => processesMatching(marker).length, { timeout: 5000 }).toBeGreaterThan(0);
    child.kill("SIGKILL");
    expect((await done).signal).toBe("SIGKILL");
    // Nothing was left to record the end of the run, nor to stop its step.
    expect(readStore(repo).runs[0]!.status).toBe("in_progress");
    expect(processesMatching(marker).length).toBeGreaterThan(0);

    const next = await runSluice(["run", "--event", "workflow_dispatch", "--json"], {
      cwd: repo,
      env: { SLUICE_KILL_GRACE_MS: String(GRACE_MS) },
    });
    expect(next.code, next.stderr).toBe(0);
    // The next run stopped the step it left, before repairing the run.
    expect(await waitForNoProcesses(marker, 2000)).toEqual([]);
    const after = readStore(repo);
    expect(after.runs).toHaveLength(2);
    const [killed, quick] = after.runs;
    expect(killed).toMatchObject({ id: before.runs[0]!.id, status: "completed", conclusion: "failure" });
    expect(killed!.completed_at).not.toBeNull();
    expect(quick).toMatchObject({ workflow_path: ".github/workflows/quick.yml", conclusion: "success" });
    const killedJobs = after.jobs.filter((j) => j.run_id === killed!.id);
    expect(killedJobs.map((j) => [j.status, j.conclusion])).toEqual([["completed", "failure"]]);
    const killedSteps = after.steps.filter((s) => killedJobs.some((j) => j.id === s.job_id));
    expect(killedSteps.map((s) => [s.status, s.conclusion])).toEqual([["completed", "failure"]]);
  });
});
