import { describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import type { DependencyGraph, PackageNode } from "../types";
import { buildCycloneDx, buildCycloneDxSortedByLibrary } from "./cyclonedx";
import { META, cycloneDxErrors, expectGolden, loadGraph } from "./test-support";

interface Component {
  "bom-ref": string;
  name: string;
  group?: string;
  version: string;
  purl: string;
  scope?: string;
  hashes?: { alg: string; content: string }[];
  licenses?: Record<string, unknown>[];
  externalReferences?: { type: string; url: string }[];
  properties?: { name: string; value: string }[];
}

function components(doc: Record<string, unknown>): Map<string, Component> {
  return new Map((doc.components as Component[]).map((c) => [c.purl, c]));
}

describe("buildCycloneDx", () => {
  const npm = loadGraph("npm");
  const pypi = loadGraph("pypi");

  it("matches the golden document and the official CycloneDX 1.6 schema", () => {
    const doc = buildCycloneDx([npm], META);
    expect(cycloneDxErrors(doc)).toBeNull();
    expectGolden(doc, "npm.cdx");
  });

  it("the schema check rejects what the schema forbids", () => {
    const doc = buildCycloneDx([npm], META) as { components: Record<string, unknown>[] };
    doc.components[0]!.scope = "dev";
    doc.components[1]!.hashes = [{ alg: "SHA-512", content: "abc" }];
    expect(cycloneDxErrors(doc)?.map((e) => e.instancePath)).toEqual(
      expect.arrayContaining(["/components/0/scope", "/components/1/hashes/0/content"]),
    );
  });

  it("renders npm and PyPI graphs together, valid against the schema", () => {
    const doc = buildCycloneDx([npm, pypi], { ...META, component: { name: "mono", version: "2.0.0" } });
    expect(cycloneDxErrors(doc)).toBeNull();
    expectGolden(doc, "mixed.cdx");
  });

  it("is deterministic whatever the order of graphs and packages", () => {
    const shuffled = { ...npm, packages: new Map([...npm.packages].reverse()) };
    expect(JSON.stringify(buildCycloneDx([shuffled, pypi], META))).toBe(
      JSON.stringify(buildCycloneDx([pypi, npm].reverse(), META)),
    );
  });

  it("writes metadata from the injected clock, serial number and tool version", () => {
    const doc = buildCycloneDx([npm], META) as {
      specVersion: string;
      serialNumber: string;
      metadata: Record<string, unknown>;
    };
    expect(doc.specVersion).toBe("1.6");
    expect(doc.serialNumber).toBe(`urn:uuid:${META.serialNumber}`);
    expect(doc.metadata.timestamp).toBe("2026-01-02T03:04:05.678Z");
    expect(doc.metadata.tools).toEqual({
      components: [{ type: "application", name: "sluice", version: "1.2.3" }],
    });
    expect(doc.metadata.component).toMatchObject({
      type: "application",
      name: "demo-app",
      version: "1.0.0",
      "bom-ref": "pkg:npm/demo-app@1.0.0",
    });
  });

  it("maps dev to excluded, optional to optional, the rest to required", () => {
    const byPurl = components(buildCycloneDx([npm], META));
    expect(byPurl.get("pkg:npm/express@4.21.2")!.scope).toBe("required");
    expect(byPurl.get("pkg:npm/%40types/node@20.11.0")!.scope).toBe("excluded");
    expect(byPurl.get("pkg:npm/%40types/node@20.11.0")!.properties).toEqual([
      { name: "cdx:npm:package:development", value: "true" },
    ]);
    expect(byPurl.get("pkg:npm/fsevents@2.3.3")!.scope).toBe("optional");
  });

  it("splits scoped names into group and name", () => {
    const types = components(buildCycloneDx([npm], META)).get("pkg:npm/%40types/node@20.11.0")!;
    expect([types.group, types.name]).toEqual(["@types", "node"]);
  });

  it("turns SRI and pip hashes into hex digests", () => {
    const byPurl = components(buildCycloneDx([npm, pypi], META));
    const express = npm.packages.get("express@4.21.2")!;
    const hex = Buffer.from(express.integrity![0]!.slice("sha512-".length), "base64").toString("hex");
    expect(byPurl.get("pkg:npm/express@4.21.2")!.hashes).toEqual([{ alg: "SHA-512", content: hex }]);
    expect(byPurl.get("pkg:npm/nolicense@1.0.0")!.hashes!.map((h) => h.alg)).toEqual(["SHA-1", "SHA-512"]);
    const requests = pypi.packages.get("requests==2.31.0")!;
    expect(byPurl.get("pkg:pypi/requests@2.31.0")!.hashes).toEqual([
      { alg: "SHA-256", content: requests.integrity![0]!.slice(7) },
    ]);
  });

  it("writes licences as an id, an expression or a name, never guessing", () => {
    const byPurl = components(buildCycloneDx([npm], META));
    expect(byPurl.get("pkg:npm/express@4.21.2")!.licenses).toEqual([
      { license: { id: "MIT", acknowledgement: "declared" } },
    ]);
    expect(byPurl.get("pkg:npm/dual@1.0.0")!.licenses).toEqual([
      { expression: "MIT OR GPL-3.0-only", acknowledgement: "declared" },
    ]);
    expect(byPurl.get("pkg:npm/gpl-only@2.0.0")!.licenses).toEqual([
      { license: { id: "GPL-2.0-or-later", acknowledgement: "declared" } },
    ]);
    expect(byPurl.get("pkg:npm/legacy-pkg@1.0.0")!.licenses).toEqual([
      { license: { name: "Apache 2", acknowledgement: "declared" } },
    ]);
    expect(byPurl.get("pkg:npm/private-lib@0.1.0")!.licenses).toEqual([
      { license: { name: "UNLICENSED", acknowledgement: "declared" } },
    ]);
    expect(byPurl.get("pkg:npm/nolicense@1.0.0")!.licenses).toBeUndefined();
  });

  it("keeps registry URLs as distribution references, without credentials or file: paths", () => {
    const byPurl = components(buildCycloneDx([npm], META));
    expect(byPurl.get("pkg:npm/private-lib@0.1.0")!.externalReferences).toEqual([
      { type: "distribution", url: "https://npm.example.internal/private-lib/-/private-lib-0.1.0.tgz" },
    ]);
    expect(byPurl.get("pkg:npm/custom@2.0.0")!.externalReferences).toBeUndefined();
  });

  it("records the dependency graph, root first", () => {
    const doc = buildCycloneDx([npm], META) as { dependencies: { ref: string; dependsOn?: string[] }[] };
    const deps = new Map(doc.dependencies.map((d) => [d.ref, d.dependsOn ?? []]));
    expect(deps.get("pkg:npm/demo-app@1.0.0")).toContain("pkg:npm/express@4.21.2");
    expect(deps.get("pkg:npm/demo-app@1.0.0")).not.toContain("pkg:npm/debug@2.6.9");
    expect(deps.get("pkg:npm/express@4.21.2")).toEqual(["pkg:npm/body-parser@1.20.3", "pkg:npm/debug@2.6.9"]);
    expect(deps.get("pkg:npm/ms@2.0.0")).toEqual([]);
    expect(doc.dependencies).toHaveLength(npm.packages.size + 1);
  });

  it("merges a package found in two lockfiles: runtime wins over dev", () => {
    const other = structuredClone(npm);
    other.lockfile = "packages/web/package-lock.json";
    other.packages.get("@types/node@20.11.0")!.dev = false;
    const types = components(buildCycloneDx([npm, other], META)).get("pkg:npm/%40types/node@20.11.0")!;
    expect(types.scope).toBe("required");
  });

  it("lists a project in another folder as its own application, not as the root's dependencies", () => {
    const service = { ...pypi, lockfile: "services/api/poetry.lock" };
    const doc = buildCycloneDx([npm, service], META) as {
      components: (Component & { type: string })[];
      dependencies: { ref: string; dependsOn?: string[] }[];
      metadata: { component: { "bom-ref": string } };
    };
    expect(cycloneDxErrors(doc)).toBeNull();
    const deps = new Map(doc.dependencies.map((d) => [d.ref, d.dependsOn ?? []]));
    const root = deps.get(doc.metadata.component["bom-ref"])!;
    expect(root).toContain("pkg:npm/express@4.21.2");
    expect(root.some((ref) => ref.startsWith("pkg:pypi/"))).toBe(false);
    const app = doc.components.find((c) => c.type === "application")!;
    expect(app).toMatchObject({ name: "demo-py", version: "0.1.0", purl: "pkg:pypi/demo-py@0.1.0" });
    expect(deps.get(app["bom-ref"])).toEqual(["pkg:pypi/pytest@7.4.0", "pkg:pypi/requests@2.31.0"]);
    expect(JSON.stringify(doc)).toBe(JSON.stringify(buildCycloneDxSortedByLibrary([npm, service], META)));
  });

  it("rejects a serial number that is not a UUID", () => {
    try {
      buildCycloneDx([npm], { ...META, serialNumber: "not-a-uuid" });
      expect.unreachable();
    } catch (err) {
      expect(isSluiceError(err) && err.code).toBe("SLUICE_E_USAGE");
    }
  });

  it("lists everything in the order the library's own sorting gives", () => {
    // Names whose code-unit and collation orders differ: case, `_` before `-` before `.`, `~`, digits.
    const names = [
      "A_b",
      "a-b",
      "a.b",
      "ab",
      "Ab",
      "aB",
      "a_b",
      "@scope/x",
      "@Scope/y",
      "x~y",
      "x0",
      "X1",
      "z",
    ];
    const sha1 = "sha1-" + Buffer.alloc(20, 1).toString("base64");
    const sha512 = "sha512-" + Buffer.alloc(64, 2).toString("base64");
    const nodes: PackageNode[] = names.map((name, i) => ({
      id: `${name}@1.0.${i}`,
      ecosystem: "npm",
      name,
      version: `1.0.${i}`,
      purl: `pkg:npm/${name.startsWith("@") ? name.replace("@", "%40") : name}@1.0.${i}`,
      direct: i % 3 === 0,
      dev: i % 4 === 1,
      optional: false,
      integrity: i % 2 ? [sha512, sha1, "md5:" + "0".repeat(32)] : [sha512],
      license: "MIT",
      dependencies: names.flatMap((n, j) => ((i * 7 + j) % 5 === 0 ? [`${n}@1.0.${j}`] : [])),
    }));
    const tricky: DependencyGraph = {
      ecosystem: "npm",
      lockfile: "package-lock.json",
      root: { name: "Root_App", version: "1.0.0" },
      packages: new Map(nodes.map((n) => [n.id, n])),
    };
    const accented = structuredClone(tricky);
    accented.packages.get("z@1.0.12")!.purl = "pkg:npm/z\u00e9@1.0.12";
    for (const graphs of [[npm], [npm, pypi], [tricky], [accented]]) {
      const doc = buildCycloneDx(graphs, META);
      expect(JSON.stringify(doc)).toBe(JSON.stringify(buildCycloneDxSortedByLibrary(graphs, META)));
      expect(cycloneDxErrors(doc)).toBeNull();
    }
  });
});
