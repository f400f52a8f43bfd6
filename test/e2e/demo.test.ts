/**
 * `sluice demo --json --keep` end to end: the bundled CLI copies the example service into a temporary
 * repository and runs its real CI workflow twice on this machine. Run 1 (lint, test with coverage, the
 * quality gate, build) passes and records the gate's baseline; run 2, on a commit that adds untested code,
 * fails at the quality gate although its tests pass. The kept repository's store must hold both results.
 */
import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import Database from "better-sqlite3";
import { afterEach, describe, expect, it } from "vitest";

const bin = fileURLToPath(new URL("../../bin/sluice.js", import.meta.url));

const dirs: string[] = [];
afterEach(() => {
  // rmSync does not follow the kept repository's node_modules link into Sluice's own node_modules.
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

interface DemoReport {
  runs: RunReport[];
  gateStoppedRegression: boolean;
  delivery?: {
    ok: boolean;
    steps: Array<{ command: string; exitCode: number; expected: number }>;
    load: { sent: number; ok: number; serverErrors: number; failed: number } | null;
  };
}

interface GateRow {
  gate: string;
  passed: number;
  metrics: string;
  rules: string;
}

const conclusions = (run: RunReport | undefined): Record<string, string> =>
  Object.fromEntries((run?.jobs ?? []).map((job) => [job.id, job.conclusion]));

describe("sluice demo", () => {
  it(
    "passes run 1 and records the gate's baseline, then the gate stops run 2's coverage drop",
    { timeout: 300_000 },
    async () => {
      const cwd = mkdtempSync(join(tmpdir(), "sluice-demo-e2e-"));
      dirs.push(cwd);
      // The demo's temp repository goes under TMPDIR, so the test's cleanup removes the kept repository.
      const env: NodeJS.ProcessEnv = { ...process.env, TMPDIR: cwd, NO_COLOR: "1" };
      // The CLI's entry point does nothing when it believes vitest imported it.
      delete env.VITEST;
      delete env.SLUICE_TEST;

      const { code, stdout, stderr } = await runSluice(["demo", "--json", "--keep"], cwd, env);
      // Run 2 failing is the expected outcome: the demo itself succeeded.
      expect(code, `stderr:\n${stderr}\nstdout:\n${stdout}`).toBe(0);

      // --json leaves stdout to the one JSON object; the demo's narration is on stderr.
      const report = JSON.parse(stdout) as DemoReport;
      expect(stderr).toContain("Sluice demo");
      expect(stderr).toContain("Expected to FAIL at the quality gate");
      expect(report.gateStoppedRegression).toBe(true);
      expect(report.runs).toHaveLength(2);
      // The delivery act: staging and production deployed, 1.1.0 promoted, 1.2.0 rolled back by itself,
      // and no request of the synthetic load went unanswered through all of it.
      expect(report.delivery?.ok, stderr).toBe(true);
      expect(report.delivery?.steps.map((s) => [s.command, s.exitCode])).toEqual([
        ["sluice deploy staging --version 1.0.0", 0],
        ["sluice deploy production --version 1.0.0", 0],
        ["sluice deploy production --version 1.1.0", 0],
        ["sluice deploy production --version 1.2.0 --env ERROR_RATE=0.2", 1],
        ["sluice history production", 0],
      ]);
      expect(report.delivery?.load?.failed).toBe(0);
      expect(stderr).toMatch(/rolledBack: background analysis failed/);
      const [run1, run2] = report.runs;

      expect(run1?.conclusion).toBe("success");
      expect(conclusions(run1)).toEqual({
        lint: "success",
        test: "success",
        quality: "success",
        build: "success",
      });

      expect(run2?.conclusion).toBe("failure");
      expect(conclusions(run2)).toMatchObject({ lint: "success", test: "success", quality: "failure" });
      expect(conclusions(run2).build ?? "not run").not.toBe("success");

      const repo = /Kept the demo repository at (.+)$/m.exec(stderr)?.[1]?.trim();
      expect(repo, stderr).toBeDefined();
      const db = new Database(join(repo ?? "", ".sluice", "sluice.db"), { readonly: true });
      let rows: GateRow[];
      try {
        rows = db
          .prepare("SELECT gate, passed, metrics, rules FROM gate_results ORDER BY created_at, rowid")
          .all() as GateRow[];
      } finally {
        db.close();
      }
      expect(rows.map((r) => [r.gate, Boolean(r.passed)])).toEqual([
        ["quality", true],
        ["quality", false],
      ]);
      const lines = rows.map(
        (r) => (JSON.parse(r.metrics) as { coverage: { lines: number } }).coverage.lines,
      );
      expect(lines[1]).toBeLessThan((lines[0] ?? 0) - 0.5);
      const failed = (JSON.parse(rows[1]?.rules ?? "[]") as Array<{ name: string; status: string }>)
        .filter((r) => r.status === "failed")
        .map((r) => r.name);
      expect(failed).toContain("coverage did not drop");
    },
  );
});
