/**
 * Shared by the SBOM tests: fixture graphs (test/fixtures/scan/sbom/*.graph.json, PackageNodes as
 * JSON), golden comparison, and the official CycloneDX 1.6 schema as shipped by
 * @cyclonedx/cyclonedx-library (res/schema), compiled with ajv.
 */
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { Ajv, type ErrorObject } from "ajv";
import addFormats from "ajv-formats";
import { expect } from "vitest";
import type { DependencyGraph, PackageNode } from "../types";

export const fixtures = fileURLToPath(new URL("../../../test/fixtures/scan/sbom/", import.meta.url));

/** A fixed clock and serial number: the goldens must not change from run to run. */
export const META = {
  timestamp: new Date("2026-01-02T03:04:05.678Z"),
  serialNumber: "3f2504e0-4f89-41d3-9a0c-0305e82c3301",
  toolVersion: "1.2.3",
};

export function loadGraph(name: string): DependencyGraph {
  const raw = JSON.parse(readFileSync(path.join(fixtures, `${name}.graph.json`), "utf8")) as Omit<
    DependencyGraph,
    "packages"
  > & {
    packages: PackageNode[];
  };
  return { ...raw, packages: new Map(raw.packages.map((p) => [p.id, p])) };
}

/** Compares with `<name>.expected.json`; SLUICE_UPDATE_GOLDEN=1 rewrites it (review the diff). */
export function expectGolden(actual: unknown, name: string): void {
  const file = path.join(fixtures, `${name}.expected.json`);
  if (process.env.SLUICE_UPDATE_GOLDEN === "1") writeFileSync(file, JSON.stringify(actual, null, 2) + "\n");
  expect(existsSync(file), `${file} is missing (SLUICE_UPDATE_GOLDEN=1 writes it)`).toBe(true);
  expect(actual).toEqual(JSON.parse(readFileSync(file, "utf8")));
}

const require = createRequire(import.meta.url);
const schemaDir = path.join(
  path.dirname(require.resolve("@cyclonedx/cyclonedx-library/package.json")),
  "res",
  "schema",
);

function readSchema(file: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path.join(schemaDir, file), "utf8")) as Record<string, unknown>;
}

let cycloneDx16: ((data: unknown) => ErrorObject[] | null) | undefined;

/** Validation errors of `doc` against the official CycloneDX 1.6 JSON schema (null when valid). */
export function cycloneDxErrors(doc: unknown): ErrorObject[] | null {
  if (!cycloneDx16) {
    // The bom schema refers to the SPDX licence-id and JSF schemas by these ids; nothing is fetched.
    const ajv = new Ajv({
      strict: false,
      allErrors: true,
      schemas: {
        "http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json": readSchema("spdx.SNAPSHOT.schema.json"),
        "http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json": readSchema(
          "jsf-0.82.SNAPSHOT.schema.json",
        ),
        "http://cyclonedx.org/schema/cryptography-defs.SNAPSHOT.schema.json": readSchema(
          "cryptography-defs.SNAPSHOT.schema.json",
        ),
      },
    });
    addFormats.default(ajv);
    // ajv-formats has no IRI formats; the library's own validator accepts them the same way.
    ajv.addFormat("iri-reference", true);
    ajv.addFormat("idn-email", true);
    const validate = ajv.compile(readSchema("bom-1.6.SNAPSHOT.schema.json"));
    cycloneDx16 = (data) => (validate(data) ? null : (validate.errors ?? []));
  }
  return cycloneDx16(doc);
}

const RELATIONSHIP_TYPES = new Set(
  "DESCRIBES DESCRIBED_BY CONTAINS CONTAINED_BY DEPENDS_ON DEPENDENCY_OF DEPENDENCY_MANIFEST_OF BUILD_DEPENDENCY_OF DEV_DEPENDENCY_OF OPTIONAL_DEPENDENCY_OF PROVIDED_DEPENDENCY_OF TEST_DEPENDENCY_OF RUNTIME_DEPENDENCY_OF EXAMPLE_OF GENERATES GENERATED_FROM ANCESTOR_OF DESCENDANT_OF VARIANT_OF DISTRIBUTION_ARTIFACT PATCH_FOR PATCH_APPLIED COPY_OF FILE_ADDED FILE_DELETED FILE_MODIFIED EXPANDED_FROM_ARCHIVE DYNAMIC_LINK STATIC_LINK DATA_FILE_OF TEST_CASE_OF BUILD_TOOL_OF DEV_TOOL_OF TEST_OF TEST_TOOL_OF DOCUMENTATION_OF OPTIONAL_COMPONENT_OF METAFILE_OF PACKAGE_OF AMENDS PREREQUISITE_FOR HAS_PREREQUISITE REQUIREMENT_DESCRIPTION_FOR SPECIFICATION_FOR OTHER".split(
    " ",
  ),
);
const CHECKSUM_HEX_LENGTH: Record<string, number> = {
  MD5: 32,
  SHA1: 40,
  SHA256: 64,
  SHA384: 96,
  SHA512: 128,
};
const PURPOSES = new Set(
  "APPLICATION FRAMEWORK LIBRARY CONTAINER OPERATING-SYSTEM DEVICE FIRMWARE SOURCE ARCHIVE FILE INSTALL OTHER".split(
    " ",
  ),
);

/**
 * Structural check of an SPDX 2.3 JSON document against the specification's required fields and
 * value formats (clauses 6 creation info, 7 packages, 10 other licensing, 11 relationships). No npm
 * package ships the official spdx-schema.json, so this stands in for it; returns the problems found.
 */
export function spdxProblems(doc: Record<string, unknown>): string[] {
  const problems: string[] = [];
  const check = (ok: boolean, what: string) => ok || problems.push(what);
  check(doc.spdxVersion === "SPDX-2.3", "spdxVersion");
  check(doc.dataLicense === "CC0-1.0", "dataLicense");
  check(doc.SPDXID === "SPDXRef-DOCUMENT", "SPDXID");
  check(typeof doc.name === "string" && doc.name !== "", "name");
  const ns = String(doc.documentNamespace);
  check(URL.canParse(ns) && !ns.includes("#"), "documentNamespace");
  const info = doc.creationInfo as { created?: string; creators?: string[] } | undefined;
  check(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$/.test(info?.created ?? ""), "creationInfo.created");
  check(
    (info?.creators?.length ?? 0) > 0 &&
      info!.creators!.every((c) => /^(Tool|Organization|Person): \S/.test(c)),
    "creators",
  );

  const extracted = new Set(
    ((doc.hasExtractedLicensingInfos ?? []) as { licenseId: string; extractedText: string }[]).map((e) => {
      check(
        /^LicenseRef-[A-Za-z0-9.-]+$/.test(e.licenseId) && e.extractedText !== "",
        `extracted licence ${e.licenseId}`,
      );
      return e.licenseId;
    }),
  );
  const ids = new Set<string>(["SPDXRef-DOCUMENT"]);
  for (const pkg of doc.packages as Record<string, unknown>[]) {
    const id = String(pkg.SPDXID);
    check(/^SPDXRef-[A-Za-z0-9.-]+$/.test(id) && !ids.has(id), `package id ${id}`);
    ids.add(id);
    check(typeof pkg.name === "string" && pkg.name !== "", `${id} name`);
    const location = String(pkg.downloadLocation);
    check(
      location === "NOASSERTION" || location === "NONE" || URL.canParse(location),
      `${id} downloadLocation`,
    );
    check(pkg.filesAnalyzed === false || pkg.packageVerificationCode !== undefined, `${id} filesAnalyzed`);
    if (pkg.primaryPackagePurpose !== undefined)
      check(PURPOSES.has(String(pkg.primaryPackagePurpose)), `${id} purpose`);
    for (const field of ["licenseConcluded", "licenseDeclared"]) {
      const value = pkg[field];
      if (value === undefined || value === "NOASSERTION" || value === "NONE") continue;
      for (const ref of String(value).match(/LicenseRef-[A-Za-z0-9.-]+/g) ?? [])
        check(extracted.has(ref), `${id} ${field} ${ref} undeclared`);
    }
    for (const sum of (pkg.checksums ?? []) as { algorithm: string; checksumValue: string }[]) {
      check(
        CHECKSUM_HEX_LENGTH[sum.algorithm] === sum.checksumValue.length &&
          /^[0-9a-f]+$/.test(sum.checksumValue),
        `${id} checksum`,
      );
    }
    for (const ref of (pkg.externalRefs ?? []) as Record<string, string>[]) {
      check(
        ["SECURITY", "PACKAGE-MANAGER", "PERSISTENT-ID", "OTHER"].includes(ref.referenceCategory!),
        `${id} ref category`,
      );
      if (ref.referenceType === "purl") check(/^pkg:[a-z]+\/.+@.+/.test(ref.referenceLocator!), `${id} purl`);
    }
  }
  for (const rel of doc.relationships as Record<string, string>[]) {
    check(RELATIONSHIP_TYPES.has(rel.relationshipType!), `relationship type ${rel.relationshipType}`);
    check(
      ids.has(rel.spdxElementId!) && ids.has(rel.relatedSpdxElement!),
      `relationship ${rel.spdxElementId} → ${rel.relatedSpdxElement}`,
    );
  }
  // Clause 6.1: a document describes at least one element.
  check(
    (doc.relationships as Record<string, string>[]).some(
      (r) => r.spdxElementId === "SPDXRef-DOCUMENT" && r.relationshipType === "DESCRIBES",
    ),
    "DESCRIBES",
  );
  return problems;
}
