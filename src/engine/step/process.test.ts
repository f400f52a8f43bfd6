import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { describeStartError } from "./process";

const dir = mkdtempSync(path.join(tmpdir(), "sluice-start-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const enoent = Object.assign(new Error("spawn bash ENOENT"), { code: "ENOENT" });

describe("describeStartError", () => {
  it("names a missing working directory, as GitHub does, rather than the program", () => {
    const cwd = path.join(dir, "does/not/exist");
    expect(describeStartError({ command: "bash", cwd }, enoent)).toBe(
      `An error occurred trying to start process 'bash' with working directory '${cwd}'. No such file or directory`,
    );
  });

  it("names a working directory that is a file", () => {
    const cwd = path.join(dir, "file");
    writeFileSync(cwd, "");
    expect(describeStartError({ command: "bash", cwd }, enoent)).toMatch(
      /working directory '.*file'\. Not a directory$/,
    );
  });

  it("blames the program when the directory exists", () => {
    expect(describeStartError({ command: "no-such-shell", cwd: dir }, enoent)).toBe(
      'cannot start "no-such-shell": not found on PATH',
    );
    expect(describeStartError({ command: "x", cwd: dir }, new Error("EACCES"))).toBe("EACCES");
  });
});
