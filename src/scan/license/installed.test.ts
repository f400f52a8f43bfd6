import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DependencyGraph, PackageNode } from "../types";
import { resolveInstalledLicenses } from "./installed";

let root: string;

function write(file: string, text: string): void {
  mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  writeFileSync(path.join(root, file), text);
}

function pkg(ecosystem: "npm" | "PyPI", name: string, version: string, license?: string): PackageNode {
  const sep = ecosystem === "npm" ? "@" : "==";
  return {
    id: `${name}${sep}${version}`,
    ecosystem,
    name,
    version,
    purl: `pkg:${ecosystem.toLowerCase()}/${name}@${version}`,
    direct: true,
    dev: false,
    optional: false,
    dependencies: [],
    ...(license ? { license } : {}),
  };
}

function graph(ecosystem: "npm" | "PyPI", lockfile: string, nodes: PackageNode[]): DependencyGraph {
  return {
    ecosystem,
    lockfile,
    root: { name: "app", version: "1.0.0" },
    packages: new Map(nodes.map((n) => [n.id, n])),
  };
}

beforeAll(() => {
  root = mkdtempSync(path.join(os.tmpdir(), "sluice-installed-"));
  write(
    "node_modules/plain/package.json",
    JSON.stringify({ name: "plain", version: "1.0.0", license: "ISC" }),
  );
  write(
    "node_modules/legacy/package.json",
    JSON.stringify({ name: "legacy", version: "0.1.0", licenses: [{ type: "MIT" }, { type: "GPL-2.0" }] }),
  );
  write(
    "node_modules/@scope/pkg/package.json",
    JSON.stringify({ name: "@scope/pkg", version: "2.0.0", license: "Apache-2.0" }),
  );
  // Another version nested under its dependent, as npm installs conflicting versions.
  write(
    "node_modules/plain/node_modules/inner/package.json",
    JSON.stringify({ name: "inner", version: "3.0.0", license: "BSD-3-Clause" }),
  );
  write(
    "node_modules/inner/package.json",
    JSON.stringify({ name: "inner", version: "1.0.0", license: "MIT" }),
  );
  write("node_modules/broken/package.json", "{ not json");
  const site = ".venv/lib/python3.12/site-packages";
  write(
    `${site}/requests-2.31.0.dist-info/METADATA`,
    "Metadata-Version: 2.1\nName: requests\nVersion: 2.31.0\nLicense: Apache 2.0\n",
  );
  write(
    `${site}/typing_extensions-4.9.0.dist-info/METADATA`,
    "Metadata-Version: 2.1\nName: typing_extensions\nLicense-Expression: PSF-2.0\n",
  );
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe("resolveInstalledLicenses", () => {
  it("fills missing npm licences from installed manifests, nested versions included", async () => {
    const [resolved] = await resolveInstalledLicenses(root, [
      graph("npm", "package-lock.json", [
        pkg("npm", "plain", "1.0.0"),
        pkg("npm", "legacy", "0.1.0"),
        pkg("npm", "@scope/pkg", "2.0.0"),
        pkg("npm", "inner", "3.0.0"),
        pkg("npm", "inner", "1.0.0"),
        pkg("npm", "kept", "1.0.0", "MIT"),
        pkg("npm", "missing", "1.0.0"),
        pkg("npm", "plain", "9.9.9"),
      ]),
    ]);
    const licenses = Object.fromEntries([...resolved!.packages].map(([id, p]) => [id, p.license]));
    expect(licenses).toEqual({
      "plain@1.0.0": "ISC",
      "legacy@0.1.0": "MIT OR GPL-2.0",
      "@scope/pkg@2.0.0": "Apache-2.0",
      "inner@3.0.0": "BSD-3-Clause",
      "inner@1.0.0": "MIT",
      "kept@1.0.0": "MIT",
      "missing@1.0.0": undefined,
      "plain@9.9.9": undefined,
    });
  });

  it("fills PyPI licences from dist-info METADATA in the virtual environment", async () => {
    const [resolved] = await resolveInstalledLicenses(root, [
      graph("PyPI", "poetry.lock", [
        pkg("PyPI", "requests", "2.31.0"),
        pkg("PyPI", "typing-extensions", "4.9.0"),
        pkg("PyPI", "absent", "1.0"),
      ]),
    ]);
    expect([...resolved!.packages.values()].map((p) => p.license)).toEqual([
      "Apache 2.0",
      "PSF-2.0",
      undefined,
    ]);
  });

  it("does not touch graphs that need nothing, nor its input", async () => {
    const complete = graph("npm", "package-lock.json", [pkg("npm", "kept", "1.0.0", "MIT")]);
    const partial = graph("npm", "package-lock.json", [pkg("npm", "plain", "1.0.0")]);
    const [same, filled] = await resolveInstalledLicenses(root, [complete, partial]);
    expect(same).toBe(complete);
    expect(filled).not.toBe(partial);
    expect(partial.packages.get("plain@1.0.0")!.license).toBeUndefined();
  });

  it("resolves nothing, without failing, when nothing is installed", async () => {
    const [resolved] = await resolveInstalledLicenses(path.join(root, "nowhere"), [
      graph("npm", "package-lock.json", [pkg("npm", "plain", "1.0.0")]),
    ]);
    expect(resolved!.packages.get("plain@1.0.0")!.license).toBeUndefined();
  });
});
