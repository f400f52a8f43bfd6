/**
 * `sluice demo --json` end to end: the bundled CLI copies the example service into a temporary repository
 * and runs its real CI workflow (lint, test with coverage, build) on this machine.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterEach, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../bin/sluice.js", import.meta.url));

const dirs: string[] = [];
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function runSluice(
  args: string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [bin, ...args],
      { cwd, env, maxBuffer: 64 * 1024 * 1024 },
      (err, stdout, stderr) => {
        const code = err ? (typeof err.code === "number" ? err.code : -1) : 0;
        resolve({ code, stdout, stderr });
      },
    );
  });
}

/** The part of `sluice run --json` this test reads (the stable shape documented in docs/cli.md). */
interface RunReport {
  conclusion: string;
  jobs: Array<{ id: string; conclusion: string }>;
}

describe("sluice demo", () => {
  it(
    "runs the example's lint, test and build jobs to success and cleans up",
    { timeout: 300_000 },
    async () => {
      const cwd = mkdtempSync(join(tmpdir(), "sluice-demo-e2e-"));
      dirs.push(cwd);
      // The demo's temp repository goes under TMPDIR, so the test can check that it was removed.
      const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: cwd, NO_COLOR: "1" };
      // The CLI's entry point does nothing when it believes vitest imported it.
      delete env.VITEST;
      delete env.SLUICE_TEST;

      const { code, stdout, stderr } = await runSluice(["demo", "--json"], cwd, env);
      expect(code, `stderr:\n${stderr}\nstdout:\n${stdout}`).toBe(0);

      // --json leaves stdout to the run's report alone; the demo's narration is on stderr.
      const report = JSON.parse(stdout) as RunReport;
      expect(stderr).toContain("Sluice demo");
      const conclusions = Object.fromEntries(report.jobs.map((job) => [job.id, job.conclusion]));
      expect(conclusions).toEqual({ lint: "success", test: "success", build: "success" });
      expect(report.conclusion).toBe("success");

      expect(readdirSync(cwd).filter((name) => name.startsWith("sluice-demo-"))).toEqual([]);
    },
  );
});
