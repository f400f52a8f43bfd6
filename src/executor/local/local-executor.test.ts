import { describe, expect, it } from "vitest";
import { describeExecutorContract } from "../contract";
import type { Executor } from "../types";
import { HELPER_AFTER, LocalExecutor } from "./local-executor";

const close = (e: Executor) => void (e as LocalExecutor).close();

describeExecutorContract("local (spawn helper)", () => new LocalExecutor({ spawnHelper: "always" }), close);
describeExecutorContract("local (direct spawn)", () => new LocalExecutor({ spawnHelper: "off" }), close);
describeExecutorContract("local (auto)", () => new LocalExecutor(), close);

describe("LocalExecutor", () => {
  it("keeps working after close(), with a new helper", async () => {
    const e = new LocalExecutor({ spawnHelper: "always" });
    const run = async () => {
      let out = "";
      const h = e.start(
        {
          command: "bash",
          args: ["-c", "echo hi"],
          cwd: process.cwd(),
          env: { PATH: process.env.PATH ?? "" },
        },
        { stdout: (c) => (out += c.toString()), stderr: () => {} },
      );
      expect((await h.exit).exitCode).toBe(0);
      return out;
    };
    expect(await run()).toBe("hi\n");
    await e.close();
    expect(await run()).toBe("hi\n");
    await e.close();
  });
});

describe("LocalExecutor in auto mode", () => {
  it("switches to the helper once it is ready, and runs every process either way", async () => {
    const e = new LocalExecutor({ spawnHelper: "auto" });
    const spec = {
      command: "bash",
      args: ["-c", "echo $PPID"],
      cwd: process.cwd(),
      env: { PATH: process.env.PATH ?? "" },
    };
    const parents = new Set<string>();
    try {
      for (let i = 0; i < 40; i++) {
        let out = "";
        const h = e.start(spec, { stdout: (c) => (out += c.toString()), stderr: () => {} });
        expect((await h.exit).exitCode).toBe(0);
        parents.add(out.trim());
        if (i > HELPER_AFTER) await new Promise((r) => setTimeout(r, 10));
      }
    } finally {
      await e.close();
    }
    // This process first, the helper later.
    expect(parents.has(String(process.pid))).toBe(true);
    expect(parents.size).toBe(2);
  });
});

describe("LocalExecutor when the helper dies", () => {
  it("reports the processes in flight as failed to observe, and spawns directly afterwards", async () => {
    const e = new LocalExecutor({ spawnHelper: "always" });
    const env = { PATH: process.env.PATH ?? "" };
    let out = "";
    const h = e.start(
      { command: "bash", args: ["-c", "echo $PPID; exec sleep 30"], cwd: process.cwd(), env },
      { stdout: (c) => (out += c.toString()), stderr: () => {} },
    );
    try {
      await expect.poll(() => out.trim(), { timeout: 10_000 }).not.toBe("");
      process.kill(Number(out.trim()), "SIGKILL");
      const exit = await h.exit;
      expect(exit.exitCode).toBeNull();
      expect(exit.error?.message).toMatch(/spawn helper exited/);
      let again = "";
      const next = e.start(
        { command: "bash", args: ["-c", "echo $PPID"], cwd: process.cwd(), env },
        { stdout: (c) => (again += c.toString()), stderr: () => {} },
      );
      expect((await next.exit).exitCode).toBe(0);
      expect(again.trim()).toBe(String(process.pid));
    } finally {
      h.killGroup();
      await e.close();
    }
  });
});
