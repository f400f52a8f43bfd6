import { mkdir, mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { PassThrough } from "node:stream";
import { Command } from "commander";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { registerInit } from "../cli/commands/init";
import type { CliIO, ExitCode } from "../cli/io";
import { SluiceError } from "../core/errors";
import { runInit } from "./index";

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), "sluice-init-"));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

async function cli(args: string[]): Promise<{ code: ExitCode | undefined; stdout: string; error?: unknown }> {
  const stdout = new PassThrough();
  let out = "";
  stdout.on("data", (chunk: Buffer) => (out += chunk.toString()));
  const io: CliIO = {
    stdout,
    stderr: new PassThrough(),
    cwd: root,
    env: {},
    signal: new AbortController().signal,
  };
  let code: ExitCode | undefined;
  const program = new Command().exitOverride();
  registerInit(program, io, (c) => (code = c));
  try {
    await program.parseAsync(["init", ...args], { from: "user" });
  } catch (error) {
    return { code, stdout: out, error };
  }
  return { code, stdout: out };
}

describe("runInit", () => {
  it("writes ci.yml and sluice.yml for a Node repository", async () => {
    await writeFile(join(root, "package.json"), JSON.stringify({ scripts: { test: "vitest run" } }));
    await writeFile(join(root, "package-lock.json"), "{}");
    const result = await runInit({ root, force: false });
    expect(result.project.kind).toBe("node");
    expect(result.written).toEqual([
      { path: ".github/workflows/ci.yml", status: "created" },
      { path: "sluice.yml", status: "created" },
    ]);
    expect(await readFile(join(root, ".github/workflows/ci.yml"), "utf8")).toContain("npm run test");
    expect(await readFile(join(root, "sluice.yml"), "utf8")).toMatch(/^version: 1$/m);
    expect(result.gitignore).toBe("added");
    expect(await readFile(join(root, ".gitignore"), "utf8")).toContain(".sluice/*\n!.sluice/actions/\n");
  });

  it("appends Sluice's state to an existing .gitignore once, and leaves one that ignores it alone", async () => {
    await writeFile(join(root, ".gitignore"), "node_modules/");
    expect((await runInit({ root, force: false })).gitignore).toBe("added");
    const once = await readFile(join(root, ".gitignore"), "utf8");
    expect(once.startsWith("node_modules/\n\n# Sluice's state")).toBe(true);
    expect((await runInit({ root, force: true })).gitignore).toBe("present");
    expect(await readFile(join(root, ".gitignore"), "utf8")).toBe(once);
    await writeFile(join(root, ".gitignore"), "/.sluice/\n");
    expect((await runInit({ root, force: true })).gitignore).toBe("present");
  });

  it("refuses to overwrite without force and writes nothing", async () => {
    await writeFile(join(root, "sluice.yml"), "version: 1\n# mine\n");
    const err = await runInit({ root, force: false }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(SluiceError);
    expect((err as SluiceError).code).toBe("SLUICE_E_INIT_EXISTS");
    expect((err as SluiceError).exitCode).toBe(2);
    expect((err as SluiceError).problems.map((p) => p.location?.file)).toEqual([join(root, "sluice.yml")]);
    await expect(readFile(join(root, ".github/workflows/ci.yml"), "utf8")).rejects.toMatchObject({
      code: "ENOENT",
    });
    expect(await readFile(join(root, "sluice.yml"), "utf8")).toContain("# mine");
  });

  it("overwrites with force", async () => {
    await mkdir(join(root, ".github/workflows"), { recursive: true });
    await writeFile(join(root, ".github/workflows/ci.yml"), "old");
    const result = await runInit({ root, force: true });
    expect(result.written.map((w) => w.status)).toEqual(["overwritten", "created"]);
    expect(await readFile(join(root, ".github/workflows/ci.yml"), "utf8")).toContain("actions/checkout@v4");
  });
});

describe("sluice init", () => {
  it("prints what it wrote and the next command", async () => {
    await writeFile(join(root, "requirements.txt"), "pytest\n");
    const { code, stdout } = await cli([]);
    expect(code).toBe(0);
    expect(stdout).toContain("Detected Python project (Python 3.11; pytest).");
    expect(stdout).toContain("Created .github/workflows/ci.yml (jobs: test)");
    expect(stdout).toContain("Created sluice.yml");
    expect(stdout).toContain("sluice run");
  });

  it("prints a stable JSON shape with --json", async () => {
    const { code, stdout } = await cli(["--json"]);
    expect(code).toBe(0);
    const json = JSON.parse(stdout) as Record<string, unknown>;
    expect(Object.keys(json)).toEqual([
      "project",
      "summary",
      "jobs",
      "files",
      "gitignore",
      "warnings",
      "next",
    ]);
    expect(json).toMatchObject({
      project: { kind: "generic" },
      jobs: ["build"],
      next: "sluice run",
      gitignore: "added",
    });
    expect((json.warnings as string[]).length).toBe(1);
  });

  it("fails with SLUICE_E_INIT_EXISTS (exit 2) when files exist, unless --force", async () => {
    await cli([]);
    const again = await cli([]);
    expect(again.error).toBeInstanceOf(SluiceError);
    expect((again.error as SluiceError).code).toBe("SLUICE_E_INIT_EXISTS");
    expect((again.error as SluiceError).problems).toHaveLength(2);
    const forced = await cli(["--force"]);
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain("Overwrote sluice.yml");
  });
});
