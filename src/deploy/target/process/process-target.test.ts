import { spawn } from "node:child_process";
import { existsSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterEach, describe, expect, it } from "vitest";
import { describeTargetContract, getJson } from "../contract";
import { createTarget } from "../registry";
import type { DeploySpec } from "../types";
import { restartDelay } from "./backoff";
import { writeServer } from "./fixtures";
import { groupAlive, isRunning, sleep } from "./proc";
import { ProcessTarget } from "./process-target";

const { dir, script } = writeServer();
const server = (env: Record<string, string> = {}): DeploySpec => ({
  command: [process.execPath, script],
  env,
  instances: 1,
  readyTimeoutMs: 10_000,
});

describeTargetContract(
  "process",
  () => new ProcessTarget(),
  () => server(),
);

const targets: ProcessTarget[] = [];
function target(options: ConstructorParameters<typeof ProcessTarget>[0] = {}): ProcessTarget {
  const t = new ProcessTarget({ backoffBaseMs: 50, backoffMaxMs: 400, ...options });
  targets.push(t);
  return t;
}
afterEach(async () => {
  await Promise.all(targets.splice(0).map((t) => t.close()));
});

async function waitFor(check: () => boolean, ms = 10_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error("timed out waiting");
    await sleep(20);
  }
}

describe("process target: instances", () => {
  it("gives each instance PORT, HOST, VERSION, SLUICE_INSTANCE and the version's env", async () => {
    const t = target();
    await t.deploy("v7", { ...server({ GREETING: "hi" }), instances: 2 });
    const [a, b] = t.listInstances();
    expect(await getJson(a!.host, a!.port)).toMatchObject({
      version: "v7",
      instance: "v7#0",
      greeting: "hi",
    });
    expect(await getJson(b!.host, b!.port)).toMatchObject({ instance: "v7#1", port: b!.port });
    expect(a!.host).toBe("127.0.0.1");
  });

  it("runs a string command through sh with exec (no shell left in between)", async () => {
    const t = target();
    await t.deploy("v1", { ...server(), command: `"${process.execPath}" "${script}"` });
    const [i] = t.listInstances();
    expect((await getJson(i!.host, i!.port)).pid).toBe(i!.pid);
  });

  it("waits for readiness with the configured check and reports a version that never gets ready", async () => {
    const t = target();
    const slow = await t.deploy("slow", { ...server({ LISTEN_DELAY_MS: "300" }) });
    expect(slow.ready).toBe(1);
    const sick = await t.deploy("sick", {
      ...server({ UNHEALTHY: "1" }),
      readiness: { type: "http", path: "/health" },
      readyTimeoutMs: 500,
    });
    expect(sick).toEqual({ version: "sick", wanted: 1, ready: 0 });
    expect(t.status().sick).toEqual({ ready: 0, restarts: 0 });
  });

  it("restarts crashed instances with backoff and reports the crashes", async () => {
    const t = target();
    await t.deploy("crashy", { ...server({ CRASH_AFTER_MS: "100" }), readyTimeoutMs: 2000 });
    await waitFor(() => (t.status().crashy?.restarts ?? 0) >= 3);
    const [i] = t.listInstances();
    expect(i!.lastError).toMatch(/exit status 1/);
    expect(restartDelay(1, 50, 400)).toBe(50);
    expect(restartDelay(4, 50, 400)).toBe(400);
    expect(restartDelay(1000, 50, 400)).toBe(400);
  });

  it("counts a command that cannot start as crashes, with the reason", async () => {
    const t = target();
    const r = await t.deploy("ghost", {
      command: ["/nonexistent/bin/app"],
      instances: 1,
      readyTimeoutMs: 300,
    });
    expect(r.ready).toBe(0);
    await waitFor(() => (t.status().ghost?.restarts ?? 0) >= 2);
    expect(t.listInstances()[0]!.lastError).toMatch(/ENOENT/);
  });

  it("refuses a spec without a command", async () => {
    await expect(target().deploy("v1", { command: [], instances: 1 })).rejects.toMatchObject({
      code: "SLUICE_E_TARGET",
    });
    await expect(target().deploy("v1", { command: "  ", instances: 1 })).rejects.toMatchObject({
      code: "SLUICE_E_TARGET",
    });
  });
});

describe("process target: stopping leaves nothing behind", () => {
  it("kills the whole process group, background children included", async () => {
    const t = target();
    await t.deploy("v1", { ...server({ GRANDCHILD_DIR: dir }), instances: 2 });
    const pids = t.listInstances().map((i) => i.pid!);
    await waitFor(() => readdirSync(dir).filter((f) => f.endsWith(".pid")).length >= 2);
    const grandchildren = readdirSync(dir)
      .filter((f) => f.endsWith(".pid"))
      .map((f) => Number(readFileSync(path.join(dir, f), "utf8")));
    expect(grandchildren.every(isRunning)).toBe(true);
    await t.stop("v1", { drainMs: 2000 });
    for (const pid of [...pids, ...grandchildren]) expect(isRunning(pid), `pid ${pid}`).toBe(false);
    for (const pid of pids) expect(groupAlive(pid)).toBe(false);
  });

  it("drains with SIGTERM and kills with SIGKILL when the drain time is up", async () => {
    const t = target();
    await t.deploy("stubborn", server({ IGNORE_TERM: "1" }));
    const pid = t.listInstances()[0]!.pid!;
    const started = Date.now();
    await t.stop("stubborn", { drainMs: 300 });
    const took = Date.now() - started;
    expect(took).toBeGreaterThanOrEqual(290);
    expect(took).toBeLessThan(3000);
    expect(isRunning(pid)).toBe(false);
  });

  it("a graceful instance exits on SIGTERM well before the drain time", async () => {
    const t = target();
    await t.deploy("polite", server());
    const started = Date.now();
    await t.stop("polite", { drainMs: 5000 });
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it("does not restart an instance that was stopped on purpose", async () => {
    const t = target();
    await t.deploy("v1", server());
    await t.stop("v1", { drainMs: 500 });
    await sleep(200);
    expect(t.listInstances()).toEqual([]);
  });

  it("scaling down drains the removed instances only", async () => {
    const t = target();
    await t.deploy("v1", { ...server(), instances: 3 });
    const before = t.listInstances().map((i) => i.pid!);
    await t.scale("v1", 1);
    const kept = t.listInstances().map((i) => i.pid!);
    expect(kept).toHaveLength(1);
    expect(kept[0]).toBe(before[0]); // the oldest, proven instance stays
    expect(before.filter((p) => isRunning(p))).toEqual(kept);
  });
});

describe("process target: registry", () => {
  it("creates the process target by type and refuses unknown types as config errors", () => {
    expect(createTarget("process").type).toBe("process");
    expect(() => createTarget("docker")).toThrow(expect.objectContaining({ code: "SLUICE_E_CONFIG" }));
  });
});

describe("process target: controller killed with -9", () => {
  const here = path.dirname(fileURLToPath(import.meta.url));

  /** Starts a separate controller process that deploys 2 instances, then kills it with SIGKILL. */
  async function killedController(stateFile: string): Promise<number[]> {
    const entry = path.join(dir, "controller.ts");
    writeFileSync(
      entry,
      `import { ProcessTarget } from ${JSON.stringify(path.join(here, "process-target.ts"))};
const t = new ProcessTarget({ stateFile: process.argv[2] });
const r = await t.deploy("v1", { command: [process.execPath, ${JSON.stringify(script)}], instances: 2 });
console.log(JSON.stringify({ ready: r.ready, pids: t.listInstances().map((i) => i.pid) }));
setInterval(() => {}, 1000);
`,
    );
    const out = path.join(dir, "controller.mjs");
    await build({
      entryPoints: [entry],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: out,
      logLevel: "error",
    });
    const child = spawn(process.execPath, [out, stateFile], { stdio: ["ignore", "pipe", "inherit"] });
    const line = await new Promise<string>((resolve, reject) => {
      child.stdout.once("data", (c: Buffer) => resolve(c.toString()));
      child.once("exit", (code) => reject(new Error(`controller exited early (${code})`)));
    });
    const { ready, pids } = JSON.parse(line) as { ready: number; pids: number[] };
    expect(ready).toBe(2);
    child.kill("SIGKILL");
    await new Promise((r) => child.once("exit", r));
    return pids;
  }

  it("a new controller takes over the instances that outlived the old one, then stops them", async () => {
    const stateFile = path.join(dir, "adopt", "target.json");
    const pids = await killedController(stateFile);
    expect(pids.every(isRunning)).toBe(true);
    const t = target({ stateFile });
    expect(await t.recover()).toEqual(["v1"]);
    await waitFor(() => t.status().v1?.ready === 2);
    expect(t.listInstances().map((i) => i.pid)).toEqual(pids);
    const [first] = t.listInstances();
    expect(await getJson(first!.host, first!.port)).toMatchObject({ version: "v1" });
    expect(existsSync(path.join(dir, "adopt", "v1_0.log"))).toBe(true);

    // An adopted instance that dies is restarted like any other.
    process.kill(pids[0]!, "SIGKILL");
    await waitFor(() => t.status().v1?.restarts === 1 && t.status().v1?.ready === 2);
    const now = t.listInstances().map((i) => i.pid!);
    expect(now).not.toContain(pids[0]);

    await t.close();
    for (const pid of [...pids, ...now]) expect(isRunning(pid)).toBe(false);
  });

  it("recover({ adopt: false }) kills what the old controller left", async () => {
    const stateFile = path.join(dir, "kill", "target.json");
    const pids = await killedController(stateFile);
    const t = target({ stateFile });
    expect(await t.recover({ adopt: false })).toEqual([]);
    await waitFor(() => pids.every((p) => !isRunning(p)));
  });

  it("finds nothing without a state file, or with a torn one", async () => {
    expect(await target().recover()).toEqual([]);
    const torn = path.join(dir, "torn.json");
    writeFileSync(torn, '{"schema":1,"versions":{"v1":');
    expect(await target({ stateFile: torn }).recover()).toEqual([]);
  });
});

describe("process target: the example service", () => {
  it("runs examples/service (bundled) with PORT and VERSION and answers /health", async () => {
    const main = path.resolve(fileURLToPath(import.meta.url), "../../../../../examples/service/src/main.ts");
    const out = path.join(dir, "example-service.mjs");
    await build({
      entryPoints: [main],
      bundle: true,
      platform: "node",
      format: "esm",
      outfile: out,
      logLevel: "error",
    });
    const t = target();
    const r = await t.deploy("1.2.3", {
      command: [process.execPath, out],
      instances: 2,
      env: { SHUTDOWN_TIMEOUT_MS: "500" },
      readiness: { type: "http", path: "/health", bodyContains: "1.2.3" },
      readyTimeoutMs: 10_000,
    });
    expect(r.ready).toBe(2);
    const [i] = t.listInstances();
    expect(JSON.stringify(await getJson(i!.host, i!.port, "/health"))).toContain("1.2.3");
    await t.stop("1.2.3", { drainMs: 2000 });
    expect(isRunning(i!.pid!)).toBe(false);
  });
});

describe("resource use", () => {
  it("reports the busiest instance's memory and CPU per version", async () => {
    const t = target();
    await t.deploy("idle", server());
    await t.deploy("busy", server({ BUSY: "1" }));
    t.status(); // the first reading has nothing to compare CPU time with
    await sleep(1000);
    const status = t.status();
    expect(status.idle?.usage?.rssBytes).toBeGreaterThan(10 * 1024 * 1024);
    expect(status.idle?.usage?.cpuCores).toBeLessThan(0.3);
    // Busy 45 of every 50 ms, on a shared 2-core machine: well above idle, at most a core.
    expect(status.busy?.usage?.cpuCores).toBeGreaterThan(0.4);
    expect(status.busy?.usage?.cpuCores).toBeLessThan(1.2);
  });
});
