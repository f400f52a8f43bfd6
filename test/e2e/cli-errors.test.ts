/**
 * Errors through the real CLI beyond `sluice run` (golden.test.ts): `sluice validate` rejects what
 * GitHub rejects when it reads a workflow, `sluice logs` shows why a job failed before its first step,
 * and `--json` prints one error object on every command.
 */
import { rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { createFixtureRepo } from "../helpers/git-repo";
import { runSluice } from "../helpers/sluice-cli";

const fixtures = fileURLToPath(new URL("../fixtures/workflows/", import.meta.url));
const repos: string[] = [];
afterAll(() => {
  for (const dir of repos.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function repo(name: string): string {
  const dir = createFixtureRepo(fixtures + name);
  repos.push(dir);
  return dir;
}

describe.concurrent("CLI errors", () => {
  it("validate rejects a filter with its -ignore form, located", { timeout: 60_000 }, async () => {
    const r = await runSluice(["validate"], { cwd: repo("invalid-filter-conflict") });
    expect(r.code, r.stderr).toBe(2);
    expect(r.stderr).toContain(
      ".github/workflows/ci.yml:5:5: SLUICE_E_WORKFLOW_SCHEMA: you may only define one of `branches` and `branches-ignore` for a single event (on.push)",
    );
    expect(r.stdout).toContain("✗ .github/workflows/pr.yml");
  });

  it("validate rejects a static matrix without combinations, located", { timeout: 60_000 }, async () => {
    const r = await runSluice(["validate", "--json"], { cwd: repo("invalid-matrix-all-excluded") });
    expect(r.code, r.stderr).toBe(2);
    const report = JSON.parse(r.stdout) as { valid: boolean; problems: unknown[] };
    expect(report.valid).toBe(false);
    expect(report.problems).toEqual([
      {
        code: "SLUICE_E_WORKFLOW_INVALID",
        message: "Matrix does not contain any combinations: every combination is excluded",
        location: { file: ".github/workflows/ci.yml", line: 12, column: 9 },
      },
    ]);
  });

  it(
    "validate rejects calls that do not match the called workflow, located",
    { timeout: 60_000 },
    async () => {
      const r = await runSluice(["validate", "--json"], { cwd: repo("invalid-reusable-call") });
      expect(r.code, r.stderr).toBe(2);
      const report = JSON.parse(r.stdout) as {
        valid: boolean;
        workflows: Array<{ path: string; valid: boolean }>;
        problems: Array<{ code: string; location: { file: string; line: number; column: number } }>;
      };
      expect(report.valid).toBe(false);
      expect(report.workflows).toEqual(
        expect.arrayContaining([
          expect.objectContaining({ path: ".github/workflows/ci.yml", valid: false }),
          expect.objectContaining({ path: ".github/workflows/reuse.yml", valid: true }),
        ]),
      );
      expect(report.problems.map((p) => `${p.location.line}:${p.location.column} ${p.code}`)).toEqual([
        "4:52 SLUICE_E_INPUT",
        "5:75 SLUICE_E_INPUT",
        "6:68 SLUICE_E_INPUT",
        "7:21 SLUICE_E_REUSABLE_WORKFLOW",
        "8:89 SLUICE_E_REUSABLE_WORKFLOW",
        "9:21 SLUICE_E_REUSABLE_WORKFLOW",
      ]);
    },
  );

  it("logs shows why a job failed before its first step", { timeout: 60_000 }, async () => {
    const cwd = repo("matrix-from-json-empty");
    const run = await runSluice(["run"], { cwd });
    expect(run.code, run.stderr + run.stdout).toBe(1);
    const logs = await runSluice(["logs", "1", "per-service"], { cwd });
    expect(logs.code, logs.stderr).toBe(0);
    expect(logs.stdout).toContain("== per-service (failure)");
    expect(logs.stdout).toContain("-- Set up job (failure)");
    expect(logs.stdout).toContain("Matrix vector 'service' does not contain any values");
  });

  it("a usage error carries its code, and --json prints it", { timeout: 60_000 }, async () => {
    const cwd = repo("job-filter-unknown");
    const r = await runSluice(["runs", "--json", "--bogus"], { cwd });
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^error: SLUICE_E_USAGE: unknown option '--bogus'/);
    expect(JSON.parse(r.stdout)).toMatchObject({ status: "error", code: "SLUICE_E_USAGE", exitCode: 2 });
    const logs = await runSluice(["logs", "99", "--json"], { cwd });
    expect(logs.code).toBe(2);
    expect(JSON.parse(logs.stdout)).toMatchObject({ status: "error", code: "SLUICE_E_RUN_NOT_FOUND" });
  });
});
