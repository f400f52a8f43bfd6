import { cpSync, mkdtempSync, rmSync } from "node:fs";
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

describe("namedKinds", () => {
  it("names kinds only when listed one by one", () => {
    expect(namedKinds([])).toEqual([]);
    expect(namedKinds(["all"])).toEqual([]);
    expect(namedKinds(["deps,policy"])).toEqual(["deps", "policy"]);
  });
});
