/**
 * `sluice gate` and `uses: sluice/gate@v1` end to end through the real CLI: figures from real report
 * formats, exit codes, baselines recorded in the store, the Markdown summary, located config errors,
 * and no false all-clear from a scan whose dependency scanner did not run.
 */
import { writeFileSync, readFileSync, mkdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { git, initRepo, makeTempDir } from "../helpers/git-repo";
import { runSluice } from "../helpers/sluice-cli";

function lcov(hit: number, total: number): string {
  const lines = Array.from({ length: total }, (_, i) => `DA:${i + 1},${i < hit ? 1 : 0}`);
  return ["TN:", "SF:src/app.ts", ...lines, `LF:${total}`, `LH:${hit}`, "end_of_record", ""].join("\n");
}

const junit = (failed: number) =>
  `<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="vitest tests" tests="3" failures="${failed}" errors="0" time="0.5">
  <testsuite name="src/app.test.ts" tests="3" failures="${failed}" errors="0" skipped="0" time="0.5">
    <testcase classname="src/app.test.ts" name="adds" time="0.1"></testcase>
    <testcase classname="src/app.test.ts" name="subtracts" time="0.1"></testcase>
    <testcase classname="src/app.test.ts" name="divides" time="0.3">${failed ? '<failure message="expected 2 to be 3" type="AssertionError">AssertionError: expected 2 to be 3</failure>' : ""}</testcase>
  </testsuite>
</testsuites>
`;

const config = `version: 1
gates:
  quality:
    reports: [coverage/lcov.info, junit:reports/junit.xml]
    rules:
      - coverage.lines >= 80
      - tests.failed == 0
      - name: coverage did not drop
        rule: coverage.lines >= baseline.coverage.lines - 0.5
      - rule: coverage.branches >= 50
        severity: warn
    overrides:
      - environments: [production]
        rules: ["coverage.lines >= 90"]
`;

function repoWith(files: Record<string, string>): string {
  const repo = makeTempDir("sluice-gate-");
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    writeFileSync(path.join(repo, file), content);
  }
  initRepo(repo);
  return repo;
}

describe("sluice gate", () => {
  it("passes, then fails on a coverage drop against the recorded baseline, naming actual vs expected", async () => {
    const repo = repoWith({
      "sluice.yml": config,
      "coverage/lcov.info": lcov(90, 100),
      "reports/junit.xml": junit(0),
    });
    const first = await runSluice(["gate", "quality", "--json"], { cwd: repo });
    expect(first.code, first.stderr).toBe(0);
    const one = JSON.parse(first.stdout);
    expect(one).toMatchObject({
      gate: "quality",
      passed: true,
      baseline: null,
      metrics: { coverage: { lines: 90 }, tests: { total: 3, failed: 0 } },
    });
    expect(one.rules.find((r: { name: string }) => r.name === "coverage did not drop").status).toBe(
      "skipped",
    );

    writeFileSync(path.join(repo, "coverage/lcov.info"), lcov(85, 100));
    git(repo, ["commit", "-qam", "lower coverage"]);
    const second = await runSluice(["gate", "quality"], { cwd: repo });
    expect(second.code).toBe(1);
    expect(second.stdout).toContain("Gate quality: FAILED");
    expect(second.stdout).toMatch(/coverage did not drop.*coverage\.lines=85.*baseline\.coverage\.lines=90/);
    expect(second.stdout).toContain("coverage.branches >= 50");

    // The failed result is not a baseline: the next comparison is still against 90 %.
    const third = await runSluice(["gate", "quality", "--json", "--no-record"], { cwd: repo });
    expect(JSON.parse(third.stdout).baseline).not.toBeNull();
    expect(JSON.parse(third.stdout).passed).toBe(false);
  });

  it("applies environment overrides and writes a Markdown summary", async () => {
    const repo = repoWith({
      "sluice.yml": config,
      "coverage/lcov.info": lcov(85, 100),
      "reports/junit.xml": junit(0),
    });
    const summary = path.join(repo, "summary.md");
    const staging = await runSluice(["gate", "--no-record", "--summary", summary], { cwd: repo });
    expect(staging.code, staging.stdout + staging.stderr).toBe(0);
    const production = await runSluice(["gate", "--env", "production", "--no-record", "--json"], {
      cwd: repo,
    });
    expect(production.code).toBe(1);
    const rule = JSON.parse(production.stdout).rules.find(
      (r: { name: string }) => r.name === "coverage.lines >= 90",
    );
    expect(rule).toMatchObject({ status: "failed", actual: "85", expected: ">= 90" });
    expect(readFileSync(summary, "utf8")).toContain("| `coverage.lines >= 80` | ✅ passed | 85 | >= 80 |");
  });

  it("fails on failing tests and on a metric no report provides", async () => {
    const repo = repoWith({ "reports/junit.xml": junit(1) });
    const result = await runSluice(
      [
        "gate",
        "--report",
        "reports/junit.xml",
        "--rule",
        "tests.failed == 0",
        "--rule",
        "coverage.lines >= 80",
        "--json",
        "--no-record",
      ],
      { cwd: repo },
    );
    expect(result.code).toBe(1);
    const rules = JSON.parse(result.stdout).rules;
    expect(rules[0]).toMatchObject({ status: "failed", actual: "1" });
    expect(rules[1]).toMatchObject({ status: "error", actual: "no data" });
  });

  it("reads a report matched by several --report patterns once", async () => {
    const repo = repoWith({ "reports/junit.xml": junit(0) });
    const result = await runSluice(
      [
        "gate",
        "--no-record",
        "--report",
        "reports/*.xml",
        "--report",
        "reports/junit.xml",
        "--report",
        "./reports/junit.xml",
        "--rule",
        "tests.total == 3",
        "--json",
      ],
      { cwd: repo },
    );
    expect(result.code, result.stdout + result.stderr).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.metrics.tests.total).toBe(3);
    expect(out.reports).toEqual([{ file: "reports/junit.xml", format: "junit" }]);

    const clash = await runSluice(
      [
        "gate",
        "--no-record",
        "--report",
        "junit:reports/junit.xml",
        "--report",
        "sarif:reports/*.xml",
        "--rule",
        "tests.total == 3",
      ],
      { cwd: repo },
    );
    expect(clash.code).toBe(2);
    expect(clash.stderr).toContain("SLUICE_E_USAGE");
  });

  it("rejects a rule over a metric that does not exist as a usage error", async () => {
    const repo = repoWith({ "reports/junit.xml": junit(0) });
    const result = await runSluice(
      ["gate", "--no-record", "--report", "reports/junit.xml", "--rule", "tests.faild == 0"],
      { cwd: repo },
    );
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("unknown metric tests.faild; tests has: total, passed, failed");
  });

  it("reports a malformed rule in sluice.yml with its location and runs nothing", async () => {
    const repo = repoWith({
      "sluice.yml": "version: 1\ngates:\n  q:\n    rules:\n      - 'coverage.lines >='\n",
    });
    const result = await runSluice(["gate"], { cwd: repo });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/sluice\.yml:5:\d+: SLUICE_E_CONFIG/);
  });

  it("runs as a workflow step, records the result with the run and fails the job", async () => {
    const workflow = `on: push
jobs:
  test:
    runs-on: ubuntu-latest
    steps:
      - run: echo "tests ran"
      - uses: sluice/gate@v1
        with:
          gate: quality
      - run: echo "should not run"
`;
    const repo = repoWith({
      "sluice.yml": config,
      "coverage/lcov.info": lcov(70, 100),
      "reports/junit.xml": junit(0),
      ".github/workflows/ci.yml": workflow,
    });
    const result = await runSluice(["run", "--json"], { cwd: repo });
    expect(result.code).toBe(1);
    const job = JSON.parse(result.stdout).jobs[0];
    expect(job.steps.map((s: { conclusion: string }) => s.conclusion)).toEqual([
      "success",
      "failure",
      "skipped",
    ]);
    const logs = await runSluice(["logs", "1"], { cwd: repo });
    expect(logs.stdout).toContain("Gate quality: FAILED");
    expect(logs.stdout).toContain("coverage.lines >= 80");
  });
});

describe("sluice gate on a scan that was not complete", () => {
  const lockfile = fileURLToPath(new URL("../fixtures/scan/lockfiles/npm-v3/", import.meta.url));

  it("fails a rule over vulnerabilities.* when deps did not run, naming why; other rules pass", async () => {
    // A clean project with a lockfile and no advisory database: `sluice scan` reports deps as not run.
    const repo = repoWith({
      "sluice.yml": "version: 1\n",
      "package.json": readFileSync(path.join(lockfile, "package.json"), "utf8"),
      "package-lock.json": readFileSync(path.join(lockfile, "package-lock.json"), "utf8"),
    });
    const scan = await runSluice(["scan", "--sarif", "reports/scan.sarif"], { cwd: repo });
    expect(scan.code, scan.stdout + scan.stderr).toBe(0);
    expect(scan.stdout).toMatch(/^deps: not run: no advisory database/m);

    const args = ["gate", "--report", "reports/scan.sarif", "--no-record"];
    const gate = await runSluice(
      [...args, "--rule", "vulnerabilities.critical == 0", "--rule", "policy.high == 0", "--json"],
      { cwd: repo },
    );
    expect(gate.code, gate.stderr).toBe(1);
    const outcome = JSON.parse(gate.stdout);
    expect(outcome.passed).toBe(false);
    expect(outcome.rules[0]).toMatchObject({ status: "error", actual: "not available" });
    expect(outcome.rules[0].message).toMatch(
      /^vulnerabilities\.critical: not available — deps did not run \(reports\/scan\.sarif: no advisory database; import one with `sluice db import/,
    );
    expect(outcome.rules[1]).toMatchObject({ status: "passed", actual: "0" });
    // Unavailable, not zero: nothing reads (or records as a baseline) a vulnerability count of 0.
    expect(outcome.metrics).not.toHaveProperty("vulnerabilities");
    expect(outcome.metrics.policy).toMatchObject({ high: 0 });
    expect(outcome.unavailable).toMatchObject([
      { groups: ["vulnerabilities", "findings"], report: "reports/scan.sarif", tool: "deps" },
    ]);

    const text = await runSluice([...args, "--rule", "vulnerabilities.critical == 0"], { cwd: repo });
    expect(text.code).toBe(1);
    expect(text.stdout).toMatch(
      /✗ vulnerabilities\.critical == 0 +vulnerabilities\.critical: not available — deps did not run \(reports\/scan\.sarif: no advisory database/,
    );

    // A gate that reads none of them passes, and still says what went unchecked.
    const other = await runSluice([...args, "--rule", "policy.high == 0"], { cwd: repo });
    expect(other.code, other.stdout).toBe(0);
    expect(other.stdout).toContain(
      "vulnerabilities.*, findings.* not available: deps did not run (reports/scan.sarif: no advisory database",
    );
  });
});
