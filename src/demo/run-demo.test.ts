import { execFileSync } from "node:child_process";
import { existsSync, lstatSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import type { CliIO, ExitCode } from "../cli/io";
import type { RecordedGate, RunRecordSummary } from "./inspect";
import { REGRESSION_COMMIT_MESSAGE } from "./regression";
import { judgeRun2, runDemo } from "./run-demo";
import { useTempDirs } from "./test-fixtures";

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

/** What the fake `sluice run` saw on each call. */
interface Call {
  cwd: string;
  args: string[];
  gitDir: string | undefined;
  linked: boolean;
  head: string;
  hasDiscount: boolean;
}

/** A stand-in for `sluice run` that records where and how it was called and exits with `codes[i]`. */
function fakeRun(codes: ExitCode[], calls: Call[]) {
  return async (io: CliIO, args: string[]): Promise<ExitCode> => {
    calls.push({
      cwd: io.cwd,
      args,
      gitDir: io.env.GIT_DIR,
      linked: lstatSync(join(io.cwd, "node_modules")).isSymbolicLink(),
      head: execFileSync("git", ["log", "-1", "--format=%s"], { cwd: io.cwd, encoding: "utf8" }).trim(),
      hasDiscount: existsSync(join(io.cwd, "src", "discount.ts")),
    });
    if (args.includes("--json")) io.stdout.write(JSON.stringify({ run: calls.length }) + "\n");
    return codes[calls.length - 1] ?? 1;
  };
}

function gate(passed: boolean, coverageLines: number): RecordedGate {
  return {
    gate: "quality",
    passed,
    coverageLines,
    rules: passed
      ? []
      : [
          {
            name: "coverage did not drop",
            severity: "fail",
            status: "failed",
            message: "coverage.lines >= baseline.coverage.lines - 0.5 is false (coverage.lines=94.76, …)",
          },
          { name: "few lint warnings", severity: "warn", status: "passed", message: "" },
        ],
  };
}

const RUN1: RunRecordSummary = {
  number: 1,
  sha: "a".repeat(40),
  conclusion: "success",
  jobs: { lint: "success", test: "success", quality: "success", build: "success" },
  gates: [gate(true, 98.34)],
};
const RUN2: RunRecordSummary = {
  number: 2,
  sha: "b".repeat(40),
  conclusion: "failure",
  jobs: { lint: "success", test: "success", quality: "failure" },
  gates: [gate(false, 94.76)],
};

/** A stand-in for the store reader that answers with the given runs in turn. */
function fakeInspect(...runs: Array<RunRecordSummary | null>) {
  return async (): Promise<RunRecordSummary | null> => runs.shift() ?? null;
}

const tmpRoot = useTempDirs("sluice-demo-test-");

describe("runDemo", () => {
  it("runs the pipeline, commits the untested change, runs it again up to the gate, then cleans up", async () => {
    const root = tmpRoot();
    const { io, stdout } = makeIO();
    const calls: Call[] = [];
    const code = await runDemo(
      io,
      { keep: false, json: false },
      { runPipeline: fakeRun([0, 1], calls), inspectRun: fakeInspect(RUN1, RUN2), tmpRoot: root },
    );
    expect(code).toBe(0);
    expect(calls.map((c) => c.args)).toEqual([[], ["--job", "quality"]]);
    const [first, second] = calls;
    expect(first?.cwd).toMatch(/sluice-demo-[^/\\]+[/\\]example-service$/);
    expect(second?.cwd).toBe(first?.cwd);
    expect(calls.map((c) => c.gitDir)).toEqual([undefined, undefined]);
    expect(calls.map((c) => c.linked)).toEqual([true, true]);
    expect(calls.map((c) => c.head)).toEqual(["Add the example service", REGRESSION_COMMIT_MESSAGE]);
    expect(calls.map((c) => c.hasDiscount)).toEqual([false, true]);

    const text = stdout();
    expect(text).toContain(first?.cwd);
    expect(text).toContain("Run 1 of 2");
    expect(text).toContain("Run 2 of 2: the change. Expected to FAIL at the quality gate.");
    expect(text).toContain("98.34% line coverage");
    expect(text).toContain("Run 2 failed, as expected");
    expect(text).toContain(
      "✗ coverage did not drop: coverage.lines >= baseline.coverage.lines - 0.5 is false",
    );
    expect(text).not.toContain("few lint warnings");
    expect(text).toContain("fell from 98.34% to\n94.76%");
    expect(readdirSync(root)).toEqual([]);
  });

  it("prints one JSON object with both run reports and the verdict, and narrates on stderr", async () => {
    const { io, stdout, stderr } = makeIO();
    const calls: Call[] = [];
    const code = await runDemo(
      io,
      { keep: false, json: true },
      { runPipeline: fakeRun([0, 1], calls), inspectRun: fakeInspect(RUN1, RUN2), tmpRoot: tmpRoot() },
    );
    expect(code).toBe(0);
    expect(calls.map((c) => c.args)).toEqual([["--json"], ["--job", "quality", "--json"]]);
    expect(JSON.parse(stdout())).toEqual({ runs: [{ run: 1 }, { run: 2 }], gateStoppedRegression: true });
    expect(stderr()).toContain("Sluice demo");
    expect(stderr()).toContain("Run 2 failed, as expected");
  });

  it("stops after run 1 and fails when run 1 does not pass, keeping the repository with --keep", async () => {
    const { io, stdout } = makeIO();
    const calls: Call[] = [];
    const code = await runDemo(
      io,
      { keep: true, json: true },
      {
        runPipeline: fakeRun([1], calls),
        inspectRun: fakeInspect({ ...RUN1, conclusion: "failure" }),
        tmpRoot: tmpRoot(),
      },
    );
    expect(code).toBe(1);
    expect(calls).toHaveLength(1);
    const repo = calls[0]?.cwd ?? "";
    expect(existsSync(join(repo, "package.json"))).toBe(true);
    expect(readFileSync(join(repo, "src", "routes.ts"), "utf8")).not.toContain("discount");
    expect(JSON.parse(stdout())).toEqual({ runs: [{ run: 1 }], gateStoppedRegression: false });
  });

  it("fails when run 2 passes: the gate did not stop the regression", async () => {
    const { io, stdout } = makeIO();
    const code = await runDemo(
      io,
      { keep: true, json: false },
      {
        runPipeline: fakeRun([0, 0], []),
        inspectRun: fakeInspect(RUN1, { ...RUN2, conclusion: "success", gates: [gate(true, 98)] }),
        tmpRoot: tmpRoot(),
      },
    );
    expect(code).toBe(1);
    expect(stdout()).toContain("expected the quality gate to stop run 2, but run 2 passed");
    expect(stdout()).toMatch(/Kept the demo repository at .*example-service/);
    expect(stdout()).toContain("sluice gate quality");
  });

  it("removes the repository, but not the shared node_modules, when a run throws", async () => {
    const root = tmpRoot();
    const { io } = makeIO();
    const boom = new Error("boom");
    await expect(
      runDemo(io, { keep: false, json: false }, { runPipeline: () => Promise.reject(boom), tmpRoot: root }),
    ).rejects.toBe(boom);
    expect(readdirSync(root)).toEqual([]);
    expect(existsSync(new URL("../../node_modules/typescript/package.json", import.meta.url))).toBe(true);
  });

  it("reports cancellation as a failure and does not start run 2", async () => {
    const controller = new AbortController();
    const { io, stdout } = makeIO(controller.signal);
    let runs = 0;
    const run = async (): Promise<ExitCode> => {
      runs += 1;
      controller.abort();
      return 0;
    };
    expect(
      await runDemo(
        io,
        { keep: false, json: false },
        { runPipeline: run, inspectRun: fakeInspect(RUN1), tmpRoot: tmpRoot() },
      ),
    ).toBe(1);
    expect(runs).toBe(1);
    expect(stdout()).toContain("cancelled");
  });
});

describe("judgeRun2", () => {
  it("credits the gate only when it failed while lint and test passed", () => {
    expect(judgeRun2(1, RUN2)).toMatchObject({ stopped: true, gate: { gate: "quality", passed: false } });
  });

  it("says why otherwise", () => {
    expect(judgeRun2(0, RUN2)).toMatchObject({ stopped: false, reason: expect.stringContaining("passed") });
    expect(judgeRun2(1, null)).toMatchObject({
      stopped: false,
      reason: expect.stringContaining("never ran"),
    });
    const testFailed = { ...RUN2, jobs: { lint: "success", test: "failure", quality: "skipped" }, gates: [] };
    expect(judgeRun2(1, testFailed)).toMatchObject({
      stopped: false,
      reason: "the quality gate never ran because test failed: the log above shows why",
    });
    const both = { ...RUN2, jobs: { lint: "failure", test: "success", quality: "failure" } };
    expect(judgeRun2(1, both)).toMatchObject({ stopped: false, reason: expect.stringContaining("lint") });
    expect(judgeRun2(1, { ...RUN2, gates: [gate(true, 98)] })).toMatchObject({ stopped: false });
  });
});
