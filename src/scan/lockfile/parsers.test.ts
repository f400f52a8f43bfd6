import { describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import { normalizePypiName, npmPurl, pypiPurl, splitAtVersion } from "./common";
import { GraphBuilder } from "./graph-builder";
import { parseLocatedJson } from "./located-json";
import { readPackageJson } from "./manifest";
import { readPyproject } from "./manifest-python";
import { parsePackageLock } from "./package-lock";
import { parsePnpmLock } from "./pnpm-lock";
import { parseRequirements } from "./requirements";
import { parseYarnClassic } from "./yarn-classic";

function errorOf(fn: () => unknown): { code: string; location: unknown } {
  try {
    fn();
  } catch (err) {
    if (isSluiceError(err)) return { code: err.code, location: err.location };
    throw err;
  }
  throw new Error("expected an error");
}

describe("package URLs and names", () => {
  it("encodes npm scopes and PyPI names as the purl spec says", () => {
    expect(npmPurl("@hapi/hoek", "9.0.0")).toBe("pkg:npm/%40hapi/hoek@9.0.0");
    expect(npmPurl("lodash", "4.17.15")).toBe("pkg:npm/lodash@4.17.15");
    expect(npmPurl("x", "1.0.0+build.1")).toBe("pkg:npm/x@1.0.0%2Bbuild.1");
    expect(pypiPurl("Django", "3.2.4")).toBe("pkg:pypi/django@3.2.4");
    expect(pypiPurl("zope.interface", "5.4.0")).toBe("pkg:pypi/zope-interface@5.4.0");
    expect(normalizePypiName("Foo__Bar.-baz")).toBe("foo-bar-baz");
  });

  it("splits name@version after a scope, and keeps an @ inside the version", () => {
    expect(splitAtVersion("@scope/name@1.0.0")).toEqual({ name: "@scope/name", version: "1.0.0" });
    expect(splitAtVersion("x@git+ssh://git@github.com/a/b")).toEqual({
      name: "x",
      version: "git+ssh://git@github.com/a/b",
    });
    expect(splitAtVersion("noversion")).toBeUndefined();
  });
});

describe("located JSON", () => {
  it("gives the line of each object and keeps __proto__ as data", () => {
    const doc = parseLocatedJson(
      '{\n  "a": {\n    "b": [\n      {"c": 1}\n    ]\n  },\n  "__proto__": {"x": 1}\n}',
      "f.json",
    );
    const value = doc.value as Record<string, Record<string, unknown[]>>;
    expect(doc.lineOf(value.a)).toBe(2);
    expect(doc.lineOf(value.a!.b)).toBe(3);
    expect(doc.lineOf(value.a!.b![0])).toBe(4);
    expect(Object.getPrototypeOf(value)).toBe(Object.prototype);
    expect(Object.keys(value)).toEqual(["a", "__proto__"]);
  });

  it("rejects deep nesting and trailing content with a location", () => {
    expect(errorOf(() => parseLocatedJson("[".repeat(5000), "f.json")).code).toBe("SLUICE_E_LOCKFILE");
    expect(errorOf(() => parseLocatedJson('{"a": 1}\n}', "f.json")).location).toEqual({
      file: "f.json",
      line: 2,
      column: 1,
    });
  });
});

describe("graph builder", () => {
  it("derives dev and optional flags from reachability when the lockfile records none", () => {
    const b = new GraphBuilder("npm", "x", { name: "app", version: "1.0.0" });
    const app = b.add({ name: "app-dep", version: "1.0.0" });
    const tool = b.add({ name: "tool", version: "1.0.0" });
    const shared = b.add({ name: "shared", version: "1.0.0" });
    const toolOnly = b.add({ name: "tool-only", version: "1.0.0" });
    const fsevents = b.add({ name: "fsevents", version: "2.3.3" });
    b.edge(app, shared);
    b.edge(tool, shared);
    b.edge(tool, toolOnly);
    b.edge(app, fsevents, true);
    b.direct(app, "prod");
    b.direct(tool, "dev");
    const g = b.build();
    const flags = (id: string): string => {
      const p = g.packages.get(id)!;
      return `${p.direct ? "D" : "-"}${p.dev ? "v" : "-"}${p.optional ? "o" : "-"}`;
    };
    expect([app, tool, shared, toolOnly, fsevents].map(flags)).toEqual(["D--", "Dv-", "---", "-v-", "--o"]);
  });

  it("takes packages nothing depends on as direct when no manifest says", () => {
    const b = new GraphBuilder("PyPI", "x", { name: "", version: "" });
    const a = b.add({ name: "A", version: "1" });
    const c = b.add({ name: "C", version: "1" });
    b.edge(a, c);
    const g = b.build();
    expect(g.packages.get("a==1")!.direct).toBe(true);
    expect(g.packages.get("c==1")!.direct).toBe(false);
  });
});

describe("requirements files", () => {
  const files: Record<string, string> = {
    "common.txt": "six==1.16.0 # via nothing\n-r nested/more.txt\n",
    "nested/more.txt": "idna===2.10\n",
  };
  const readFile = (p: string): string | undefined => files[p];

  it("follows -r includes, keeps hashes, and reads pip-compile's multi-line via", () => {
    const text = [
      "-r common.txt",
      "--extra-index-url https://pypi.org/simple",
      "certifi==2020.12.5 \\",
      "    --hash=sha256:719a74fb9e33b9bd44cc7f3a8d94bc35e4049deebe19ba7d8e108280cfd59830",
      "    # via",
      "    #   -r requirements.in",
      "    #   requests",
      "requests==2.25.1",
      "    # via -r requirements.in",
      "PyYAML==5.3.1 ; python_version >= '3.6'  # config",
      "-r missing.txt",
    ].join("\n");
    const g = parseRequirements(text, "requirements.txt", { readFile });
    expect([...g.packages.keys()]).toEqual([
      "certifi==2020.12.5",
      "idna==2.10",
      "pyyaml==5.3.1",
      "requests==2.25.1",
      "six==1.16.0",
    ]);
    const certifi = g.packages.get("certifi==2020.12.5")!;
    expect(certifi).toMatchObject({
      line: 3,
      direct: true,
      integrity: ["sha256:719a74fb9e33b9bd44cc7f3a8d94bc35e4049deebe19ba7d8e108280cfd59830"],
    });
    expect(g.packages.get("requests==2.25.1")!.dependencies).toEqual(["certifi==2020.12.5"]);
    expect(g.packages.get("idna==2.10")!.line).toBeUndefined();
    expect(g.warnings).toEqual([{ message: "included file missing.txt was not found", line: 11 }]);
  });

  it("marks the pins of a development requirements file as dev", () => {
    const g = parseRequirements("pytest==7.0.0\n", "requirements-dev.txt");
    expect(g.packages.get("pytest==7.0.0")).toMatchObject({ direct: true, dev: true });
  });

  it("reports an unparsable requirement at its line", () => {
    expect(errorOf(() => parseRequirements("django==3.2\n!!!\n", "requirements.txt"))).toEqual({
      code: "SLUICE_E_LOCKFILE",
      location: { file: "requirements.txt", line: 2, column: 1 },
    });
  });
});

describe("npm, pnpm and yarn details", () => {
  it("reads lockfile v1 with nested requires resolution and a manifest's direct dependencies", () => {
    const lock = JSON.stringify({
      name: "a",
      version: "1.0.0",
      lockfileVersion: 1,
      dependencies: {
        b: { version: "1.0.0", requires: { c: "^2.0.0" }, dependencies: { c: { version: "2.0.0" } } },
        c: { version: "1.0.0", dev: true },
      },
    });
    const g = parsePackageLock(lock, "package-lock.json", {
      manifest: readPackageJson('{"dependencies":{"b":"1"},"devDependencies":{"c":"1"}}'),
    });
    expect(g.packages.get("b@1.0.0")!.dependencies).toEqual(["c@2.0.0"]);
    expect(g.packages.get("c@1.0.0")).toMatchObject({ direct: true, dev: true });
    expect(g.packages.get("c@2.0.0")).toMatchObject({ direct: false, dev: false });
  });

  it("reads pnpm lockfile v5 keys", () => {
    const text = [
      "lockfileVersion: 5.4",
      "specifiers:",
      "  react-dom: 18.2.0",
      "dependencies:",
      "  react-dom: 18.2.0_react@18.2.0",
      "packages:",
      "  /react-dom/18.2.0_react@18.2.0:",
      "    resolution: {integrity: sha512-abc}",
      "    dependencies:",
      "      scheduler: 0.23.0",
      "    dev: false",
      "  /scheduler/0.23.0:",
      "    resolution: {integrity: sha512-def}",
      "    dev: false",
      "",
    ].join("\n");
    const g = parsePnpmLock(text, "pnpm-lock.yaml");
    expect(g.packages.get("react-dom@18.2.0")).toMatchObject({
      direct: true,
      line: 7,
      dependencies: ["scheduler@0.23.0"],
    });
  });

  it("locates a yarn.lock syntax error", () => {
    expect(errorOf(() => parseYarnClassic('a@1:\n  version "1.0.0\n', "yarn.lock")).location).toEqual({
      file: "yarn.lock",
      line: 2,
      column: 11,
    });
    expect(errorOf(() => parseYarnClassic("a@1\n", "yarn.lock")).code).toBe("SLUICE_E_LOCKFILE");
  });
});

describe("manifests", () => {
  it("reads Poetry groups and PEP 621 dependencies from pyproject.toml", () => {
    const deps = readPyproject(
      [
        "[project]",
        'name = "x"',
        'dependencies = ["Django[argon2] (>=3.2)", "requests>=2 ; python_version >= \\"3.8\\""]',
        "[tool.poetry.dependencies]",
        'python = "^3.9"',
        'Flask = "^2"',
        "[tool.poetry.group.test.dependencies]",
        'pytest = "*"',
      ].join("\n"),
    );
    expect(deps).toMatchObject({ name: "x", prod: ["django", "requests", "flask"], dev: ["pytest"] });
  });
});

describe("finding lockfiles", () => {
  it("skips dependency folders and prefers npm-shrinkwrap.json beside package-lock.json", async () => {
    const { mkdtempSync, mkdirSync, writeFileSync, rmSync } = await import("node:fs");
    const { tmpdir } = await import("node:os");
    const path = await import("node:path");
    const { findLockfiles } = await import("./index");
    const root = mkdtempSync(path.join(tmpdir(), "sluice-lockfiles-"));
    try {
      for (const dir of ["node_modules/x", "svc", "py/requirements", ".git"])
        mkdirSync(path.join(root, dir), { recursive: true });
      const files: Record<string, string> = {
        "package-lock.json": "{}",
        "npm-shrinkwrap.json": "{}",
        "node_modules/x/package-lock.json": "{}",
        ".git/yarn.lock": "",
        "svc/yarn.lock": "__metadata:\n  version: 8\n",
        "py/requirements/base.txt": "",
        "py/dev-requirements.txt": "",
        "py/poetry.lock": "",
        "README.txt": "",
      };
      for (const [file, text] of Object.entries(files)) writeFileSync(path.join(root, file), text);
      expect(await findLockfiles(root)).toEqual([
        { path: "npm-shrinkwrap.json", format: "npm-shrinkwrap" },
        { path: "py/dev-requirements.txt", format: "requirements" },
        { path: "py/poetry.lock", format: "poetry-lock" },
        { path: "py/requirements/base.txt", format: "requirements" },
        { path: "svc/yarn.lock", format: "yarn-berry" },
      ]);
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
