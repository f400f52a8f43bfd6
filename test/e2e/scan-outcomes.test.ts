/**
 * `sluice scan` when a scan cannot be complete, through the real CLI: no advisory database (a
 * quickstart `sluice scan` still runs the rest; a named `scan deps` fails), a policy rule that
 * cannot be evaluated, output paths that need creating or cannot be written, and `scan.exclude`
 * in the SBOM.
 */
import { cpSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv-draft-04";
import { beforeAll, describe, expect, it } from "vitest";
import { initRepo, makeTempDir } from "../helpers/git-repo";
import { runSluice } from "../helpers/sluice-cli";

const fixtures = fileURLToPath(new URL("../fixtures/scan/", import.meta.url));
const require = createRequire(import.meta.url);

function sarifErrors(doc: unknown): unknown[] {
  const schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
  ajv.validate(schema, doc);
  return ajv.errors ?? [];
}

/** A repository with a vulnerable lockfile, a Dockerfile running as root, and `sluice.yml`. */
function project(sluiceYml: string): string {
  const dir = makeTempDir("sluice-scan-outcomes-");
  cpSync(path.join(fixtures, "lockfiles/npm-v3"), dir, { recursive: true });
  writeFileSync(path.join(dir, "Dockerfile"), "FROM node:20\nCMD node server.js\n");
  writeFileSync(path.join(dir, "sluice.yml"), sluiceYml);
  initRepo(dir);
  return dir;
}

describe("sluice scan without an advisory database", () => {
  let dir: string;
  beforeAll(() => {
    dir = project("version: 1\n");
  });

  it("runs the other scanners, reports deps as not run and says how to get a database", async () => {
    const result = await runSluice(["scan", "--sarif", "out/all.sarif", "--summary", "out/s.md"], {
      cwd: dir,
    });
    expect(result.code, result.stderr).toBe(1); // the Dockerfile's high policy finding
    expect(result.stdout).toMatch(/^deps: not run: no advisory database; import one with `sluice db import/m);
    expect(result.stdout).toMatch(/^policy: \d+ finding\(s\)/m);
    expect(result.stdout).toMatch(/^secrets: /m);
    const sarif = JSON.parse(readFileSync(path.join(dir, "out/all.sarif"), "utf8"));
    expect(sarifErrors(sarif)).toEqual([]);
    const deps = sarif.runs.find(
      (r: { tool: { driver: { name: string } } }) => r.tool.driver.name === "sluice-deps",
    );
    expect(deps.invocations[0].executionSuccessful).toBe(false);
    expect(readFileSync(path.join(dir, "out/s.md"), "utf8")).toContain("### ⚠️ Scan `deps`: not run");
  });

  it("fails `scan deps` with SLUICE_E_ADVISORY_DB (exit 2), after writing the reports", async () => {
    const result = await runSluice(["scan", "deps", "--sarif", "out/deps.sarif", "--summary", "out/d.md"], {
      cwd: dir,
    });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^error: SLUICE_E_ADVISORY_DB: deps was not run: no advisory database/);
    expect(result.stderr).not.toContain("    at ");
    expect(result.stdout).not.toContain("no findings");
    expect(readFileSync(path.join(dir, "out/d.md"), "utf8")).not.toContain("✅");
    const sarif = JSON.parse(readFileSync(path.join(dir, "out/deps.sarif"), "utf8"));
    expect(sarif.runs[0].invocations[0]).toMatchObject({ executionSuccessful: false });
  });

  it("prints one JSON object with --json, the results and the error's code", async () => {
    const result = await runSluice(["scan", "deps", "--json"], { cwd: dir });
    expect(result.code).toBe(2);
    const out = JSON.parse(result.stdout);
    expect(out).toMatchObject({ status: "error", code: "SLUICE_E_ADVISORY_DB", exitCode: 2 });
    expect(out.results[0].notRun).toMatch(/^no advisory database/);
  });
});

describe("uses: sluice/scan@v1 without an advisory database", () => {
  it("runs the default scans (deps not run), fails a step that names deps, stamps Sluice's version", async () => {
    const dir = project("version: 1\n");
    mkdirSync(path.join(dir, ".github/workflows"), { recursive: true });
    writeFileSync(
      path.join(dir, ".github/workflows/scan.yml"),
      [
        "on: push",
        "jobs:",
        "  scan:",
        "    runs-on: ubuntu-latest",
        "    steps:",
        "      - uses: sluice/scan@v1",
        "        with: { sarif: out/all.sarif, fail-on: none }",
        "      - uses: sluice/scan@v1",
        "        continue-on-error: true",
        "        with: { scans: deps, sarif: out/deps.sarif }",
        "",
      ].join("\n"),
    );
    initRepo(dir);
    const result = await runSluice(["run", ".github/workflows/scan.yml", "--json"], { cwd: dir });
    const steps = JSON.parse(result.stdout).jobs[0].steps.map((s: { outcome: string }) => s.outcome);
    expect(steps).toEqual(["success", "failure"]);
    const all = JSON.parse(readFileSync(path.join(dir, "out/all.sarif"), "utf8"));
    const { version } = JSON.parse(readFileSync(new URL("../../package.json", import.meta.url), "utf8"));
    expect(all.runs[0].tool.driver.version).toBe(version);
    const deps = JSON.parse(readFileSync(path.join(dir, "out/deps.sarif"), "utf8"));
    expect(deps.runs[0].invocations[0].executionSuccessful).toBe(false);
    const logs = await runSluice(["logs", "1"], { cwd: dir });
    expect(logs.stdout).toContain("deps: not run: no advisory database");
    expect(logs.stdout).toContain("SLUICE_E_ADVISORY_DB");
  });
});

describe("sluice scan and broken policy rules", () => {
  it("fails with SLUICE_E_POLICY, whatever --fail-on says", async () => {
    const dir = project(
      [
        "version: 1",
        "scan:",
        "  policy:",
        "    disable: [dockerfile-root-usr]",
        "    rules:",
        "      - id: not-bool",
        "        target: dockerfile",
        "        rule: stage.from",
        "",
      ].join("\n"),
    );
    const result = await runSluice(["scan", "policy", "--fail-on", "none"], { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(
      /^error: Dockerfile:1:1: SLUICE_E_POLICY: rule not-bool could not be evaluated on stage:0: the rule gave string node:20, not a bool$/m,
    );
    expect(result.stdout).toContain('policy.disable names unknown rule "dockerfile-root-usr" (did you mean');
  });
});

describe("sluice scan output files", () => {
  let dir: string;
  beforeAll(() => {
    dir = project("version: 1\nscan:\n  exclude: ['test/fixtures/**']\n");
  });

  it("creates missing parent folders for --summary and --output", async () => {
    const license = await runSluice(["scan", "license", "--summary", "new/dir/s.md"], { cwd: dir });
    expect(license.code, license.stderr).toBe(0);
    expect(existsSync(path.join(dir, "new/dir/s.md"))).toBe(true);
    const sbom = await runSluice(["scan", "sbom", "--output", "new/other/bom.json"], { cwd: dir });
    expect(sbom.code, sbom.stderr).toBe(0);
    expect(existsSync(path.join(dir, "new/other/bom.json"))).toBe(true);
  });

  it("reports an unwritable path as SLUICE_E_OUTPUT (exit 2), without a stack trace", async () => {
    writeFileSync(path.join(dir, "plain-file"), "");
    for (const args of [
      ["scan", "license", "--summary", "plain-file/s.md"],
      ["scan", "license", "--sarif", "plain-file/x.sarif"],
      ["scan", "sbom", "--output", "plain-file/bom.json"],
    ]) {
      const result = await runSluice(args, { cwd: dir });
      expect(result.code, args.join(" ")).toBe(2);
      expect(result.stderr).toMatch(
        /^error: SLUICE_E_OUTPUT: cannot write --\w+ .*plain-file\/\S+: a parent of it is a file/,
      );
      expect(result.stderr).not.toContain("    at ");
    }
  });

  it("leaves lockfiles under scan.exclude out of the SBOM", async () => {
    mkdirSync(path.join(dir, "test/fixtures/old"), { recursive: true });
    cpSync(path.join(fixtures, "lockfiles/poetry"), path.join(dir, "test/fixtures/old"), { recursive: true });
    const result = await runSluice(["scan", "sbom"], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const bom = JSON.parse(result.stdout) as { components: { purl: string }[] };
    expect(bom.components.some((c) => c.purl.startsWith("pkg:pypi/"))).toBe(false);
    expect(bom.components.some((c) => c.purl.startsWith("pkg:npm/jsonwebtoken@"))).toBe(true);
  });
});
