/**
 * Recording step process groups (group-records.ts, through LocalExecutor) and stopping those a dead
 * Sluice left behind (orphan-groups.ts), with real processes. Linux only: both rely on /proc.
 */
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { LocalExecutor } from "./local-executor";
import { forceStopSteps } from "./live-groups";
import { stopOrphanedGroups } from "./orphan-groups";
import { groupIsAlive, startTimeOf } from "./proc-stat";

const linux = existsSync("/proc/self/stat");
const dirs: string[] = [];
const groups: number[] = [];

afterEach(() => {
  for (const pgid of groups.splice(0)) {
    try {
      process.kill(-pgid, "SIGKILL");
    } catch {
      // already gone
    }
  }
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function tempDir(): string {
  const dir = mkdtempSync(path.join(tmpdir(), "sluice-groups-"));
  dirs.push(dir);
  return dir;
}

/** Starts `script` as the leader of its own process group; its start time is read at once. */
function startGroup(script: string): { pgid: number; startTime: string } {
  const child = spawn("bash", ["-c", script], { detached: true, stdio: "ignore" });
  child.unref();
  const pgid = child.pid!;
  groups.push(pgid);
  return { pgid, startTime: startTimeOf(pgid)! };
}

/** A pid and start time of a process that has exited: the owner of an orphaned record file. */
async function deadOwner(): Promise<string> {
  const child = spawn("sleep", ["30"], { stdio: "ignore" });
  const start = startTimeOf(child.pid!)!;
  const exited = new Promise((resolve) => child.once("exit", resolve));
  child.kill("SIGKILL");
  await exited;
  return `${child.pid}-${start}-1`;
}

async function waitFor(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe.runIf(linux)("stopOrphanedGroups", () => {
  it("stops a dead owner's groups (SIGTERM, then SIGKILL for one that ignores it) and removes the file", async () => {
    const dir = tempDir();
    const polite = startGroup("sleep 1000");
    const deaf = startGroup("trap '' TERM INT; sleep 1000 & wait");
    // The leader is gone but its background child still holds the group.
    const orphaned = startGroup("sleep 1000 & sleep 0.3");
    await waitFor(() => startTimeOf(orphaned.pgid) === null);
    expect(groupIsAlive(orphaned.pgid, orphaned.startTime)).toBe(true);
    const file = path.join(dir, await deadOwner());
    const lines = [polite, deaf, orphaned].map((g) => `${g.pgid} ${g.startTime}\n`);
    writeFileSync(file, lines.join("") + "garbage\n");

    const started = Date.now();
    expect(await stopOrphanedGroups(dir, 500)).toEqual({ stopped: 3 });
    for (const g of [polite, deaf, orphaned]) expect(groupIsAlive(g.pgid, g.startTime)).toBe(false);
    // Only `deaf` outlived SIGTERM, so the grace period was used up once.
    expect(Date.now() - started).toBeGreaterThanOrEqual(450);
    expect(existsSync(file)).toBe(false);
  });

  it("leaves groups alone whose leader started at another time (a reused pid), and live owners' files", async () => {
    const dir = tempDir();
    const other = startGroup("sleep 1000");
    const stale = path.join(dir, await deadOwner());
    writeFileSync(stale, `${other.pgid} ${BigInt(other.startTime) - 1n}\n`);
    const live = path.join(dir, `${process.pid}-${startTimeOf(process.pid)}-7`);
    writeFileSync(live, `${other.pgid} ${other.startTime}\n`);

    expect(await stopOrphanedGroups(dir, 100)).toEqual({ stopped: 0 });
    expect(groupIsAlive(other.pgid, other.startTime)).toBe(true);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
  });

  it("does nothing without a record directory", async () => {
    expect(await stopOrphanedGroups(path.join(tempDir(), "none"), 100)).toEqual({ stopped: 0 });
  });
});

describe.runIf(linux)("LocalExecutor process records", () => {
  const env = { PATH: process.env.PATH ?? "" };
  const sink = { stdout: () => {}, stderr: () => {} };

  for (const spawnHelper of ["off", "always"] as const) {
    it(`records each group with its leader's start time until killGroup (spawn helper ${spawnHelper})`, async () => {
      const dir = tempDir();
      const e = new LocalExecutor({ spawnHelper, recordDir: dir });
      const h = e.start({ command: "sleep", args: ["1000"], cwd: process.cwd(), env }, sink);
      try {
        await waitFor(
          () =>
            readdirSync(dir).length === 1 &&
            readFileSync(path.join(dir, readdirSync(dir)[0]!), "utf8") !== "",
        );
        const [name] = readdirSync(dir);
        expect(name).toBe(`${process.pid}-${startTimeOf(process.pid)}-${name!.split("-")[2]}`);
        const text = readFileSync(path.join(dir, name!), "utf8");
        expect(text).toBe(`${h.pid} ${startTimeOf(h.pid!)}\n`);
        // This process is alive: its records are not orphans.
        expect(await stopOrphanedGroups(dir, 100)).toEqual({ stopped: 0 });
      } finally {
        h.killGroup();
        await h.exit;
        await e.close();
      }
      expect(readdirSync(dir)).toEqual([]);
    });
  }

  it("forceStopSteps SIGKILLs running groups at once, signal traps notwithstanding", async () => {
    const e = new LocalExecutor({ spawnHelper: "off" });
    const h = e.start(
      { command: "bash", args: ["-c", "trap '' INT TERM; sleep 1000 & wait"], cwd: process.cwd(), env },
      sink,
    );
    try {
      await waitFor(() => h.pid !== undefined);
      groups.push(h.pid!);
      // Wait until the group is recorded (the tracker hears of the pid a microtask after it starts).
      await new Promise((r) => setImmediate(r));
      void h.stop(60_000);
      expect(forceStopSteps()).toBe(true);
      expect((await h.exit).signal).toBe("SIGKILL");
    } finally {
      h.killGroup();
      await e.close();
    }
  });
});
