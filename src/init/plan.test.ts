import { parse, parseDocument } from "yaml";
import { describe, expect, it } from "vitest";
import { parseConfig } from "../config/load";
import { defaultConfig } from "../config/schema";
import { planInit } from "./plan";
import { renderSluiceConfig } from "./sluice-config";
import type { DetectedProject, NodeProject, PythonProject } from "./types";

const node: NodeProject = {
  kind: "node",
  defaultBranch: "main",
  warnings: [],
  packageManager: "npm",
  installCommand: "npm ci",
  nodeVersion: "20",
  scripts: ["lint", "test", "build"],
  lockfile: true,
};

const python: PythonProject = {
  kind: "python",
  defaultBranch: "trunk",
  warnings: [],
  pythonVersion: "3.10",
  installCommands: ["python -m pip install --upgrade pip", "pip install -r requirements.txt"],
  linter: "ruff",
  pytest: true,
  buildable: false,
};

interface Step {
  name?: string;
  uses?: string;
  run?: string;
  if?: string;
  with?: Record<string, unknown>;
}
interface Workflow {
  name: string;
  on: Record<string, { branches: string[] }>;
  jobs: Record<string, { "runs-on": string; needs?: string[]; steps: Step[] }>;
}

function workflowOf(project: DetectedProject): Workflow {
  const file = planInit(project).files.find((f) => f.path === ".github/workflows/ci.yml");
  if (!file) throw new Error("no ci.yml planned");
  const doc = parseDocument(file.content);
  expect(doc.errors).toEqual([]);
  // GitHub Actions rejects nothing here, but anchors would make the file hard to edit by hand.
  expect(file.content).not.toMatch(/[&*]a\d/);
  return doc.toJS() as Workflow;
}

const uses = (steps: Step[]): string[] => steps.flatMap((s) => (s.uses ? [s.uses] : []));
const runs = (steps: Step[]): string[] => steps.flatMap((s) => (s.run ? [s.run] : []));

describe("planInit", () => {
  it("plans ci.yml and sluice.yml", () => {
    const plan = planInit(node);
    expect(plan.files.map((f) => f.path)).toEqual([".github/workflows/ci.yml", "sluice.yml"]);
    expect(plan.jobs).toEqual(["lint", "test", "build"]);
    expect(plan.summary).toBe("Node project (npm, Node 20; scripts: lint, test, build)");
  });

  it("writes a Node workflow with one job per script, build after the checks", () => {
    const wf = workflowOf(node);
    expect(wf.on).toEqual({ push: { branches: ["main"] }, pull_request: { branches: ["main"] } });
    expect(Object.keys(wf.jobs)).toEqual(["lint", "test", "build"]);
    expect(wf.jobs.build?.needs).toEqual(["lint", "test"]);
    for (const job of Object.values(wf.jobs)) {
      expect(job["runs-on"]).toBe("ubuntu-latest");
      expect(uses(job.steps).slice(0, 2)).toEqual(["actions/checkout@v4", "actions/setup-node@v4"]);
      expect(job.steps[1]?.with).toEqual({ "node-version": "20", cache: "npm" });
      expect(runs(job.steps)[0]).toBe("npm ci");
    }
    expect(runs(wf.jobs.lint?.steps ?? [])).toContain("npm run lint");
    expect(runs(wf.jobs.build?.steps ?? [])).toContain("npm run build");
    const upload = wf.jobs.test?.steps.find((s) => s.uses === "actions/upload-artifact@v4");
    expect(upload).toMatchObject({ if: "always()", with: { name: "coverage", path: "coverage/" } });
  });

  it("enables corepack for pnpm and keeps only an install job when there are no scripts", () => {
    const wf = workflowOf({
      ...node,
      packageManager: "pnpm",
      installCommand: "pnpm install",
      lockfile: false,
      scripts: [],
    });
    expect(Object.keys(wf.jobs)).toEqual(["build"]);
    const steps = wf.jobs.build?.steps ?? [];
    expect(runs(steps)).toEqual(["corepack enable", "pnpm install"]);
    expect(steps[1]?.with).toEqual({ "node-version": "20" });
  });

  it("writes a Python workflow: linter alone, pytest with Cobertura coverage, versions as strings", () => {
    const wf = workflowOf(python);
    expect(wf.on.push).toEqual({ branches: ["trunk"] });
    // Not buildable: the checks are the whole pipeline.
    expect(Object.keys(wf.jobs)).toEqual(["lint", "test"]);
    const lint = wf.jobs.lint?.steps ?? [];
    expect(uses(lint)).toEqual(["actions/checkout@v4", "actions/setup-python@v5"]);
    expect(lint[1]?.with).toEqual({ "python-version": "3.10" });
    expect(runs(lint)).toEqual(["pip install ruff", "ruff check ."]);
    const test = wf.jobs.test?.steps ?? [];
    expect(runs(test)[0]).toBe("python -m pip install --upgrade pip\npip install -r requirements.txt");
    expect(runs(test)).toContain("python -m pytest --cov --cov-report=xml:coverage.xml");
    expect(test.at(-1)).toMatchObject({ uses: "actions/upload-artifact@v4", with: { path: "coverage.xml" } });
  });

  it("builds a distribution for buildable Python projects", () => {
    const wf = workflowOf({ ...python, buildable: true });
    expect(wf.jobs.build?.needs).toEqual(["lint", "test"]);
    expect(runs(wf.jobs.build?.steps ?? [])).toContain("pip install build\npython -m build");
  });

  it("writes a placeholder workflow for other repositories", () => {
    const plan = planInit({ kind: "generic", defaultBranch: "main", warnings: ["w"] });
    expect(plan.warnings).toEqual(["w"]);
    const wf = workflowOf({ kind: "generic", defaultBranch: "main", warnings: [] });
    expect(Object.keys(wf.jobs)).toEqual(["build"]);
    expect(runs(wf.jobs.build?.steps ?? [])[0]).toMatch(/^echo /);
  });
});

describe("the generated sluice.yml", () => {
  it("is valid and equals the defaults as written", async () => {
    const file = planInit(node).files.find((f) => f.path === "sluice.yml");
    expect(file?.content).toMatch(/schema\/sluice\.schema\.json/);
    expect(await parseConfig(file?.content ?? "", "sluice.yml")).toEqual(defaultConfig());
  });

  it("stays valid with every example uncommented", async () => {
    const text = renderSluiceConfig({ uncommented: true });
    expect(Object.keys(parse(text) as object)).toEqual([
      "version",
      "workflows",
      "run",
      "store",
      "secrets",
      "vars",
      "env",
    ]);
    const config = await parseConfig(text, "sluice.yml");
    expect(config.workflows).toEqual(defaultConfig().workflows);
    expect(config.store).toEqual(defaultConfig().store);
    expect(config.run.timeoutMinutes).toBe(defaultConfig().run.timeoutMinutes);
  });
});

describe("generated workflows pass the workflow loader", () => {
  const generic: DetectedProject = {
    kind: "generic",
    defaultBranch: "main",
    warnings: [],
  } as DetectedProject;
  for (const project of [node, python, generic]) {
    it(`${project.kind}: GitHub's parser and Sluice's rules accept ci.yml`, async () => {
      const { parseWorkflowText } = await import("../workflow/load");
      for (const file of planInit(project).files.filter(
        (f) => f.path.endsWith(".yml") && f.path.includes("workflows"),
      )) {
        const parsed = await parseWorkflowText(file.content, file.path, `/repo/${file.path}`);
        expect(parsed.problems).toEqual([]);
        expect(parsed.workflow?.jobs.length).toBeGreaterThan(0);
      }
    });
  }
});
