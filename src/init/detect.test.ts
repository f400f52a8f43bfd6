import { describe, expect, it } from "vitest";
import { defaultBranchOf, detectProject } from "./detect";
import type { RepoSnapshot } from "./types";

/** A snapshot holding `files` (contents) and `present` (names that exist, contents not needed). */
function snap(files: Record<string, string>, present: string[] = []): RepoSnapshot {
  const entries = [...Object.keys(files).filter((f) => !f.startsWith(".git/")), ...present];
  return { entries, files };
}

const pkg = (value: object): string => JSON.stringify(value);

describe("detectProject: Node", () => {
  it("uses npm ci, the scripts present and the engines.node range", () => {
    const project = detectProject(
      snap(
        {
          "package.json": pkg({
            scripts: { lint: "eslint .", test: "vitest", build: "tsc" },
            engines: { node: "^18.17 || >=20" },
          }),
        },
        ["package-lock.json"],
      ),
    );
    expect(project).toMatchObject({
      kind: "node",
      packageManager: "npm",
      installCommand: "npm ci",
      nodeVersion: "^18.17 || >=20",
      scripts: ["lint", "test", "build"],
      lockfile: true,
      warnings: [],
    });
  });

  it("skips npm's placeholder test script and empty scripts", () => {
    const project = detectProject(
      snap(
        {
          "package.json": pkg({ scripts: { test: 'echo "Error: no test specified" && exit 1', lint: " " } }),
        },
        ["package-lock.json"],
      ),
    );
    expect(project).toMatchObject({ kind: "node", scripts: [] });
  });

  it("picks yarn or pnpm from the lockfile, with frozen installs", () => {
    expect(detectProject(snap({ "package.json": "{}" }, ["yarn.lock"]))).toMatchObject({
      packageManager: "yarn",
      installCommand: "yarn install --frozen-lockfile",
    });
    expect(detectProject(snap({ "package.json": "{}" }, ["yarn.lock", ".yarnrc.yml"]))).toMatchObject({
      installCommand: "yarn install --immutable",
    });
    expect(detectProject(snap({ "package.json": "{}" }, ["pnpm-lock.yaml"]))).toMatchObject({
      packageManager: "pnpm",
      installCommand: "pnpm install --frozen-lockfile",
    });
  });

  it("falls back to packageManager and a plain install without a lockfile, with a warning", () => {
    const project = detectProject(snap({ "package.json": pkg({ packageManager: "pnpm@9.1.0" }) }));
    expect(project).toMatchObject({
      packageManager: "pnpm",
      installCommand: "pnpm install",
      lockfile: false,
    });
    expect(project.warnings).toHaveLength(1);
  });

  it("prefers packageManager when several lockfiles exist", () => {
    const project = detectProject(
      snap({ "package.json": pkg({ packageManager: "yarn@1.22.0" }) }, ["package-lock.json", "yarn.lock"]),
    );
    expect(project).toMatchObject({ packageManager: "yarn" });
    expect(project.warnings[0]).toMatch(/several lockfiles/);
  });

  it("reads the Node version from engines, then .nvmrc or .node-version, else 20", () => {
    const version = (files: Record<string, string>): unknown =>
      (
        detectProject(snap({ "package.json": "{}", ...files }, ["package-lock.json"])) as {
          nodeVersion: string;
        }
      ).nodeVersion;
    expect(version({ ".nvmrc": "v22.3.0\n" })).toBe("22.3.0");
    expect(version({ ".node-version": "18\n" })).toBe("18");
    expect(version({ ".nvmrc": "lts/iron\n" })).toBe("lts/iron");
    expect(version({ ".nvmrc": "system\n" })).toBe("20");
    expect(version({ "package.json": pkg({ engines: { node: ">=22" } }), ".nvmrc": "18" })).toBe(">=22");
    expect(version({ "package.json": pkg({ engines: { node: "banana" } }), ".nvmrc": "18" })).toBe("18");
    expect(version({})).toBe("20");
  });

  it("survives an invalid package.json", () => {
    const project = detectProject(snap({ "package.json": "{ not json" }));
    expect(project).toMatchObject({ kind: "node", scripts: [] });
    expect(project.warnings.join("\n")).toMatch(/not a valid JSON/);
  });
});

describe("detectProject: Python", () => {
  it("reads requirements files, ruff, pytest and .python-version", () => {
    const project = detectProject(
      snap(
        {
          "requirements.txt": "flask==3.0\n",
          "requirements-dev.txt": "pytest>=8\nruff\n",
          ".python-version": "3.12.2\n",
        },
        ["tests/"],
      ),
    );
    expect(project).toMatchObject({
      kind: "python",
      pythonVersion: "3.12.2",
      installCommands: [
        "python -m pip install --upgrade pip",
        "pip install -r requirements.txt",
        "pip install -r requirements-dev.txt",
      ],
      linter: "ruff",
      pytest: true,
      buildable: false,
      warnings: [],
    });
  });

  it("installs a pyproject project with its test extras and reads requires-python", () => {
    const pyproject = [
      "[build-system]",
      'requires = ["hatchling"]',
      "[project]",
      'name = "demo"',
      'requires-python = ">=3.10"',
      "[project.optional-dependencies]",
      'test = ["pytest"]',
      'docs = ["mkdocs"]',
      "[tool.pytest.ini_options]",
      'testpaths = ["tests"]',
    ].join("\n");
    const project = detectProject(
      snap({ "pyproject.toml": pyproject, "setup.cfg": "[flake8]\nmax-line-length = 100\n" }),
    );
    expect(project).toMatchObject({
      kind: "python",
      // Any later Python 3 will do: the newest, as setup-python reads "3.x".
      pythonVersion: "3.x",
      installCommands: ["python -m pip install --upgrade pip", 'pip install -e ".[test]"'],
      linter: "flake8",
      pytest: true,
      buildable: true,
    });
  });

  it("pins the lowest Python that requires-python allows when it has an upper bound", () => {
    const pyproject = (spec: string) =>
      snap({ "pyproject.toml": `[project]\nname = "demo"\nrequires-python = "${spec}"\n` });
    expect(detectProject(pyproject(">=3.10,<3.13"))).toMatchObject({ pythonVersion: "3.10" });
    expect(detectProject(pyproject("~=3.9"))).toMatchObject({ pythonVersion: "3.9" });
    expect(detectProject(pyproject(">=3.8, <4"))).toMatchObject({ pythonVersion: "3.x" });
  });

  it("detects setup.py projects and warns when there are no tests", () => {
    const project = detectProject(snap({ "setup.py": "from setuptools import setup\nsetup()\n" }));
    expect(project).toMatchObject({
      kind: "python",
      pythonVersion: "3.11",
      linter: null,
      pytest: false,
      buildable: true,
    });
    expect(project.warnings.join("\n")).toMatch(/no tests found/);
  });

  it("does not take pytest-cov for pytest", () => {
    expect(detectProject(snap({ "requirements.txt": "pytest-cov\n" }))).toMatchObject({ pytest: false });
  });
});

describe("detectProject: other repositories", () => {
  it("is generic, with a warning, when nothing is recognized", () => {
    const project = detectProject(snap({ Makefile: "all:\n" }));
    expect(project.kind).toBe("generic");
    expect(project.warnings).toHaveLength(1);
  });

  it("prefers Node when both Node and Python files exist, and says so", () => {
    const project = detectProject(
      snap({ "package.json": "{}", "requirements.txt": "" }, ["package-lock.json"]),
    );
    expect(project.kind).toBe("node");
    expect(project.warnings.join("\n")).toMatch(/Python/);
  });
});

describe("defaultBranchOf", () => {
  it("reads origin's HEAD, then a main or master HEAD, else main", () => {
    expect(
      defaultBranchOf(snap({ ".git/refs/remotes/origin/HEAD": "ref: refs/remotes/origin/trunk\n" })),
    ).toBe("trunk");
    expect(defaultBranchOf(snap({ ".git/HEAD": "ref: refs/heads/master\n" }))).toBe("master");
    expect(defaultBranchOf(snap({ ".git/HEAD": "ref: refs/heads/feature/x\n" }))).toBe("main");
    expect(defaultBranchOf(snap({}))).toBe("main");
  });
});
