import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { findSharedDependencies, locateExample } from "./locate";
import { useTempDirs, write } from "./test-fixtures";

const tempDir = useTempDirs("sluice-locate-");

/** A fake package root holding an example with the given devDependencies. */
function fakePackage(devDependencies: Record<string, string>): { root: string; example: string } {
  const root = tempDir();
  const example = join(root, "examples", "service");
  write(join(example, "package.json"), JSON.stringify({ devDependencies }));
  write(join(example, ".github", "workflows", "ci.yml"), "on: push\n");
  return { root, example };
}

function install(root: string, name: string, version: string): void {
  write(join(root, "node_modules", name, "package.json"), JSON.stringify({ name, version }));
}

describe("locateExample", () => {
  it("finds the example from this source file by walking up to the package root", () => {
    const found = locateExample();
    expect(found.replaceAll("\\", "/")).toMatch(/\/examples\/service$/);
  });

  it("finds it at ../examples/service from a bundled file in dist/", () => {
    const { root, example } = fakePackage({});
    expect(locateExample(pathToFileURL(join(root, "dist", "cli.js")))).toBe(example);
  });

  it("throws SLUICE_E_INTERNAL when there is no example anywhere above", () => {
    const dir = tempDir();
    expect(() => locateExample(pathToFileURL(join(dir, "dist", "cli.js")))).toThrow(
      expect.objectContaining({ code: "SLUICE_E_INTERNAL" }),
    );
  });
});

describe("findSharedDependencies", () => {
  it("accepts the package's node_modules when an npm install holds every devDependency", () => {
    const { root, example } = fakePackage({ typescript: "~5.9.3", eslint: "^9.39.5" });
    install(root, "typescript", "5.9.3");
    install(root, "eslint", "9.40.0");
    write(join(root, "node_modules", ".package-lock.json"), "{}");
    expect(findSharedDependencies(example)).toEqual({
      usable: true,
      nodeModules: join(root, "node_modules"),
    });
  });

  it("refuses a node_modules that npm did not install", () => {
    const { root, example } = fakePackage({ typescript: "~5.9.3" });
    install(root, "typescript", "5.9.3");
    expect(findSharedDependencies(example)).toMatchObject({
      usable: false,
      reason: expect.stringContaining("not an npm install"),
    });
  });

  it("refuses when a dependency is missing or out of range", () => {
    const { root, example } = fakePackage({ typescript: "~5.9.3", eslint: "^9.39.5" });
    write(join(root, "node_modules", ".package-lock.json"), "{}");
    install(root, "typescript", "5.9.3");
    expect(findSharedDependencies(example)).toMatchObject({
      usable: false,
      reason: "eslint is not installed there",
    });
    install(root, "eslint", "8.57.0");
    expect(findSharedDependencies(example)).toMatchObject({
      usable: false,
      reason: expect.stringContaining("eslint@8.57.0"),
    });
  });

  it("accepts this checkout's node_modules for the real example", () => {
    // The repository's own devDependencies are meant to serve the example (same majors); this keeps them aligned.
    expect(findSharedDependencies(locateExample())).toMatchObject({ usable: true });
  });
});
