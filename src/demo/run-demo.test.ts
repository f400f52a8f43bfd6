import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import type { CliIO, ExitCode } from "../cli/io";
import { runDemo } from "./run-demo";

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function makeIO(signal = new AbortController().signal): {
  io: CliIO;
  stdout: () => string;
  stderr: () => string;
} {
  const out = new PassThrough();
  const err = new PassThrough();
  let stdout = "";
  let stderr = "";
  out.on("data", (c: Buffer) => (stdout += c.toString()));
  err.on("data", (c: Buffer) => (stderr += c.toString()));
  const io: CliIO = {
    stdout: out,
    stderr: err,
    cwd: process.cwd(),
    env: { ...process.env, GIT_DIR: "/nonexistent" },
    signal,
  };
  return { io, stdout: () => stdout, stderr: () => stderr };
}

/** A stand-in for `sluice run` that records where and how it was called. */
function fakeRun(
  code: ExitCode,
  seen: { cwd?: string; args?: string[]; gitDir?: string; linked?: boolean; head?: string },
) {
  return async (io: CliIO, args: string[]): Promise<ExitCode> => {
    seen.cwd = io.cwd;
    seen.args = args;
    seen.gitDir = io.env.GIT_DIR;
    seen.linked = lstatSync(join(io.cwd, "node_modules")).isSymbolicLink();
    seen.head = execFileSync("git", ["log", "-1", "--format=%s"], { cwd: io.cwd, encoding: "utf8" }).trim();
    if (args.includes("--json")) io.stdout.write(JSON.stringify({ jobs: [] }) + "\n");
    return code;
  };
}

function tmpRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), "sluice-demo-test-"));
  dirs.push(dir);
  return dir;
}

describe("runDemo", () => {
  it("runs the pipeline in a committed copy of the example with linked dependencies, then removes it", async () => {
    const root = tmpRoot();
    const { io, stdout } = makeIO();
    const seen: Parameters<typeof fakeRun>[1] = {};
    const code = await runDemo(
      io,
      { keep: false, json: false },
      { runPipeline: fakeRun(0, seen), tmpRoot: root },
    );
    expect(code).toBe(0);
    expect(seen.args).toEqual([]);
    expect(seen.cwd).toMatch(/sluice-demo-[^/\\]+[/\\]example-service$/);
    expect(seen.gitDir).toBeUndefined();
    expect(seen.linked).toBe(true);
    expect(seen.head).toBe("Add the example service");
    expect(stdout()).toContain(seen.cwd);
    expect(stdout()).toContain("The pipeline passed");
    expect(readdirSync(root)).toEqual([]);
  });

  it("passes --json through and keeps stdout for the run's report", async () => {
    const { io, stdout, stderr } = makeIO();
    const seen: Parameters<typeof fakeRun>[1] = {};
    await runDemo(io, { keep: false, json: true }, { runPipeline: fakeRun(0, seen), tmpRoot: tmpRoot() });
    expect(seen.args).toEqual(["--json"]);
    expect(JSON.parse(stdout())).toEqual({ jobs: [] });
    expect(stderr()).toContain("Sluice demo");
  });

  it("keeps the repository with --keep and returns the pipeline's failure", async () => {
    const { io, stdout } = makeIO();
    const seen: Parameters<typeof fakeRun>[1] = {};
    const code = await runDemo(
      io,
      { keep: true, json: false },
      { runPipeline: fakeRun(1, seen), tmpRoot: tmpRoot() },
    );
    expect(code).toBe(1);
    expect(existsSync(join(seen.cwd ?? "", "package.json"))).toBe(true);
    expect(stdout()).toContain(`Kept the demo repository at ${seen.cwd}`);
    expect(stdout()).toContain("did not pass");
  });

  it("removes the repository, but not the shared node_modules, when the run throws", async () => {
    const root = tmpRoot();
    const { io } = makeIO();
    const boom = new Error("boom");
    await expect(
      runDemo(io, { keep: false, json: false }, { runPipeline: () => Promise.reject(boom), tmpRoot: root }),
    ).rejects.toBe(boom);
    expect(readdirSync(root)).toEqual([]);
    expect(existsSync(new URL("../../node_modules/typescript/package.json", import.meta.url))).toBe(true);
  });

  it("reports cancellation as a failure", async () => {
    const controller = new AbortController();
    const { io, stdout } = makeIO(controller.signal);
    const run = async (): Promise<ExitCode> => {
      controller.abort();
      return 0;
    };
    expect(await runDemo(io, { keep: false, json: false }, { runPipeline: run, tmpRoot: tmpRoot() })).toBe(1);
    expect(stdout()).toContain("cancelled");
  });
});
