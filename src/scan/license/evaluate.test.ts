import { describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import type { DependencyGraph, PackageNode } from "../types";
import { evaluateLicenses } from "./evaluate";
import { compilePolicy, judgeLicense, type LicensePolicy } from "./policy";
import { normalizeLicense } from "./normalize";

function judge(license: string | undefined, policy: LicensePolicy) {
  return judgeLicense(normalizeLicense(license), compilePolicy(policy)).outcome;
}

function node(name: string, license: string | undefined, extra: Partial<PackageNode> = {}): PackageNode {
  return {
    id: `${name}@1.0.0`,
    ecosystem: "npm",
    name,
    version: "1.0.0",
    purl: `pkg:npm/${name}@1.0.0`,
    direct: false,
    dev: false,
    optional: false,
    dependencies: [],
    ...(license !== undefined ? { license } : {}),
    ...extra,
  };
}

function graph(nodes: PackageNode[], lockfile = "package-lock.json"): DependencyGraph {
  return {
    ecosystem: "npm",
    lockfile,
    root: { name: "app", version: "1.0.0" },
    packages: new Map(nodes.map((n) => [n.id, n])),
  };
}

describe("judgeLicense", () => {
  it("lets a licensee pick an allowed alternative of OR, and needs every licence of AND", () => {
    expect(judge("(MIT OR GPL-3.0)", { allow: ["MIT"] })).toBe("allowed");
    expect(judge("MIT AND GPL-3.0-only", { allow: ["MIT"] })).toBe("denied");
    expect(judge("MIT AND ISC", { allow: ["MIT", "ISC"] })).toBe("allowed");
    expect(judge("MIT OR GPL-3.0-only", { deny: ["GPL-3.0-only"] })).toBe("allowed");
    expect(judge("MIT AND GPL-3.0-only", { deny: ["GPL-3.0-only"] })).toBe("denied");
  });

  it("reads deprecated ids in packages and policies alike", () => {
    expect(judge("GPL-2.0", { deny: ["GPL-2.0-only"] })).toBe("denied");
    expect(judge("GPL-2.0-only", { deny: ["GPL-2.0"] })).toBe("denied");
    expect(judge("GPL-2.0", { allow: ["GPL-2.0-only"] })).toBe("allowed");
  });

  it("follows licence ranges: or-later may be used as a later version", () => {
    expect(judge("GPL-2.0-or-later", { allow: ["GPL-3.0-only"] })).toBe("allowed");
    expect(judge("GPL-3.0-only", { deny: ["GPL-2.0-or-later"] })).toBe("denied");
    // Version 2 is still open to the licensee: a deny of version 3 alone does not catch it.
    expect(judge("GPL-2.0-or-later", { deny: ["GPL-3.0-only"] })).toBe("allowed");
    expect(judge("GPL-2.0+", { deny: ["GPL-2.0-or-later"] })).toBe("denied");
  });

  it("treats UNLICENSED as proprietary: unknown without lists, denied outside an allow list", () => {
    expect(judge("UNLICENSED", {})).toBe("unknown");
    expect(judge("UNLICENSED", { allow: ["MIT"] })).toBe("denied");
    expect(judge("UNLICENSED", { allow: ["MIT", "UNLICENSED"] })).toBe("allowed");
    expect(judge("UNLICENSED", { deny: ["UNLICENSED"] })).toBe("denied");
    expect(judge("Unlicense", { allow: ["Unlicense"] })).toBe("allowed");
    expect(judge("UNLICENSED", { allow: ["Unlicense"] })).toBe("denied");
  });

  it("cannot judge free text, custom licence files, unnamed LicenseRefs or nothing", () => {
    for (const raw of ["BSD", "Apache 2", "SEE LICENSE IN EULA", "LicenseRef-acme", undefined]) {
      expect(judge(raw, { allow: ["MIT", "BSD-3-Clause", "Apache-2.0"] })).toBe("unknown");
    }
    expect(judge("LicenseRef-acme", { allow: ["LicenseRef-acme"] })).toBe("allowed");
    expect(judge("MIT OR LicenseRef-acme", { allow: ["ISC"] })).toBe("unknown");
  });

  it("refuses a policy entry that is not a single SPDX id", () => {
    try {
      compilePolicy({ allow: ["MIT OR ISC", "Apache 2", "ISC"] });
      expect.unreachable();
    } catch (err) {
      expect(isSluiceError(err) && err.code).toBe("SLUICE_E_LICENSE_POLICY");
      expect((err as Error).message).toContain('"MIT OR ISC", "Apache 2"');
    }
  });
});

describe("evaluateLicenses", () => {
  const g = graph([
    node("app-dep", "MIT", { direct: true, dependencies: ["mid@1.0.0"] }),
    node("mid", "(MIT OR GPL-3.0)", { dependencies: ["copyleft@1.0.0", "bsd@1.0.0"] }),
    node("copyleft", "GPL-3.0"),
    node("bsd", "BSD"),
    node("private", "UNLICENSED", { direct: true }),
    node("eula", "SEE LICENSE IN EULA.txt", { direct: true, dev: true }),
    node("bare", undefined, { direct: true }),
  ]);

  it("reports denied packages high and unknown ones medium, with package, licence and path", () => {
    const result = evaluateLicenses([g], { deny: ["GPL-3.0-only"] });
    const byName = new Map(result.findings.map((f) => [f.package!.name, f]));
    expect([...byName.keys()].sort()).toEqual(["bare", "bsd", "copyleft", "eula", "private"]);
    expect(byName.get("copyleft")).toMatchObject({
      kind: "license",
      ruleId: "license/denied",
      severity: "high",
      file: "package-lock.json",
      package: {
        ecosystem: "npm",
        name: "copyleft",
        version: "1.0.0",
        direct: false,
        path: ["app-dep@1.0.0", "mid@1.0.0", "copyleft@1.0.0"],
      },
      properties: { license: "GPL-3.0", expression: "GPL-3.0-only" },
    });
    expect(byName.get("copyleft")!.message).toContain("deprecated SPDX id GPL-3.0 read as GPL-3.0-only");
    expect(byName.get("bsd")).toMatchObject({
      ruleId: "license/non-spdx",
      severity: "medium",
      properties: { hint: ["BSD-3-Clause", "BSD-2-Clause"] },
    });
    expect(byName.get("bsd")!.message).toBe(
      'bsd@1.0.0: "BSD" is not an SPDX licence expression; likely BSD-3-Clause or BSD-2-Clause (not assumed)',
    );
    expect(byName.get("eula")).toMatchObject({
      ruleId: "license/custom",
      properties: { licenseFile: "EULA.txt" },
      package: { direct: true, path: ["eula@1.0.0"] },
    });
    expect(byName.get("private")).toMatchObject({ ruleId: "license/unlicensed", severity: "medium" });
    expect(byName.get("bare")).toMatchObject({ ruleId: "license/missing", severity: "medium" });
    expect(result.stats).toEqual({
      packages: 7,
      "licenses.allowed": 2,
      "licenses.denied": 1,
      "licenses.unknown": 4,
      "licenses.corrected": 2,
    });
  });

  it("lets the policy decide what unknown licences become", () => {
    const deny = evaluateLicenses([g], { unknown: "deny" });
    expect(deny.findings.filter((f) => f.severity === "high")).toHaveLength(4);
    expect(deny.findings.find((f) => f.package!.name === "bsd")!.message).toContain(
      "(unknown licences are denied by policy)",
    );
    expect(deny.stats["licenses.denied"]).toBe(4);
    const allow = evaluateLicenses([g], { unknown: "allow" });
    expect(allow.findings).toEqual([]);
    expect(allow.stats["licenses.unknown"]).toBe(4);
  });

  it("denies what an allow list does not cover", () => {
    const result = evaluateLicenses([g], { allow: ["MIT"] });
    const denied = result.findings.filter((f) => f.ruleId === "license/denied").map((f) => f.package!.name);
    expect(denied.sort()).toEqual(["copyleft", "private"]);
    expect(result.findings.find((f) => f.package!.name === "copyleft")!.message).toBe(
      "copyleft@1.0.0: GPL-3.0-only: GPL-3.0-only not in the allow list [deprecated SPDX id GPL-3.0 read as GPL-3.0-only]",
    );
  });

  it("keeps fingerprints stable and distinct per lockfile; counts packages once", () => {
    const other = graph([...g.packages.values()], "web/package-lock.json");
    const one = evaluateLicenses([g], { deny: ["GPL-3.0-only"] });
    const both = evaluateLicenses([g, other], { deny: ["GPL-3.0-only"] });
    expect(both.findings).toHaveLength(one.findings.length * 2);
    expect(new Set(both.findings.map((f) => f.fingerprint)).size).toBe(both.findings.length);
    expect(evaluateLicenses([g], { deny: ["GPL-3.0-only"] }).findings.map((f) => f.fingerprint)).toEqual(
      one.findings.map((f) => f.fingerprint),
    );
    expect(both.stats).toEqual(one.stats);
  });

  it("declares its rules for SARIF", () => {
    const result = evaluateLicenses([g], {});
    expect(result.kind).toBe("license");
    const ruleIds = new Set(result.rules.map((r) => r.id));
    for (const f of result.findings) expect(ruleIds.has(f.ruleId)).toBe(true);
  });
});
