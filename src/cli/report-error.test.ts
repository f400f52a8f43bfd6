/** How failed commands end: codes on commander's usage errors, and one JSON object under --json. */
import { Writable } from "node:stream";
import { describe, expect, it } from "vitest";
import { createError } from "../core/errors";
import type { CliIO } from "./io";
import { main } from "./program";
import { reportError, wantsJson } from "./report-error";

function fakeIo() {
  const out = { stdout: "", stderr: "" };
  const sink = (key: "stdout" | "stderr") =>
    new Writable({
      write(chunk: Buffer, _enc, cb) {
        out[key] += chunk.toString();
        cb();
      },
    });
  const io: CliIO = {
    stdout: sink("stdout"),
    stderr: sink("stderr"),
    cwd: process.cwd(),
    env: {},
    signal: new AbortController().signal,
  };
  return { io, out };
}

describe("commander's usage errors", () => {
  it("carry SLUICE_E_USAGE and exit 2", async () => {
    const { io, out } = fakeIo();
    expect(await main(["run", "--bogus"], io)).toBe(2);
    expect(out.stderr).toMatch(/^error: SLUICE_E_USAGE: unknown option '--bogus'\n/);
    expect(out.stdout).toBe("");
  });

  it("cover invalid option values and unknown commands", async () => {
    const bad = fakeIo();
    expect(await main(["run", "--concurrency", "0"], bad.io)).toBe(2);
    expect(bad.out.stderr).toMatch(
      /^error: SLUICE_E_USAGE: option '--concurrency <n>' argument '0' is invalid/,
    );
    const unknown = fakeIo();
    expect(await main(["bogus"], unknown.io)).toBe(2);
    expect(unknown.out.stderr).toMatch(/^error: SLUICE_E_USAGE: unknown command 'bogus'/);
  });

  it("print one JSON object with --json", async () => {
    const { io, out } = fakeIo();
    expect(await main(["runs", "--json", "--bogus"], io)).toBe(2);
    expect(JSON.parse(out.stdout)).toEqual({
      status: "error",
      code: "SLUICE_E_USAGE",
      exitCode: 2,
      message: "unknown option '--bogus'",
      problems: [],
    });
  });

  it("leave --help and --version alone", async () => {
    const { io, out } = fakeIo();
    expect(await main(["--version"], io)).toBe(0);
    expect(out.stdout).toBe("0.0.0-test\n");
    expect(out.stderr).toBe("");
  });
});

describe("reportError", () => {
  const problems = [
    {
      code: "SLUICE_E_WORKFLOW_SCHEMA" as const,
      message: "bad key",
      location: { file: "a.yml", line: 3, column: 5 },
    },
  ];

  it("prints a configuration error's problems on stderr, and as JSON when asked", () => {
    const { io, out } = fakeIo();
    const err = createError("SLUICE_E_WORKFLOW_SCHEMA", "workflows are invalid (1 problem)", { problems });
    expect(reportError(err, io, true)).toBe(2);
    expect(out.stderr).toBe(
      "error: SLUICE_E_WORKFLOW_SCHEMA: workflows are invalid (1 problem)\n  a.yml:3:5: SLUICE_E_WORKFLOW_SCHEMA: bad key\n",
    );
    expect(JSON.parse(out.stdout)).toEqual({
      status: "error",
      code: "SLUICE_E_WORKFLOW_SCHEMA",
      exitCode: 2,
      message: "workflows are invalid (1 problem)",
      problems,
    });
  });

  it("lists a located error without sub-problems as its own problem", () => {
    const { io, out } = fakeIo();
    const location = { file: "sluice.yml", line: 2, column: 1 };
    expect(reportError(createError("SLUICE_E_CONFIG", "bad", { location }), io, true)).toBe(2);
    expect(out.stderr).toBe("error: sluice.yml:2:1: SLUICE_E_CONFIG: bad\n");
    expect(JSON.parse(out.stdout).problems).toEqual([{ code: "SLUICE_E_CONFIG", message: "bad", location }]);
  });

  it("prints nothing on stdout without --json, and reports internal errors as exit 3", () => {
    const { io, out } = fakeIo();
    expect(reportError(new Error("boom"), io, false)).toBe(3);
    expect(out.stdout).toBe("");
    expect(out.stderr).toMatch(/^error: SLUICE_E_INTERNAL: Error: boom/);
  });
});

describe("wantsJson", () => {
  it("looks at options before --", () => {
    expect(wantsJson(["run", "--json"])).toBe(true);
    expect(wantsJson(["run", "--", "--json"])).toBe(false);
    expect(wantsJson(["run"])).toBe(false);
  });
});
