/**
 * Job-level concurrency groups across `sluice run` processes of one repository, with the real CLI:
 * a job waits (recorded as queued) while a job of another run holds its group, a newer pending job
 * replaces an older one, cancel-in-progress cancels the job in the other process, and group names
 * are compared without regard to case. And after `kill -9` of a Sluice whose step was running, the
 * next run stops that step before a run of the same group may start.
 */
import { mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { initRepo, makeTempDir } from "../helpers/git-repo";
import { killAll, processesMatching, uniqueSeconds, waitForNoProcesses } from "../helpers/processes";
import { readStore } from "../helpers/run-store";
import { collect, spawnSluice, waitForOutput } from "../helpers/sluice-cli";
import type { ChildProcess } from "node:child_process";

const dirs: string[] = [];
const children: ChildProcess[] = [];
const leftovers: string[] = [];
afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null) child.kill("SIGKILL");
  for (const needle of leftovers.splice(0)) killAll(processesMatching(needle));
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

/**
 * The job holds group `inputs.g` until the file `release-<run number>` exists, logging when it
 * starts and ends; `inputs.cip` is its cancel-in-progress.
 */
const WORKFLOW = `
name: k
on:
  workflow_dispatch:
    inputs:
      g: { type: string, default: kjob }
      cip: { type: boolean, default: false }
jobs:
  one:
    runs-on: ubuntu-latest
    concurrency:
      group: \${{ inputs.g }}
      cancel-in-progress: \${{ inputs.cip }}
    steps:
      - run: |
          echo "start $(date +%s%N) $GITHUB_RUN_NUMBER" >> jobs.log
          echo "step-started $GITHUB_RUN_NUMBER"
          while [ ! -f "release-$GITHUB_RUN_NUMBER" ]; do sleep 0.05; done
          echo "end $(date +%s%N) $GITHUB_RUN_NUMBER" >> jobs.log
`;

function repo(): string {
  const dir = makeTempDir("sluice-concurrency-");
  dirs.push(dir);
  mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
  writeFileSync(path.join(dir, ".github", "workflows", "k.yml"), WORKFLOW);
  initRepo(dir);
  return dir;
}

function start(dir: string, inputs: Record<string, string>) {
  const args = ["run", "--event", "workflow_dispatch"];
  for (const [k, v] of Object.entries(inputs)) args.push("--input", `${k}=${v}`);
  const child = spawnSluice(args, { cwd: dir, env: { SLUICE_KILL_GRACE_MS: "1000" } });
  children.push(child);
  return { child, done: collect(child) };
}

/** The job row of run `number`, once recorded. */
function jobOf(dir: string, number: number) {
  const store = readStore(dir);
  const run = store.runs.find((r) => r.number === number);
  const job = run && store.jobs.find((j) => j.run_id === run.id);
  return job as (typeof store.jobs)[number] & { concurrency_group?: string | null };
}

async function until(check: () => boolean): Promise<void> {
  await expect.poll(check, { timeout: 30_000, interval: 100 }).toBe(true);
}

function logTime(dir: string, kind: string, run: number): bigint {
  const log = readFileSync(path.join(dir, "jobs.log"), "utf8");
  const m = new RegExp(`^${kind} (\\d+) ${run}$`, "m").exec(log);
  if (!m) throw new Error(`no "${kind}" of run ${run} in:\n${log}`);
  return BigInt(m[1]!);
}

describe("job-level concurrency across sluice processes", () => {
  it("queues a job behind another run's, lets a newer pending job replace it, and ignores case", async () => {
    const dir = repo();
    const first = start(dir, { g: "KJob" });
    await waitForOutput(first.child, (out) => out.includes("step-started 1"), 30_000);

    const second = start(dir, { g: "kjob" });
    // Recorded as queued while it waits, in the group as it named it.
    await until(() => jobOf(dir, 2)?.status === "queued");
    expect(jobOf(dir, 2)).toMatchObject({ concurrency_group: "kjob", conclusion: null });
    const third = start(dir, { g: "KJOB" });
    const secondResult = await second.done;
    expect(secondResult.code, secondResult.stdout + secondResult.stderr).toBe(1);
    expect(secondResult.stdout).toContain(
      'one: cancelled (replaced by a newer job in concurrency group "kjob")',
    );
    expect(jobOf(dir, 2)).toMatchObject({ status: "completed", conclusion: "cancelled" });
    await until(() => jobOf(dir, 3)?.status === "queued");
    expect(readFileSync(path.join(dir, "jobs.log"), "utf8")).not.toMatch(/ 3$/m);

    writeFileSync(path.join(dir, "release-1"), "");
    writeFileSync(path.join(dir, "release-3"), "");
    const [firstResult, thirdResult] = await Promise.all([first.done, third.done]);
    expect(firstResult.code, firstResult.stdout + firstResult.stderr).toBe(0);
    expect(thirdResult.code, thirdResult.stdout + thirdResult.stderr).toBe(0);
    expect(thirdResult.stdout).toContain('concurrency group "KJOB": waiting for job "one" of run #1');
    expect(logTime(dir, "start", 3) > logTime(dir, "end", 1)).toBe(true);
    const runs = readStore(dir).runs.map((r) => [r.number, r.conclusion]);
    expect(runs).toEqual([
      [1, "success"],
      [2, "cancelled"],
      [3, "success"],
    ]);
  }, 90_000);

  it("cancel-in-progress cancels the job running in the other process", async () => {
    const dir = repo();
    const first = start(dir, { g: "deploy" });
    await waitForOutput(first.child, (out) => out.includes("step-started 1"), 30_000);
    writeFileSync(path.join(dir, "release-2"), "");
    const second = start(dir, { g: "Deploy", cip: "true" });

    const [firstResult, secondResult] = await Promise.all([first.done, second.done]);
    expect(firstResult.code, firstResult.stdout + firstResult.stderr).toBe(1);
    expect(secondResult.code, secondResult.stdout + secondResult.stderr).toBe(0);
    expect(secondResult.stdout).toContain('concurrency group "Deploy": cancelling job "one" of run #1');
    expect(jobOf(dir, 1)).toMatchObject({ status: "completed", conclusion: "cancelled" });
    expect(logTime(dir, "start", 2) > logTime(dir, "start", 1)).toBe(true);
  }, 90_000);
});

describe("workflow-level concurrency across sluice processes", () => {
  it("compares group names without regard to case", async () => {
    const dir = makeTempDir("sluice-concurrency-");
    dirs.push(dir);
    mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
    // The same steps as WORKFLOW's job, under a workflow-level group.
    const steps = WORKFLOW.slice(WORKFLOW.indexOf("    steps:"));
    writeFileSync(
      path.join(dir, ".github", "workflows", "w.yml"),
      `name: w
on:
  workflow_dispatch:
    inputs:
      g: { type: string }
concurrency: \${{ inputs.g }}
jobs:
  one:
    runs-on: ubuntu-latest
${steps}`,
    );
    initRepo(dir);
    const first = start(dir, { g: "Prod" });
    await waitForOutput(first.child, (out) => out.includes("step-started 1"), 30_000);
    const second = start(dir, { g: "PROD" });
    await waitForOutput(
      second.child,
      (out) => out.includes('concurrency group "PROD": waiting for run #1'),
      30_000,
    );
    writeFileSync(path.join(dir, "release-1"), "");
    writeFileSync(path.join(dir, "release-2"), "");
    const [firstResult, secondResult] = await Promise.all([first.done, second.done]);
    expect(firstResult.code, firstResult.stdout + firstResult.stderr).toBe(0);
    expect(secondResult.code, secondResult.stdout + secondResult.stderr).toBe(0);
    expect(logTime(dir, "start", 2) > logTime(dir, "end", 1)).toBe(true);
  }, 90_000);
});

describe("after kill -9", () => {
  it("the next run stops the dead run's step before a run of the same group starts", async () => {
    const n = uniqueSeconds();
    const marker = `sleep ${n}`;
    leftovers.push(marker);
    const dir = makeTempDir("sluice-concurrency-");
    dirs.push(dir);
    mkdirSync(path.join(dir, ".github", "workflows"), { recursive: true });
    writeFileSync(
      path.join(dir, ".github", "workflows", "crash.yml"),
      `
name: crash
on: workflow_dispatch
concurrency: crash-group
jobs:
  long:
    runs-on: ubuntu-latest
    steps:
      - run: |
          if [ -f crashed ]; then
            # The second run: the first one's step must be gone by now.
            if ps -eo args= | grep -qx "${marker}"; then echo OVERLAP; else echo CLEAN; fi
            exit 0
          fi
          touch crashed
          echo step-started
          bash -c "trap '' INT TERM; ${marker}"
`,
    );
    initRepo(dir);
    const first = start(dir, {});
    await waitForOutput(first.child, (out) => out.includes("step-started"), 30_000);
    await expect.poll(() => processesMatching(marker).length, { timeout: 10_000 }).toBeGreaterThan(0);
    first.child.kill("SIGKILL");
    await first.done;
    // The step ignores SIGTERM: only the SIGKILL after the grace period ends it.
    expect(processesMatching(marker).length).toBeGreaterThan(0);

    const second = await start(dir, {}).done;
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toMatch(/^\[long\] {3}CLEAN$/m);
    expect(await waitForNoProcesses(marker, 5000)).toEqual([]);
    expect(readStore(dir).runs.map((r) => [r.number, r.conclusion])).toEqual([
      [1, "failure"],
      [2, "success"],
    ]);
  }, 90_000);
});
