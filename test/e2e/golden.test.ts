/**
 * The golden corpus: every directory of test/fixtures/workflows is a repository plus the outcome
 * GitHub Actions documents for it (expected.json, format in test/helpers/golden-case.ts). Each case
 * is copied into a fresh git repository and run with the real, bundled CLI. Cases marked `custom`
 * need several processes at once (concurrency groups) and have their own tests below.
 */
import { readdirSync, readFileSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { checkCase, loadCase } from "../helpers/golden-case";
import type { JsonReport } from "../helpers/golden-case";
import { createFixtureRepo } from "../helpers/git-repo";
import { readStore } from "../helpers/run-store";
import { collect, runSluice, spawnSluice, waitForOutput } from "../helpers/sluice-cli";

const fixtures = fileURLToPath(new URL("../fixtures/workflows/", import.meta.url));
const cases = readdirSync(fixtures, { withFileTypes: true })
  .filter((d) => d.isDirectory())
  .map((d) => d.name)
  .sort();

const repos: string[] = [];
afterAll(() => {
  if (process.env.SLUICE_KEEP_GOLDEN) return;
  for (const dir of repos.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function fixtureRepo(name: string): string {
  const dir = path.join(fixtures, name);
  const repo = createFixtureRepo(dir, loadCase(dir).git);
  repos.push(repo);
  return repo;
}

describe.concurrent("golden workflows", () => {
  it("has cases", () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const name of cases) {
    const c = loadCase(path.join(fixtures, name));
    if (c.custom) continue;
    it(name, { timeout: 60_000 }, async () => {
      const repo = fixtureRepo(name);
      for (const before of c.before ?? []) {
        const r = await runSluice(["run", ...before.args], { cwd: repo, env: c.env });
        expect(r.code, `earlier run ${before.args.join(" ")}: ${r.stderr}\n${r.stdout}`).toBe(
          before.exitCode,
        );
      }
      const result = await runSluice(["run", ...c.args], { cwd: repo, env: c.env });
      checkCase(c, result, repo);
    });
  }

  it("concurrency-queue", { timeout: 60_000 }, async () => {
    const repo = fixtureRepo("concurrency-queue");
    const first = spawnSluice(["run"], { cwd: repo });
    const firstDone = collect(first);
    await waitForOutput(first, (out) => out.includes("step-started 1"), 30_000);
    const second = await runSluice(["run"], { cwd: repo });
    const firstResult = await firstDone;

    expect(firstResult.code, firstResult.stdout + firstResult.stderr).toBe(0);
    expect(second.code, second.stdout + second.stderr).toBe(0);
    expect(second.stdout).toContain('concurrency group "deploy-refs/heads/main": waiting for run #1');
    // Run #2's step started only after run #1's step ended.
    const log = readFileSync(path.join(repo, "deploy.log"), "utf8");
    const time = (kind: string, run: number) =>
      BigInt(new RegExp(`^${kind} (\\d+) ${run}$`, "m").exec(log)![1]!);
    expect(time("start", 2) > time("end", 1), log).toBe(true);
    const runs = readStore(repo).runs;
    expect(runs.map((r) => [r.number, r.conclusion, r.concurrency_group])).toEqual([
      [1, "success", "deploy-refs/heads/main"],
      [2, "success", "deploy-refs/heads/main"],
    ]);
  });

  it("concurrency-cancel-in-progress", { timeout: 60_000 }, async () => {
    const repo = fixtureRepo("concurrency-cancel-in-progress");
    const env = { SLUICE_KILL_GRACE_MS: "1000" };
    const first = spawnSluice(["run", "--json"], { cwd: repo, env });
    const firstDone = collect(first);
    // --json keeps stdout for the report, so watch the store for run #1's step instead.
    await expect
      .poll(() => readStore(repo).steps.some((s) => s.status === "in_progress"), {
        timeout: 30_000,
        interval: 100,
      })
      .toBe(true);
    const second = await runSluice(["run", "--json"], { cwd: repo, env });
    const firstResult = await firstDone;

    expect(firstResult.code, firstResult.stderr).toBe(1);
    const cancelled = JSON.parse(firstResult.stdout) as JsonReport;
    expect(cancelled.conclusion).toBe("cancelled");
    expect(cancelled.jobs.map((j) => [j.name, j.conclusion])).toEqual([["build", "cancelled"]]);
    expect(cancelled.jobs[0]!.steps.map((s) => [s.id, s.outcome])).toEqual([
      ["work", "cancelled"],
      ["after", "skipped"],
    ]);
    // Stopped, not waited for: the step would have slept 30 s.
    expect(firstResult.durationMs).toBeLessThan(20_000);

    expect(second.code, second.stderr).toBe(0);
    const replacement = JSON.parse(second.stdout) as JsonReport;
    expect(replacement.conclusion).toBe("success");
    expect(replacement.runs.map((r) => r.runNumber)).toEqual([2]);
  });
});
