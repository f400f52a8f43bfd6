/**
 * `sluice scan` end to end through the real CLI on a repository with known problems: a vulnerable
 * lockfile (real OSV records), a root-running Dockerfile, an injectable workflow; SARIF that validates
 * against the official 2.1.0 schema; scan results feeding a gate; a CycloneDX SBOM.
 */
import { cpSync, readFileSync, writeFileSync, mkdirSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import Ajv from "ajv-draft-04";
import { beforeAll, describe, expect, it } from "vitest";
import { initRepo, makeTempDir } from "../helpers/git-repo";
import { runSluice } from "../helpers/sluice-cli";

const fixtures = fileURLToPath(new URL("../fixtures/scan/", import.meta.url));
const require = createRequire(import.meta.url);

const dockerfile = `FROM node:20
WORKDIR /app
COPY . .
ADD app.tar.gz /app
CMD ["node", "server.js"]
`;

const workflow = `on: issues
jobs:
  triage:
    runs-on: ubuntu-latest
    steps:
      - run: echo "New issue - \${{ github.event.issue.title }}"
`;

let repo: string;

beforeAll(() => {
  repo = makeTempDir("sluice-scan-");
  cpSync(path.join(fixtures, "lockfiles/npm-v3"), repo, { recursive: true });
  cpSync(path.join(fixtures, "osv/db"), path.join(repo, "osv"), { recursive: true });
  writeFileSync(path.join(repo, "Dockerfile"), dockerfile);
  mkdirSync(path.join(repo, ".github/workflows"), { recursive: true });
  writeFileSync(path.join(repo, ".github/workflows/triage.yml"), workflow);
  writeFileSync(
    path.join(repo, "sluice.yml"),
    "version: 1\nscan:\n  deps:\n    db: osv\n  exclude: ['osv/**']\n",
  );
  initRepo(repo);
});

describe("sluice scan", () => {
  it("finds vulnerable dependencies and policy violations, writes valid SARIF, exits 1 at --fail-on high", async () => {
    const result = await runSluice(["scan", "deps", "policy", "--sarif", "out/scan.sarif", "--json"], {
      cwd: repo,
    });
    expect(result.code, result.stderr).toBe(1);
    const { results } = JSON.parse(result.stdout) as {
      results: Array<{ kind: string; findings: Array<Record<string, unknown>> }>;
    };
    const deps = results.find((r) => r.kind === "deps")!;
    expect(deps.findings.length).toBeGreaterThan(0);
    expect(deps.findings.some((f) => (f.package as { name: string }).name === "jsonwebtoken")).toBe(true);
    const policy = results.find((r) => r.kind === "policy")!;
    const ids = policy.findings.map((f) => f.ruleId);
    expect(ids).toEqual(expect.arrayContaining(["dockerfile-root-user", "workflow-script-injection"]));

    const sarif = JSON.parse(readFileSync(path.join(repo, "out/scan.sarif"), "utf8"));
    const schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
    // The official schema has a pattern that is invalid with the `u` flag (a stray `]`).
    const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
    const valid = ajv.validate(schema, sarif);
    expect(ajv.errors ?? [], JSON.stringify(ajv.errors?.slice(0, 3))).toEqual([]);
    expect(valid).toBe(true);
    const fingerprints = sarif.runs.flatMap(
      (r: { results: Array<{ partialFingerprints: Record<string, string> }> }) =>
        r.results.map((x) => x.partialFingerprints["sluice/v1"]),
    );
    expect(new Set(fingerprints).size).toBe(fingerprints.length);
  });

  it("feeds gates: scan SARIF becomes vulnerabilities.* and policy.* metrics", async () => {
    await runSluice(["scan", "deps", "policy", "--sarif", "out/gate.sarif", "--fail-on", "none"], {
      cwd: repo,
    });
    const gate = await runSluice(
      [
        "gate",
        "--report",
        "out/gate.sarif",
        "--rule",
        "vulnerabilities.critical + vulnerabilities.high == 0",
        "--rule",
        "policy.critical == 0",
        "--json",
        "--no-record",
      ],
      { cwd: repo },
    );
    const outcome = JSON.parse(gate.stdout);
    expect(outcome.metrics.vulnerabilities.total).toBeGreaterThan(0);
    expect(outcome.metrics.policy.total).toBeGreaterThan(0);
    expect(outcome.rules[0].status).toBe("failed");
    expect(gate.code).toBe(1);
  });

  it("writes a CycloneDX SBOM of the lockfile's packages", async () => {
    const result = await runSluice(["scan", "sbom", "--output", "out/bom.json"], { cwd: repo });
    expect(result.code, result.stderr).toBe(0);
    const bom = JSON.parse(readFileSync(path.join(repo, "out/bom.json"), "utf8"));
    expect(bom.bomFormat).toBe("CycloneDX");
    expect(bom.specVersion).toBe("1.6");
    expect(bom.components.some((c: { purl: string }) => c.purl.startsWith("pkg:npm/jsonwebtoken@"))).toBe(
      true,
    );
  });

  it("runs as workflow steps: sluice/scan writes SARIF that sluice/gate fails on", async () => {
    const workflow = `on: push
jobs:
  security:
    runs-on: ubuntu-latest
    steps:
      - uses: sluice/scan@v1
        with:
          scans: deps
          sarif: reports/scan.sarif
          fail-on: none
      - uses: sluice/gate@v1
        with:
          reports: reports/scan.sarif
          rules: vulnerabilities.critical == 0
`;
    const dir = makeTempDir("sluice-scan-step-");
    cpSync(repo, dir, {
      recursive: true,
      filter: (src) => !src.includes(`${path.sep}.git`) && !src.includes(".sluice"),
    });
    mkdirSync(path.join(dir, ".github/workflows"), { recursive: true });
    writeFileSync(path.join(dir, ".github/workflows/security.yml"), workflow);
    initRepo(dir);
    const result = await runSluice(["run", ".github/workflows/security.yml", "--json"], { cwd: dir });
    expect(result.code, result.stderr).toBe(1);
    const steps = JSON.parse(result.stdout).jobs[0].steps.map((s: { conclusion: string }) => s.conclusion);
    expect(steps).toEqual(["success", "failure"]);
    const logs = await runSluice(["logs", "1"], { cwd: dir });
    expect(logs.stdout).toMatch(/vulnerabilities\.critical == 0\s+1\s+\(expected == 0\)/);
  });

  it("writes SBOMs as a workflow step, alone (no finding scanner runs) or beside other scans", async () => {
    const steps = `on: push
jobs:
  sbom:
    runs-on: ubuntu-latest
    steps:
      - id: cdx
        uses: sluice/scan@v1
        with:
          scans: sbom
      - id: spdx
        uses: sluice/scan@v1
        with:
          scans: sbom, policy
          format: spdx
          output: out/bom.spdx.json
          sarif: out/policy.sarif
          fail-on: none
      - run: test "\${{ steps.cdx.outputs.sbom }}" = "$PWD/sbom.cdx.json"
      - id: bad
        continue-on-error: true
        uses: sluice/scan@v1
        with:
          scans: sbom
          format: xml
`;
    const dir = makeTempDir("sluice-scan-sbom-step-");
    cpSync(repo, dir, {
      recursive: true,
      filter: (src) => !src.includes(`${path.sep}.git`) && !src.includes(".sluice"),
    });
    mkdirSync(path.join(dir, ".github/workflows"), { recursive: true });
    writeFileSync(path.join(dir, ".github/workflows/sbom.yml"), steps);
    initRepo(dir);
    const result = await runSluice(["run", ".github/workflows/sbom.yml", "--json"], { cwd: dir });
    expect(result.code, result.stderr).toBe(0);
    const outcomes = JSON.parse(result.stdout).jobs[0].steps.map((s: { outcome: string }) => s.outcome);
    expect(outcomes).toEqual(["success", "success", "success", "failure"]);
    const cdx = JSON.parse(readFileSync(path.join(dir, "sbom.cdx.json"), "utf8"));
    expect(cdx.bomFormat).toBe("CycloneDX");
    const spdx = JSON.parse(readFileSync(path.join(dir, "out/bom.spdx.json"), "utf8"));
    expect(spdx.spdxVersion).toBe("SPDX-2.3");
    const purls = (doc: { components?: Array<{ purl: string }> }) =>
      (doc.components ?? []).map((c) => c.purl);
    expect(purls(cdx).some((p) => p.startsWith("pkg:npm/jsonwebtoken@"))).toBe(true);
    expect(spdx.packages.length).toBeGreaterThanOrEqual(purls(cdx).length);
    const sarif = JSON.parse(readFileSync(path.join(dir, "out/policy.sarif"), "utf8"));
    expect(sarif.runs[0].results.length).toBeGreaterThan(0);
    const logs = await runSluice(["logs", "1"], { cwd: dir });
    expect(logs.stdout).toContain('format must be cyclonedx or spdx, not "xml"');
  });

  it("rejects an unknown scan kind as a usage error", async () => {
    const result = await runSluice(["scan", "viruses"], { cwd: repo });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain("SLUICE_E_USAGE");
  });
});
