import { describe, expect, it } from "vitest";
import { buildSpdx } from "./spdx";
import { META, expectGolden, loadGraph, spdxProblems } from "./test-support";

type Doc = Record<string, unknown> & {
  packages: Record<string, unknown>[];
  relationships: { spdxElementId: string; relationshipType: string; relatedSpdxElement: string }[];
  hasExtractedLicensingInfos?: Record<string, string>[];
};

function pkg(doc: Doc, name: string): Record<string, unknown> {
  return doc.packages.find((p) => p.name === name)!;
}

describe("buildSpdx", () => {
  const npm = loadGraph("npm");
  const pypi = loadGraph("pypi");

  it("matches the golden document and SPDX 2.3's required fields", () => {
    const doc = buildSpdx([npm], META) as Doc;
    expect(spdxProblems(doc)).toEqual([]);
    expectGolden(doc, "npm.spdx");
  });

  it("renders npm and PyPI graphs together", () => {
    const doc = buildSpdx([npm, pypi], META) as Doc;
    expect(spdxProblems(doc)).toEqual([]);
    expectGolden(doc, "mixed.spdx");
  });

  it("the structural check catches what a schema would", () => {
    const doc = buildSpdx([npm], META) as Doc;
    doc.packages[1]!.SPDXID = "SPDXRef-has space";
    doc.relationships.push({
      spdxElementId: "SPDXRef-Root",
      relationshipType: "USES",
      relatedSpdxElement: "SPDXRef-nowhere",
    });
    expect(spdxProblems(doc)).toEqual([
      "package id SPDXRef-has space",
      "relationship SPDXRef-Package-npm-types-node-20.11.0 → SPDXRef-Root",
      "relationship type USES",
      "relationship SPDXRef-Root → SPDXRef-nowhere",
    ]);
  });

  it("writes creation info from the injected clock, whole seconds", () => {
    const doc = buildSpdx([npm], META) as Doc;
    expect(doc.creationInfo).toEqual({ created: "2026-01-02T03:04:05Z", creators: ["Tool: sluice-1.2.3"] });
    expect(doc.documentNamespace).toBe(`https://spdx.org/spdxdocs/demo-app-1.0.0-${META.serialNumber}`);
    expect(doc.name).toBe("demo-app@1.0.0");
  });

  it("describes the root and relates dev and optional dependencies by their own types", () => {
    const rel = (buildSpdx([npm], META) as Doc).relationships.map(
      (r) => `${r.spdxElementId} ${r.relationshipType} ${r.relatedSpdxElement}`,
    );
    expect(rel).toContain("SPDXRef-DOCUMENT DESCRIBES SPDXRef-Root");
    expect(rel).toContain("SPDXRef-Root DEPENDS_ON SPDXRef-Package-npm-express-4.21.2");
    expect(rel).toContain("SPDXRef-Package-npm-types-node-20.11.0 DEV_DEPENDENCY_OF SPDXRef-Root");
    expect(rel).toContain("SPDXRef-Package-npm-fsevents-2.3.3 OPTIONAL_DEPENDENCY_OF SPDXRef-Root");
    expect(rel).toContain("SPDXRef-Package-npm-express-4.21.2 DEPENDS_ON SPDXRef-Package-npm-debug-2.6.9");
  });

  it("describes a project in another folder too, with its own direct dependencies", () => {
    const doc = buildSpdx([npm, { ...pypi, lockfile: "services/api/poetry.lock" }], META) as Doc;
    expect(spdxProblems(doc)).toEqual([]);
    const rel = doc.relationships.map(
      (r) => `${r.spdxElementId} ${r.relationshipType} ${r.relatedSpdxElement}`,
    );
    expect(pkg(doc, "demo-py")).toMatchObject({
      SPDXID: "SPDXRef-Project-services-api",
      primaryPackagePurpose: "APPLICATION",
    });
    expect(rel).toContain("SPDXRef-DOCUMENT DESCRIBES SPDXRef-Project-services-api");
    expect(rel).toContain("SPDXRef-Project-services-api DEPENDS_ON SPDXRef-Package-PyPI-requests-2.31.0");
    expect(rel.filter((r) => r.startsWith("SPDXRef-Root") && r.includes("PyPI"))).toEqual([]);
  });

  it("gives packages purl, checksums and a download location (or NOASSERTION)", () => {
    const doc = buildSpdx([npm, pypi], META) as Doc;
    expect(pkg(doc, "express")).toMatchObject({
      versionInfo: "4.21.2",
      downloadLocation: "https://registry.npmjs.org/express/-/express-4.21.2.tgz",
      filesAnalyzed: false,
      externalRefs: [
        {
          referenceCategory: "PACKAGE-MANAGER",
          referenceType: "purl",
          referenceLocator: "pkg:npm/express@4.21.2",
        },
      ],
    });
    expect((pkg(doc, "express").checksums as { algorithm: string }[]).map((c) => c.algorithm)).toEqual([
      "SHA512",
    ]);
    expect((pkg(doc, "requests").checksums as { algorithm: string }[]).map((c) => c.algorithm)).toEqual([
      "SHA256",
    ]);
    expect(pkg(doc, "custom").downloadLocation).toBe("NOASSERTION");
    expect(pkg(doc, "private-lib").downloadLocation).toBe(
      "https://npm.example.internal/private-lib/-/private-lib-0.1.0.tgz",
    );
  });

  it("declares SPDX licences as expressions and keeps other text as LicenseRefs", () => {
    const doc = buildSpdx([npm], META) as Doc;
    expect(pkg(doc, "express")).toMatchObject({ licenseDeclared: "MIT", licenseConcluded: "NOASSERTION" });
    expect(pkg(doc, "dual").licenseDeclared).toBe("MIT OR GPL-3.0-only");
    expect(pkg(doc, "nolicense").licenseDeclared).toBe("NOASSERTION");
    expect(pkg(doc, "legacy-pkg").licenseDeclared).toBe("LicenseRef-Apache-2");
    expect(pkg(doc, "private-lib").licenseDeclared).toBe("LicenseRef-UNLICENSED");
    expect(doc.hasExtractedLicensingInfos).toContainEqual({
      licenseId: "LicenseRef-Apache-2",
      name: "Apache 2",
      extractedText: "Apache 2",
      comment: "Not an SPDX expression; likely Apache-2.0.",
    });
  });

  it("is deterministic whatever the order of graphs and packages", () => {
    const shuffled = { ...npm, packages: new Map([...npm.packages].reverse()) };
    expect(JSON.stringify(buildSpdx([pypi, shuffled], META))).toBe(
      JSON.stringify(buildSpdx([npm, pypi], META)),
    );
  });
});
