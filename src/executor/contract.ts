/**
 * The contract every Executor that runs processes on this host passes (DESIGN.md: one contract suite
 * per plug-in point). Call `describeExecutorContract` from an implementation's test file with a
 * factory and, if the executor holds resources, a disposer called after each test.
 */
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import type { Executor, OutputSink, ProcessSpec } from "./types";

interface Captured extends OutputSink {
  out: () => string;
  err: () => string;
}

function capture(): Captured {
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  return {
    stdout: (c) => out.push(Buffer.from(c)),
    stderr: (c) => err.push(Buffer.from(c)),
    out: () => Buffer.concat(out).toString("utf8"),
    err: () => Buffer.concat(err).toString("utf8"),
  };
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

async function waitFor(check: () => boolean, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) return false;
    await new Promise((r) => setTimeout(r, 20));
  }
  return true;
}

export function describeExecutorContract(
  name: string,
  make: () => Executor,
  dispose: (executor: Executor) => void = () => {},
): void {
  describe(`Executor contract: ${name}`, () => {
    const made: Executor[] = [];
    const dirs: string[] = [];
    const executor = () => {
      const e = make();
      made.push(e);
      return e;
    };
    const tempDir = () => {
      const d = mkdtempSync(path.join(os.tmpdir(), "sluice-executor-"));
      dirs.push(d);
      return d;
    };
    const bash = (script: string, over: Partial<ProcessSpec> = {}): ProcessSpec => ({
      command: "bash",
      args: ["-c", script],
      cwd: os.tmpdir(),
      env: { PATH: process.env.PATH ?? "/usr/bin:/bin" },
      ...over,
    });
    afterEach(() => {
      for (const e of made.splice(0)) dispose(e);
      for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
    });

    it("relays stdout and stderr and reports the exit code after all output", async () => {
      const sink = capture();
      const h = executor().start(bash('echo out1; echo err1 >&2; printf "%s" tail; exit 3'), sink);
      const exit = await h.exit;
      expect(exit).toEqual({ exitCode: 3, signal: null });
      expect(sink.out()).toBe("out1\ntail");
      expect(sink.err()).toBe("err1\n");
      expect(h.pid).toEqual(expect.any(Number));
    });

    it("runs in the given cwd with exactly the given environment", async () => {
      const dir = tempDir();
      const sink = capture();
      const env = { PATH: process.env.PATH ?? "/usr/bin:/bin", ONLY_THIS: "a b\nc", EMPTY: "" };
      const h = executor().start(
        bash('pwd; printf "[%s]" "$ONLY_THIS" "$EMPTY" "${HOME-unset}"', { cwd: dir, env }),
        sink,
      );
      expect((await h.exit).exitCode).toBe(0);
      expect(sink.out()).toBe(`${dir}\n[a b\nc][][unset]`);
    });

    it("passes large output through intact and in order", async () => {
      const sink = capture();
      const h = executor().start(bash("seq 1 200000"), sink);
      expect((await h.exit).exitCode).toBe(0);
      const lines = sink.out().split("\n");
      expect(lines.length).toBe(200001);
      expect(lines[0]).toBe("1");
      expect(lines[199999]).toBe("200000");
    });

    it("runs many processes at once, each with its own output", async () => {
      const e = executor();
      const runs = Array.from({ length: 20 }, (_, i) => {
        const sink = capture();
        return { i, sink, h: e.start(bash(`echo job-${i}; exit ${i % 3}`), sink) };
      });
      for (const r of runs) {
        expect((await r.h.exit).exitCode).toBe(r.i % 3);
        expect(r.sink.out()).toBe(`job-${r.i}\n`);
      }
    });

    it("reports a missing program as an ENOENT start error, without throwing", async () => {
      const h = executor().start(bash("", { command: "sluice-no-such-program", args: [] }), capture());
      const exit = await h.exit;
      expect(exit.exitCode).toBeNull();
      expect((exit.error as NodeJS.ErrnoException | undefined)?.code).toBe("ENOENT");
    });

    it("starts each process as the leader of its own process group", async () => {
      const sink = capture();
      const h = executor().start(bash("ps -o pgid= -p $$"), sink);
      expect((await h.exit).exitCode).toBe(0);
      expect(Number(sink.out().trim())).toBe(h.pid);
    });

    it("stop() sends SIGINT to the whole group first", async () => {
      const sink = capture();
      const h = executor().start(
        bash("trap 'echo got-int; exit 7' INT; echo ready; while :; do sleep 0.05; done"),
        sink,
      );
      await waitFor(() => sink.out().includes("ready"), 10_000);
      await h.stop(10_000);
      expect((await h.exit).exitCode).toBe(7);
      expect(sink.out()).toContain("got-int");
    });

    it("stop() escalates to SIGKILL within the grace period, and is idempotent", async () => {
      const sink = capture();
      const h = executor().start(bash("trap '' INT TERM; echo ready; while :; do sleep 0.05; done"), sink);
      await waitFor(() => sink.out().includes("ready"), 10_000);
      const t0 = Date.now();
      await Promise.all([h.stop(400), h.stop(400)]);
      expect(Date.now() - t0).toBeLessThan(5000);
      expect((await h.exit).signal).toBe("SIGKILL");
    });

    it("stop() right after start() still stops the process", async () => {
      const h = executor().start(bash("sleep 30"), capture());
      await h.stop(2000);
      const exit = await h.exit;
      expect(exit.exitCode === 0).toBe(false);
    });

    it("killGroup() ends background children left behind by a process that exited", async () => {
      const sink = capture();
      const h = executor().start(bash("sleep 30 >/dev/null 2>&1 & echo $!"), sink);
      expect((await h.exit).exitCode).toBe(0);
      const bg = Number(sink.out().trim());
      expect(isAlive(bg)).toBe(true);
      h.killGroup();
      h.killGroup();
      expect(await waitFor(() => !isAlive(bg) || isZombie(bg), 5000)).toBe(true);
    });
  });
}

/** A killed background child is reparented and may linger as a zombie until its new parent reaps it. */
function isZombie(pid: number): boolean {
  try {
    return /\)\s+Z\s/.test(readFileSync(`/proc/${pid}/stat`, "utf8"));
  } catch {
    return true;
  }
}
