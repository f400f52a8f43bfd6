/** SBOMs through the real lockfile readers, from a package-lock.json written by npm 10. */
import { cpSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { readDependencyGraphs } from "../lockfile";
import { generateSbom } from "./generate";
import { META, cycloneDxErrors, expectGolden, fixtures, spdxProblems } from "./test-support";

const project = `${fixtures}project`;

describe("SBOM from lockfiles", () => {
  it("writes a schema-valid CycloneDX document for a real package-lock v3", async () => {
    const doc = await generateSbom(project, { format: "cyclonedx", meta: META });
    expect(cycloneDxErrors(doc)).toBeNull();
    expectGolden(doc, "project.cdx");
    const components = doc.components as {
      name: string;
      version: string;
      scope: string;
      licenses?: unknown[];
    }[];
    expect(components.map((c) => `${c.name}@${c.version} ${c.scope}`)).toEqual([
      "is@4.6.0 required",
      "debug@4.3.4 required",
      "ms@2.1.2 required",
      "typescript@5.4.5 excluded",
    ]);
    expect(components.every((c) => c.licenses?.length === 1)).toBe(true);
  });

  it("leaves out lockfiles that scan.exclude matches", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "sluice-sbom-exclude-"));
    try {
      cpSync(project, dir, { recursive: true });
      cpSync(project, path.join(dir, "test/fixtures/copy"), { recursive: true });
      cpSync(project, path.join(dir, "examples/app"), { recursive: true });
      const doc = await generateSbom(dir, { format: "spdx", meta: META, exclude: ["test/fixtures/**"] });
      const ids = (doc.packages as { SPDXID: string }[]).map((p) => p.SPDXID);
      expect(ids.filter((id) => id.startsWith("SPDXRef-Project-"))).toEqual(["SPDXRef-Project-examples-app"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("writes an SPDX document with the same packages", async () => {
    const doc = await generateSbom(project, { format: "spdx", meta: META });
    expect(spdxProblems(doc)).toEqual([]);
    expectGolden(doc, "project.spdx");
    const graphs = await readDependencyGraphs(project);
    expect((doc.packages as unknown[]).length).toBe(graphs[0]!.packages.size + 1);
  });
});
