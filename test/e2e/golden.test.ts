/**
 * The golden corpus: every directory of test/fixtures/workflows is a repository plus the outcome
 * GitHub Actions documents for it (expected.json, format in test/helpers/golden-case.ts). Each case
 * is copied into a fresh git repository and run with the real, bundled CLI.
 */
import { readdirSync, rmSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { checkCase, loadCase } from "../helpers/golden-case";
import { createFixtureRepo } from "../helpers/git-repo";
import { runSluice } from "../helpers/sluice-cli";

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

describe.concurrent("golden workflows", () => {
  it("has cases", () => {
    expect(cases.length).toBeGreaterThan(0);
  });

  for (const name of cases) {
    it(name, { timeout: 60_000 }, async () => {
      const dir = path.join(fixtures, name);
      const c = loadCase(dir);
      const repo = createFixtureRepo(dir, c.git);
      repos.push(repo);
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
});
