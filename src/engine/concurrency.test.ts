/**
 * Concurrency groups over a real store: the arbitration between runs and jobs that every `sluice run`
 * process applies (acquireGroup). Several members in one process stand for several processes here;
 * the e2e tests (test/e2e/concurrency.test.ts) run the real thing across processes.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { groupIsAlive, startTimeOf } from "../executor/local/proc-stat";
import { SqliteStore } from "../store/sqlite/sqlite-store";
import type { ConcurrencyMember, Store } from "../store/types";
import { acquireGroup, notifyGroupChange, watchCancelRequest } from "./concurrency";
import type { ConcurrencySetting, GroupOutcome } from "./concurrency";
import { processRecordDir } from "./recover-orphans";
import type { RunScope } from "./scope";

let dir: string;
let store: Store;
const said: string[] = [];

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "sluice-concurrency-"));
  store = await SqliteStore.open(path.join(dir, "sluice.db"));
  said.length = 0;
});

afterEach(async () => {
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function scope(runId = "unused"): RunScope {
  return {
    store,
    stateDir: dir,
    killGraceMs: 300,
    identity: { runId },
    reporter: { info: (m: string) => said.push(m) },
  } as unknown as RunScope;
}

async function newRun(pid: number | null = process.pid) {
  return store.createRun({
    workflowPath: "ci.yml",
    workflowName: "ci",
    event: "push",
    ref: "refs/heads/main",
    sha: "0".repeat(40),
    trigger: "test",
    inputs: {},
    pid,
  });
}

async function newJob(runId: string, name = "deploy"): Promise<ConcurrencyMember> {
  const job = await store.createJob({
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
  return { kind: "job", id: job.id };
}

const runMember = (id: string): ConcurrencyMember => ({ kind: "run", id });

function acquire(
  member: ConcurrencyMember,
  setting: ConcurrencySetting,
  signal = new AbortController().signal,
) {
  let outcome: GroupOutcome | undefined;
  const done = acquireGroup(scope(), member, setting, signal, (m) => said.push(m)).then((o) => (outcome = o));
  return { done, outcome: () => outcome };
}

/** Waits until `member` is recorded in its group with `status`. */
async function until(check: () => Promise<boolean>): Promise<void> {
  await expect.poll(check, { timeout: 10_000, interval: 20 }).toBe(true);
}

const statusOf = async (group: string, id: string) =>
  (await store.listConcurrencyContenders(group)).find((c) => c.id === id)?.status;

async function complete(member: ConcurrencyMember): Promise<void> {
  const done = { status: "completed", conclusion: "success", completedAt: new Date().toISOString() } as const;
  if (member.kind === "run") await store.updateRun(member.id, done);
  else await store.updateJob(member.id, done);
  notifyGroupChange();
}

describe("acquireGroup", () => {
  it("treats group names case-insensitively, across runs and jobs", async () => {
    const holder = runMember((await newRun()).id);
    expect(await acquire(holder, { group: "Prod", cancelInProgress: false }).done).toBe("granted");
    const other = await newRun();
    const job = await newJob(other.id);
    const waiting = acquire(job, { group: "prod", cancelInProgress: false });
    await until(async () => said.some((m) => m.includes(`waiting for run #1`)));
    expect(await statusOf("PROD", job.id)).toBe("queued");
    expect(waiting.outcome()).toBeUndefined();

    await complete(holder);
    expect(await waiting.done).toBe("granted");
    expect(await statusOf("prod", job.id)).toBe("in_progress");
  });

  it("lets a newer pending member replace an older one, which then waits no more", async () => {
    const holder = await newJob((await newRun()).id, "holder");
    expect(await acquire(holder, { group: "g", cancelInProgress: false }).done).toBe("granted");
    const older = await newJob((await newRun()).id, "older");
    const first = acquire(older, { group: "g", cancelInProgress: false });
    await until(async () => (await statusOf("g", older.id)) === "queued");
    const newer = await newJob((await newRun()).id, "newer");
    const second = acquire(newer, { group: "G", cancelInProgress: false });

    expect(await first.done).toBe("replaced");
    expect(said).toContain('concurrency group "g": replaced by a newer pending job "newer" of run #3');
    await complete(older); // what the job does once replaced: it concludes, cancelled
    expect(second.outcome()).toBeUndefined();
    await complete(holder);
    expect(await second.done).toBe("granted");
  });

  it("with cancel-in-progress, asks the holder to cancel and takes over once it has finished", async () => {
    const holder = runMember((await newRun()).id);
    expect(await acquire(holder, { group: "g", cancelInProgress: false }).done).toBe("granted");
    let cancelled = 0;
    const stop = watchCancelRequest(dir, holder.id, () => (cancelled += 1));
    const job = await newJob((await newRun()).id);
    const taking = acquire(job, { group: "g", cancelInProgress: true });
    try {
      await until(async () => cancelled > 0);
      expect(said).toContain('concurrency group "g": cancelling run #1');
      await complete(holder);
      expect(await taking.done).toBe("granted");
      expect(cancelled).toBe(1);
    } finally {
      stop();
    }
  });

  it("cancels a job that would wait for its own run, as GitHub's deadlock detection does", async () => {
    const run = await newRun();
    expect(await acquire(runMember(run.id), { group: "deploy", cancelInProgress: false }).done).toBe(
      "granted",
    );
    const job = await newJob(run.id);
    expect(await acquire(job, { group: "Deploy", cancelInProgress: true }).done).toBe("deadlock");
  });

  it("ends the wait when its signal is aborted", async () => {
    const holder = runMember((await newRun()).id);
    expect(await acquire(holder, { group: "g", cancelInProgress: false }).done).toBe("granted");
    const controller = new AbortController();
    const job = await newJob((await newRun()).id);
    const waiting = acquire(job, { group: "g", cancelInProgress: false }, controller.signal);
    await until(async () => (await statusOf("g", job.id)) === "queued");
    controller.abort();
    expect(await waiting.done).toBe("aborted");
  });

  it.runIf(existsSync("/proc/self/stat"))(
    "takes over a crashed holder's group only after stopping its steps and recording it failed",
    async () => {
      // A Sluice that died holding the group, with a step still running (recorded as LocalExecutor does).
      const owner = spawn("sleep", ["30"], { stdio: "ignore" });
      const ownerStart = startTimeOf(owner.pid!)!;
      const step = spawn("bash", ["-c", "trap '' TERM; sleep 1000 & wait"], {
        detached: true,
        stdio: "ignore",
      });
      step.unref();
      const stepStart = startTimeOf(step.pid!)!;
      try {
        const crashed = await newRun(owner.pid!);
        expect(await acquire(runMember(crashed.id), { group: "g", cancelInProgress: false }).done).toBe(
          "granted",
        );
        mkdirSync(processRecordDir(dir), { recursive: true });
        writeFileSync(
          path.join(processRecordDir(dir), `${owner.pid}-${ownerStart}-1`),
          `${step.pid} ${stepStart}\n`,
        );
        const exited = new Promise((resolve) => owner.once("exit", resolve));
        owner.kill("SIGKILL");
        await exited;

        const job = await newJob((await newRun()).id);
        expect(await acquire(job, { group: "g", cancelInProgress: false }).done).toBe("granted");
        expect(groupIsAlive(step.pid!, stepStart)).toBe(false);
        expect(await store.getRun(crashed.id)).toMatchObject({ status: "completed", conclusion: "failure" });
      } finally {
        owner.kill("SIGKILL");
        try {
          process.kill(-step.pid!, "SIGKILL");
        } catch {
          // stopped by the test subject
        }
      }
    },
  );
});
