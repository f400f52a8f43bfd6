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
  const raw = JSON.parse(readFileSync(path.join(fixtures, `${name}.graph.json`), "utf8")) as Omit<DependencyGraph, "packages"> & {
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
const schemaDir = path.join(path.dirname(require.resolve("@cyclonedx/cyclonedx-library/package.json")), "res", "schema");

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
      schemas: {
        "http://cyclonedx.org/schema/spdx.SNAPSHOT.schema.json": readSchema("spdx.SNAPSHOT.schema.json"),
        "http://cyclonedx.org/schema/jsf-0.82.SNAPSHOT.schema.json": readSchema("jsf-0.82.SNAPSHOT.schema.json"),
        "http://cyclonedx.org/schema/cryptography-defs.SNAPSHOT.schema.json": readSchema("cryptography-defs.SNAPSHOT.schema.json"),
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
