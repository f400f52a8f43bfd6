import { cpSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { defaultConfig } from "../config/schema";
import { namedKinds, runScans, scanFailure } from "./run-scan";

const lockfiles = fileURLToPath(new URL("../../test/fixtures/scan/lockfiles/", import.meta.url));
let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "sluice-run-scan-"));
  cpSync(path.join(lockfiles, "npm-v3"), root, { recursive: true });
  cpSync(path.join(lockfiles, "poetry"), path.join(root, "test/fixtures/py"), { recursive: true });
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("runScans without an advisory database", () => {
  it("reports deps as not run, with how to get one, when deps was not named", async () => {
    const [deps, license] = await runScans({
      root,
      config: defaultConfig(),
      kinds: ["deps", "license"],
      required: namedKinds([]),
      version: "9.9.9",
    });
    expect(deps).toMatchObject({ kind: "deps", findings: [], tool: { version: "9.9.9" } });
    expect(deps!.notRun).toMatch(/^no advisory database; import one with `sluice db import/);
    expect(deps!.errors).toBeUndefined();
    expect(license!.notRun).toBeUndefined();
    expect(scanFailure([deps!, license!])).toBeUndefined();
  });

  it("is an error when deps was named", async () => {
    const results = await runScans({
      root,
      config: defaultConfig(),
      kinds: ["deps"],
      required: namedKinds(["deps"]),
      version: "1.0.0",
    });
    expect(results[0]!.errors).toEqual([
      {
        code: "SLUICE_E_ADVISORY_DB",
        message: expect.stringMatching(/^deps was not run: no advisory database/),
      },
    ]);
    expect(scanFailure(results)).toMatchObject({ code: "SLUICE_E_ADVISORY_DB", exitCode: 2 });
  });
});

describe("runScans and scan.exclude", () => {
  it("does not read excluded lockfiles at all", async () => {
    const config = defaultConfig();
    const all = await runScans({ root, config, kinds: ["license"], version: "1" });
    config.scan.exclude = ["test/fixtures/**"];
    const kept = await runScans({ root, config, kinds: ["license"], version: "1" });
    expect(all[0]!.stats.packages).toBeGreaterThan(kept[0]!.stats.packages!);
    expect(kept[0]!.findings.every((f) => !f.file!.startsWith("test/"))).toBe(true);
  });
});

describe("runScans and the secrets scanner", () => {
  const value = "Zq8vLm2xR7tYp4Kw9s";
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), "sluice-run-scan-secrets-"));
    writeFileSync(path.join(dir, "Dockerfile"), `FROM node:20\nENV DB_PASSWORD="${value}"\nUSER node\n`);
    writeFileSync(path.join(dir, "big.env"), `API_TOKEN="${value}"\n${"x".repeat(4000)}\n`);
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it("masks a found value in every scanner's output; reads maxFileSize and the configured baseline", async () => {
    const config = defaultConfig();
    config.scan.policy.rules = [
      {
        id: "env-quoted",
        target: "dockerfile",
        scope: "instruction",
        rule: 'instruction.keyword == "ENV"',
        severity: "low",
        message: "ENV {{ instruction.args }}",
      },
    ];
    // Not written yet: the configured baseline may be missing (a --baseline path may not).
    config.scan.secrets.baseline = ".sluice/secrets-baseline.json";
    config.scan.secrets.maxFileSize = 1000;
    const results = await runScans({ root: dir, config, kinds: ["secrets", "policy"], version: "1" });
    const [secrets, policy] = results;
    expect(secrets!.findings.map((f) => f.file)).toEqual(["Dockerfile"]);
    expect(secrets!.notes?.[0]).toMatch(
      /^1 file\(s\) over 1000 B not scanned for secrets \(the largest: big\.env/,
    );
    // The policy message quoted the value: it shows redacted, as the secrets finding does.
    expect(policy!.findings.find((f) => f.ruleId === "env-quoted")!.message).toBe(
      'ENV DB_PASSWORD="Zq8v****"',
    );
    expect(JSON.stringify(results)).not.toContain(value);
    const err = await runScans({
      root: dir,
      config,
      kinds: ["secrets"],
      secrets: { baseline: "missing.json" },
      version: "1",
    }).catch((e: unknown) => e);
    expect(err).toMatchObject({ code: "SLUICE_E_SECRETS_CONFIG" });
  });
});

describe("namedKinds", () => {
  it("names kinds only when listed one by one", () => {
    expect(namedKinds([])).toEqual([]);
    expect(namedKinds(["all"])).toEqual([]);
    expect(namedKinds(["deps,policy"])).toEqual(["deps", "policy"]);
  });
});
