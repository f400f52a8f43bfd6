import { spawn } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import Database from "better-sqlite3";
import type { Kysely } from "kysely";
import { afterAll, describe, expect, it } from "vitest";
import { describeStoreContract, newJob, newRun, newStep } from "../contract";
import { newDeployment } from "../contract-deployments";
import { migrations } from "../migrations/index";
import { isPidAlive } from "../pid";
import { defaultStorePath, openStore } from "../registry";
import type { StoreDatabase } from "../schema";
import type { Store } from "../types";
import { SqliteStore } from "./sqlite-store";

const root = mkdtempSync(join(tmpdir(), "sluice-store-"));
let counter = 0;
/** A fresh database path in a directory that does not exist yet (the store must create it). */
const freshPath = (): string => join(root, `db-${++counter}`, "nested", "sluice.db");

afterAll(() => rmSync(root, { recursive: true, force: true }));

let bundling: Promise<string> | undefined;
/**
 * The real store bundled so plain node can run it in other processes (they cannot import our
 * TypeScript); node_modules is linked beside it for better-sqlite3. Built once per test file.
 */
function bundledStoreDir(): Promise<string> {
  bundling ??= (async () => {
    const dir = join(root, "multi-process");
    mkdirSync(dir);
    symlinkSync(resolve("node_modules"), join(dir, "node_modules"));
    await build({
      entryPoints: [fileURLToPath(new URL("./sqlite-store.ts", import.meta.url))],
      outfile: join(dir, "store.mjs"),
      bundle: true,
      platform: "node",
      format: "esm",
      external: ["better-sqlite3"],
      logLevel: "silent",
    });
    return dir;
  })();
  return bundling;
}

/** Runs a node script to its exit; rejects with its output when it fails. */
function runNode(script: string, args: string[]): Promise<string> {
  const child = spawn(process.execPath, [script, ...args], { stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
  child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve, reject) =>
    child.on("exit", (code) =>
      code === 0 ? resolve(stdout) : reject(new Error(`${script} exited with ${code}: ${stderr}${stdout}`)),
    ),
  );
}

/** The contract's hook for races between processes: `body` runs in `count` node processes at once. */
async function inProcesses(store: Store, count: number, body: string, arg: unknown): Promise<unknown[]> {
  const dir = await bundledStoreDir();
  const script = join(dir, `task-${++counter}.mjs`);
  writeFileSync(
    script,
    `import { SqliteStore } from "./store.mjs";
    const arg = JSON.parse(process.argv[3]);
    const store = await SqliteStore.open(process.argv[2]);
    try {
      const result = await (async () => {\n${body}\n})();
      process.stdout.write(JSON.stringify(result));
    } finally {
      await store.close();
    }`,
  );
  const path = (store as SqliteStore).path;
  const outputs = await Promise.all(
    Array.from({ length: count }, () => runNode(script, [path, JSON.stringify(arg)])),
  );
  return outputs.map((out) => JSON.parse(out) as unknown);
}

describeStoreContract("sqlite (temp file)", () => SqliteStore.open(freshPath()), { inProcesses });

describe("SqliteStore", () => {
  it("creates the file and its directories, in WAL mode, migrated once", async () => {
    const path = freshPath();
    const store = await openStore({ path });
    await store.createRun(newRun());
    await store.close();
    const reopened = await openStore({ type: "sqlite", path });
    expect((await reopened.createRun(newRun())).number).toBe(2);
    await reopened.close();
    const raw = new Database(path, { readonly: true });
    expect(raw.pragma("journal_mode", { simple: true })).toBe("wal");
    expect(raw.prepare("select name from kysely_migration order by name").pluck().all()).toEqual(
      Object.keys(migrations).sort(),
    );
    raw.close();
  });

  it("opens one fresh file many times at once without stalling", async () => {
    const path = freshPath();
    const started = performance.now();
    const stores = await Promise.all(Array.from({ length: 4 }, () => SqliteStore.open(path)));
    expect(performance.now() - started).toBeLessThan(2000); // far below the 5 s busy timeout
    const runs = await Promise.all(stores.map((s) => s.createRun(newRun())));
    expect(runs.map((r) => r.number).sort()).toEqual([1, 2, 3, 4]);
    await Promise.all(stores.map((s) => s.close()));
  });

  it("refuses a database migrated by a newer Sluice", async () => {
    const path = freshPath();
    await (await SqliteStore.open(path)).close();
    const raw = new Database(path);
    raw.prepare("insert into kysely_migration (name, timestamp) values ('999-future', 'now')").run();
    raw.close();
    await expect(SqliteStore.open(path)).rejects.toMatchObject({ code: "SLUICE_E_STORE" });
  });

  it("reports a path it cannot open as SLUICE_E_STORE", async () => {
    const file = join(root, "a-file");
    writeFileSync(file, "");
    await expect(SqliteStore.open(join(file, "sluice.db"))).rejects.toMatchObject({ code: "SLUICE_E_STORE" });
  });

  it("returns null for an ambiguous id prefix", async () => {
    const ids = ["abcd1111-0000-4000-8000-000000000000", "abcd2222-0000-4000-8000-000000000000"];
    const store = await SqliteStore.open(freshPath(), { newId: () => ids.shift() ?? crypto.randomUUID() });
    const a = await store.createRun(newRun());
    await store.createRun(newRun());
    expect(await store.getRun("abcd")).toBeNull();
    expect((await store.getRun("abcd1"))?.id).toBe(a.id);
    await store.close();
  });

  it("prefers the run number when a decimal string is also an id prefix", async () => {
    const ids = ["12340000-0000-4000-8000-000000000000"];
    const store = await SqliteStore.open(freshPath(), { newId: () => ids.shift() ?? crypto.randomUUID() });
    const byPrefix = await store.createRun(newRun());
    expect((await store.getRun("1234"))?.id).toBe(byPrefix.id);
    expect((await store.getRun("1"))?.id).toBe(byPrefix.id);
    await store.close();
  });

  it("shares one file between two open stores (two processes in real life)", async () => {
    const path = freshPath();
    const a = await SqliteStore.open(path);
    const b = await SqliteStore.open(path);
    const run = await a.createRun(newRun());
    expect(await b.getRun(run.id)).toEqual(run);
    await b.updateRun(run.id, { status: "in_progress", pid: process.pid });
    expect(await a.getRun(run.id)).toMatchObject({ status: "in_progress", pid: process.pid });
    const job = await b.createJob(newJob(run.id));
    const step = await a.createStep(newStep(job.id, 0));
    await a.appendLog(step.id, "from a\n");
    await b.appendLog(step.id, "from b\n");
    expect(await a.readLog(step.id)).toBe("from a\nfrom b\n");
    const more = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 ? a : b).createRun(newRun())));
    expect(more.map((r) => r.number).sort((x, y) => x - y)).toEqual([2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    expect(await a.listRuns()).toEqual(await b.listRuns());
    await Promise.all([a.close(), b.close()]);
  });

  it("runs hot-path writes after a transaction in progress, never inside it", async () => {
    // Hot-path writes skip Kysely and run on the connection directly (sqlite-store.ts); a
    // transaction of the same store, or of another store of the file, must not absorb them: here
    // both transactions roll back, and the writes made meanwhile must survive.
    const path = freshPath();
    const store = await SqliteStore.open(path);
    const other = await SqliteStore.open(path);
    const run = await store.createRun(newRun());
    for (const holder of [store, other]) {
      const db = (holder as unknown as { db: Kysely<StoreDatabase> }).db;
      let proceed!: () => void;
      const gate = new Promise<void>((resolve) => (proceed = resolve));
      let inside!: () => void;
      const entered = new Promise<void>((resolve) => (inside = resolve));
      const transaction = db
        .transaction()
        .execute(async (trx) => {
          await trx.updateTable("runs").set({ event: "inside" }).where("id", "=", run.id).execute();
          inside();
          await gate;
          throw new Error("roll back");
        })
        .then(
          () => "committed",
          () => "rolled back",
        );
      await entered;
      const name = holder === store ? "same store" : "other store";
      const write = store.updateRun(run.id, { workflowName: name });
      const job = store.createJob(newJob(run.id, { jobKey: name }));
      proceed();
      expect(await transaction).toBe("rolled back");
      await write;
      await job;
      expect(await store.getRun(run.id)).toMatchObject({ workflowName: name, event: run.event });
      expect((await store.listJobs(run.id)).map((j) => j.jobKey)).toContain(name);
    }
    await Promise.all([store.close(), other.close()]);
  });

  it("writes the engine's 300-job pattern fast (single prepared statements)", async () => {
    const store = await SqliteStore.open(freshPath());
    const run = await store.createRun(newRun());
    const started = performance.now();
    for (let i = 0; i < 300; i++) {
      const job = await store.createJob(newJob(run.id, { jobKey: `job-${i}` }));
      const step = await store.createStep(newStep(job.id, 0));
      await store.updateStep(step.id, { status: "in_progress", startedAt: new Date().toISOString() });
      await store.updateStep(step.id, { status: "completed", conclusion: "success", exitCode: 0 });
      await store.updateJob(job.id, { status: "completed", conclusion: "success" });
    }
    const elapsed = performance.now() - started;
    expect((await store.listJobs(run.id)).length).toBe(300);
    await store.close();
    // ~100 ms on the 2-core dev machine; the bound only catches a regression such as per-call
    // prepare, migration or pragma work, with headroom for a loaded CI machine.
    expect(elapsed).toBeLessThan(1500);
  });
});

describe("openStore", () => {
  it("rejects an unknown store type as a config error", async () => {
    await expect(openStore({ type: "mongodb", path: freshPath() })).rejects.toMatchObject({
      code: "SLUICE_E_CONFIG",
    });
  });

  it("puts the default database under .sluice in the repository", () => {
    expect(defaultStorePath("/repo")).toBe(join("/repo", ".sluice", "sluice.db"));
  });
});

describe("isPidAlive", () => {
  it("tells live processes from dead ones", () => {
    expect(isPidAlive(process.pid)).toBe(true);
    expect(isPidAlive(0)).toBe(false);
    expect(isPidAlive(2 ** 22 + 1)).toBe(false);
  });
});

/**
 * A stand-in for the engine in another process: it cannot import our TypeScript, so it writes the
 * migrated schema with better-sqlite3 directly, the way the store does (WAL, one statement or one
 * small transaction per state change), until it is killed.
 */
const CRASH_WRITER = `
import { createRequire } from "node:module";
const [dbPath, driverPath] = process.argv.slice(2);
const Database = createRequire(import.meta.url)(driverPath);
const db = new Database(dbPath, { timeout: 5000 });
db.pragma("journal_mode = WAL");
db.pragma("synchronous = NORMAL");
db.pragma("foreign_keys = ON");
const now = () => new Date().toISOString();
const id = () => crypto.randomUUID();
const runId = id();
db.transaction(() => {
  const n = db.prepare("insert into counters (name, value) values ('run_number', 1) on conflict (name) do update set value = value + 1 returning value").get().value;
  db.prepare("insert into runs (id, number, workflow_path, workflow_name, event, ref, sha, trigger, status, created_at, started_at, pid, inputs) values (?, ?, 'ci.yml', 'CI', 'push', 'refs/heads/main', 'abc', 'cli', 'in_progress', ?, ?, ?, '{}')").run(runId, n, now(), now(), process.pid);
})();
const insertJob = db.prepare("insert into jobs (id, run_id, position, job_key, name, status, outputs) values (?, ?, (select coalesce(max(position), -1) + 1 from jobs where run_id = ?), ?, ?, 'queued', '{}')");
const insertStep = db.prepare("insert into steps (id, job_id, step_index, step_key, name, status, outputs) values (?, ?, ?, ?, ?, 'queued', '{}')");
const setJob = db.prepare("update jobs set status = ?, conclusion = ?, started_at = coalesce(started_at, ?), completed_at = ? where id = ?");
const setStep = db.prepare("update steps set status = ?, outcome = ?, conclusion = ?, exit_code = ?, completed_at = ? where id = ?");
const appendLog = db.prepare("insert into step_logs (step_id, seq, text) values (?, (select coalesce(max(seq), -1) + 1 from step_logs where step_id = ?), ?)");
for (let j = 0; ; j++) {
  const jobId = id();
  const steps = [id(), id(), id()];
  // A job is planned with all its steps at once, so a crash must never leave a job with fewer.
  db.transaction(() => {
    insertJob.run(jobId, runId, runId, "job" + j, "job " + j);
    steps.forEach((s, k) => insertStep.run(s, jobId, k, "s" + k, "step " + k));
  })();
  setJob.run("in_progress", null, now(), null, jobId);
  steps.forEach((s, k) => {
    setStep.run("in_progress", null, null, null, null, s);
    for (let l = 0; l < 5; l++) appendLog.run(s, s, "job " + j + " step " + k + " line " + l + "\\n");
    setStep.run("completed", "success", "success", 0, now(), s);
  });
  setJob.run("completed", "success", now(), now(), jobId);
  if (j === 20) process.stdout.write(JSON.stringify({ runId, pid: process.pid }) + "\\n");
}
`;

describe("several processes", () => {
  it("migrate a fresh file and number their runs without clashes", async () => {
    const dir = await bundledStoreDir();
    writeFileSync(
      join(dir, "writer.mjs"),
      `import { SqliteStore } from "./store.mjs";
      const store = await SqliteStore.open(process.argv[2]);
      const numbers = [];
      for (let i = 0; i < 25; i++) numbers.push((await store.createRun({ workflowPath: "w", workflowName: "w", event: "push", ref: "r", sha: "s", trigger: "t", inputs: {} })).number);
      await store.close();
      process.stdout.write(JSON.stringify(numbers));`,
    );
    const path = freshPath();
    mkdirSync(dirname(path), { recursive: true });
    const outputs = await Promise.all(
      Array.from({ length: 4 }, () => {
        const child = spawn(process.execPath, [join(dir, "writer.mjs"), path], { stdio: "pipe" });
        let out = "";
        child.stdout.on("data", (d: Buffer) => (out += d.toString()));
        child.stderr.on("data", (d: Buffer) => (out += d.toString()));
        return new Promise<string>((done) => child.on("exit", () => done(out)));
      }),
    );
    const numbers = outputs
      .flatMap((out) => {
        try {
          return JSON.parse(out) as number[];
        } catch {
          throw new Error(`writer failed: ${out}`);
        }
      })
      .sort((a, b) => a - b);
    expect(numbers).toEqual(Array.from({ length: 100 }, (_, i) => i + 1));
  });
});

describe("crash consistency", () => {
  it("recovers a run whose process was SIGKILLed mid-write", async () => {
    const path = freshPath();
    await (await SqliteStore.open(path)).close(); // the parent migrates; the child only writes
    const script = join(root, "crash-writer.mjs");
    writeFileSync(script, CRASH_WRITER);
    const driver = createRequire(import.meta.url).resolve("better-sqlite3");
    const child = spawn(process.execPath, [script, path, driver], { stdio: ["ignore", "pipe", "pipe"] });
    const exited = new Promise<NodeJS.Signals | null>((resolve) =>
      child.on("exit", (_, signal) => resolve(signal)),
    );
    let stderr = "";
    child.stderr.on("data", (d: Buffer) => (stderr += d.toString()));
    const hello = await new Promise<{ runId: string; pid: number }>((resolve, reject) => {
      child.stdout.once("data", (d: Buffer) =>
        resolve(JSON.parse(d.toString()) as { runId: string; pid: number }),
      );
      child.once("exit", () => reject(new Error(`crash writer exited early: ${stderr}`)));
    });
    await new Promise((resolve) => setTimeout(resolve, 15)); // let it get well into later jobs
    child.kill("SIGKILL");
    expect(await exited).toBe("SIGKILL");
    expect(existsSync(`${path}-wal`)).toBe(true);

    const raw = new Database(path, { readonly: true });
    expect(raw.pragma("integrity_check", { simple: true })).toBe("ok");
    raw.close();

    const store = await SqliteStore.open(path);
    expect(await store.recoverOrphans(isPidAlive)).toEqual([hello.runId]);
    expect(await store.recoverOrphans(isPidAlive)).toEqual([]);
    const run = await store.getRun(hello.runId);
    expect(run).toMatchObject({ status: "completed", conclusion: "failure", pid: hello.pid });
    const jobs = await store.listJobs(hello.runId);
    expect(jobs.length).toBeGreaterThan(20);
    for (const [j, job] of jobs.entries()) {
      expect(job.name).toBe(`job ${j}`);
      expect(job.status).toBe("completed");
      const steps = await store.listSteps(job.id);
      expect(steps.map((s) => s.index)).toEqual([0, 1, 2]);
      for (const step of steps) {
        expect(step.status).toBe("completed");
        const lines = (await store.readLog(step.id)).split("\n").filter(Boolean);
        // Whatever survived is an unbroken prefix of what was written, in order.
        expect(lines).toEqual(lines.map((_, l) => `job ${j} step ${step.index} line ${l}`));
        if (step.conclusion === "success") expect(lines.length).toBe(5);
      }
      const expected = j < jobs.length - 1 ? "success" : job.conclusion;
      expect(job.conclusion).toBe(expected);
    }
    await store.close();
  });
});

describe("SqliteStore deployments", () => {
  const entry = (i: number) => ({ actor: "a", action: "x.y", subject: "s", data: { i } });

  it("detects a tampered, deleted or reordered audit entry", async () => {
    const path = freshPath();
    const store = await SqliteStore.open(path);
    for (let i = 0; i < 5; i++) await store.appendAudit(entry(i));
    expect(await store.verifyAudit()).toEqual({ ok: true, checked: 5, brokenAt: null });
    const raw = new Database(path);
    const tamper = (statement: string): void => void raw.prepare(statement).run();

    tamper(`update audit_log set data = '{"i":99}' where seq = 3`);
    expect(await store.verifyAudit()).toEqual({ ok: false, checked: 3, brokenAt: 3 });
    tamper(`update audit_log set data = '{ "i" : 2 }' where seq = 3`); // same JSON, other spacing
    expect(await store.verifyAudit()).toMatchObject({ ok: true });
    tamper(`update audit_log set data = 'not json' where seq = 4`);
    expect(await store.verifyAudit()).toMatchObject({ ok: false, brokenAt: 4 });
    tamper(`update audit_log set data = '{"i":3}' where seq = 4`);
    tamper(`update audit_log set actor = 'mallory' where seq = 1`);
    expect(await store.verifyAudit()).toMatchObject({ ok: false, brokenAt: 1 });
    tamper(`update audit_log set actor = 'a' where seq = 1`);
    tamper(`delete from audit_log where seq = 2`);
    expect(await store.verifyAudit()).toMatchObject({ ok: false, brokenAt: 3 });
    raw.close();
    await store.close();
  });

  it("appends from two stores of one file in one process without stalling", async () => {
    const path = freshPath();
    const a = await SqliteStore.open(path);
    const b = await SqliteStore.open(path);
    const started = performance.now();
    // Transactions of one store interleaved with plain writes of the other: without the shared
    // per-file lock, b would busy-wait synchronously on a's open transaction for the whole timeout.
    await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        i % 2 ? a.appendAudit(entry(i)) : Promise.all([b.createRun(newRun()), b.appendAudit(entry(i))]),
      ),
    );
    expect(performance.now() - started).toBeLessThan(2000); // far below the 5 s busy timeout
    expect(await a.verifyAudit()).toEqual({ ok: true, checked: 40, brokenAt: null });
    await Promise.all([a.close(), b.close()]);
  });

  it("returns null for an ambiguous deployment id prefix and uses no number on a refused rollout", async () => {
    const ids = ["abcd1111-0000-4000-8000-000000000000", "", "abcd2222-0000-4000-8000-000000000000"];
    const store = await SqliteStore.open(freshPath(), { newId: () => ids.shift() || crypto.randomUUID() });
    const a = await store.createDeployment(newDeployment());
    await expect(store.createDeployment(newDeployment())).rejects.toMatchObject({
      code: "SLUICE_E_DEPLOY_BUSY",
    });
    const b = await store.createDeployment(newDeployment({ environment: "staging" }));
    expect([a.number, b.number]).toEqual([1, 2]);
    expect(await store.getDeployment("abcd")).toBeNull();
    expect((await store.getDeployment("ABCD2"))?.id).toBe(b.id);
    await store.close();
  });
});
