/** The licence scanner through the real lockfile readers and an installed node_modules. */
import { cpSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import { scanLicenses } from "./scan";

const fixture = fileURLToPath(new URL("../../../test/fixtures/scan/license/project/", import.meta.url));
let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "sluice-license-scan-"));
  cpSync(fixture, root, { recursive: true });
  // The lockfile records no licence for `legacy`; its installed manifest uses the legacy array.
  mkdirSync(path.join(root, "node_modules", "legacy"), { recursive: true });
  writeFileSync(
    path.join(root, "node_modules", "legacy", "package.json"),
    JSON.stringify({ name: "legacy", version: "0.5.0", licenses: [{ type: "MIT" }, { type: "Apache-2.0" }] }),
  );
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("scanLicenses", () => {
  it("judges a package-lock's packages, installed manifests filling the gaps", async () => {
    const result = await scanLicenses(root, { allow: ["MIT", "Apache-2.0"] });
    const summary = result.findings.map(
      (f) => `${f.ruleId} ${f.severity} ${f.package!.name} ${f.package!.path!.join(">")}`,
    );
    expect(summary).toEqual([
      "license/non-spdx medium bsd bsd@1.0.0",
      "license/custom medium eula eula@1.0.0",
      "license/denied high gpl-dep mit-dep@1.0.0>gpl-dep@2.0.0",
      "license/denied high private-lib private-lib@0.1.0",
    ]);
    expect(result.findings.every((f) => f.file === "package-lock.json")).toBe(true);
    // Located at the package's lockfile entry, as dependency findings are.
    expect(result.findings.every((f) => typeof f.line === "number" && f.line > 1)).toBe(true);
    const { durationMs, ...stats } = result.stats;
    expect(durationMs).toBeGreaterThanOrEqual(0);
    expect(stats).toEqual({
      packages: 7,
      "licenses.allowed": 3,
      "licenses.denied": 2,
      "licenses.unknown": 2,
      "licenses.corrected": 1,
    });
  });

  it("reads installed Python metadata by PEP 503 name and PEP 440 version (3.2 is 3.2.0)", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "sluice-license-py-"));
    try {
      writeFileSync(
        path.join(dir, "requirements.txt"),
        "django==3.2.0\nFlask_Login==0.6\nrequests==2.31.0\n",
      );
      const site = path.join(dir, ".venv/lib/python3.12/site-packages");
      mkdirSync(path.join(site, "Django-3.2.dist-info"), { recursive: true });
      writeFileSync(
        path.join(site, "Django-3.2.dist-info/METADATA"),
        "Metadata-Version: 2.1\nName: Django\nVersion: 3.2\nLicense: BSD-3-Clause\n",
      );
      mkdirSync(path.join(site, "flask_login-0.6.0.dist-info"), { recursive: true });
      writeFileSync(
        path.join(site, "flask_login-0.6.0.dist-info/METADATA"),
        "Metadata-Version: 2.1\nName: Flask-Login\nVersion: 0.6.0\n",
      );
      const result = await scanLicenses(dir, {});
      const byName = Object.fromEntries(result.findings.map((f) => [f.package!.name, f]));
      expect(byName.django).toBeUndefined();
      // Installed without a licence: none declared. Not installed: unknown, not "none declared".
      expect(byName["flask-login"]).toMatchObject({ ruleId: "license/missing", line: 2 });
      expect(byName.requests).toMatchObject({
        ruleId: "license/unresolved",
        file: "requirements.txt",
        line: 3,
        message: "requests@2.31.0: licence unknown (not installed, not looked up)",
      });
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("fails on a bad policy before reading anything", async () => {
    await expect(scanLicenses(path.join(root, "missing"), { deny: ["GPL"] })).rejects.toSatisfy(
      (err) => isSluiceError(err) && err.code === "SLUICE_E_LICENSE_POLICY",
    );
  });
});
