/**
 * The CI workflow `sluice init` writes: plain GitHub Actions syntax, so it runs on GitHub as it is
 * and locally with `sluice run`. Built as data and serialized with the yaml package, so quoting
 * (a `python-version` of "3.10" must stay a string) is never hand-written.
 */
import { Document, isMap, isScalar, visit } from "yaml";
import type { DetectedProject, NodeProject, PythonProject } from "./types";

/** Where the workflow is written, relative to the repository root. */
export const WORKFLOW_PATH = ".github/workflows/ci.yml";

interface Step {
  name?: string;
  if?: string;
  uses?: string;
  with?: Record<string, string>;
  run?: string;
}

interface Job {
  name: string;
  needs?: string[];
  "runs-on": string;
  steps: Step[];
}

const checkout: Step = { uses: "actions/checkout@v4" };

// Coverage is kept even when tests fail: that is when it is most useful to look at.
function uploadCoverage(path: string): Step {
  return {
    name: "Upload coverage",
    if: "always()",
    uses: "actions/upload-artifact@v4",
    with: { name: "coverage", path, "if-no-files-found": "ignore" },
  };
}

/** The workflow for `project`, and the ids of its jobs in order. */
export function renderWorkflow(project: DetectedProject): { content: string; jobs: string[] } {
  const jobs =
    project.kind === "node"
      ? nodeJobs(project)
      : project.kind === "python"
        ? pythonJobs(project)
        : genericJobs();
  const workflow = {
    name: "CI",
    on: {
      push: { branches: [project.defaultBranch] },
      pull_request: { branches: [project.defaultBranch] },
    },
    permissions: { contents: "read" },
    jobs,
  };
  return { content: toYaml(workflow), jobs: Object.keys(jobs) };
}

function nodeJobs(project: NodeProject): Record<string, Job> {
  const pm = project.packageManager;
  const setup: Step[] = [
    checkout,
    {
      uses: "actions/setup-node@v4",
      // setup-node's cache needs the package manager before it runs, which only npm guarantees.
      with: {
        "node-version": project.nodeVersion,
        ...(pm === "npm" && project.lockfile ? { cache: "npm" } : {}),
      },
    },
    // Corepack provides the yarn or pnpm version that package.json's packageManager names.
    ...(pm === "npm" ? [] : [{ name: `Enable ${pm}`, run: "corepack enable" }]),
    { name: "Install dependencies", run: project.installCommand },
  ];
  const jobs: Record<string, Job> = {};
  if (project.scripts.includes("lint")) {
    jobs.lint = job("Lint", [...setup, { name: "Lint", run: `${pm} run lint` }]);
  }
  if (project.scripts.includes("test")) {
    jobs.test = job("Test", [...setup, { name: "Test", run: `${pm} run test` }, uploadCoverage("coverage/")]);
  }
  const buildSteps = project.scripts.includes("build") ? [{ name: "Build", run: `${pm} run build` }] : [];
  // With no scripts at all, installing the dependencies is still a useful check.
  if (buildSteps.length > 0 || Object.keys(jobs).length === 0) {
    jobs.build = job("Build", [...setup, ...buildSteps], Object.keys(jobs));
  }
  return jobs;
}

function pythonJobs(project: PythonProject): Record<string, Job> {
  const setupPython: Step[] = [
    checkout,
    { uses: "actions/setup-python@v5", with: { "python-version": project.pythonVersion } },
  ];
  const install: Step[] = [{ name: "Install dependencies", run: project.installCommands.join("\n") }];
  const jobs: Record<string, Job> = {};
  if (project.linter) {
    const command = project.linter === "ruff" ? "ruff check ." : "flake8 .";
    // The linter alone is enough to lint: no need to install the project and its dependencies.
    jobs.lint = job("Lint", [
      ...setupPython,
      { name: `Install ${project.linter}`, run: `pip install ${project.linter}` },
      { name: "Lint", run: command },
    ]);
  }
  if (project.pytest) {
    jobs.test = job("Test", [
      ...setupPython,
      ...install,
      { name: "Install pytest", run: "pip install pytest pytest-cov" },
      { name: "Test", run: "python -m pytest --cov --cov-report=xml:coverage.xml" },
      uploadCoverage("coverage.xml"),
    ]);
  }
  if (project.buildable || Object.keys(jobs).length === 0) {
    const build: Step[] = project.buildable
      ? [{ name: "Build", run: "pip install build\npython -m build" }]
      : [];
    jobs.build = job("Build", [...setupPython, ...install, ...build], Object.keys(jobs));
  }
  return jobs;
}

function genericJobs(): Record<string, Job> {
  return {
    build: job("Build", [
      checkout,
      {
        name: "Build and test",
        run: 'echo "Replace this step with the commands that build and test the project."',
      },
    ]),
  };
}

function job(name: string, steps: Step[], needs: string[] = []): Job {
  return { name, ...(needs.length > 0 ? { needs } : {}), "runs-on": "ubuntu-latest", steps };
}

function toYaml(workflow: object): string {
  // Jobs share step objects; without this the yaml package would write them as anchors and aliases.
  const doc = new Document(workflow, { aliasDuplicateObjects: false });
  doc.commentBefore =
    " CI workflow written by `sluice init`. It is plain GitHub Actions syntax: it runs on GitHub as it is,\n" +
    " and on this machine with `sluice run`.";
  visit(doc, {
    // Short lists of plain values read better inline: `branches: [main]`, `needs: [lint, test]`.
    Seq(_, node) {
      if (node.items.every((item) => isScalar(item) && !String(item.value).includes("\n"))) node.flow = true;
    },
  });
  // Blank lines between top-level keys and between jobs, as people write workflows by hand.
  for (const map of [doc.contents, doc.get("jobs", true)]) {
    if (!isMap(map)) continue;
    for (const pair of map.items.slice(1)) if (isScalar(pair.key)) pair.key.spaceBefore = true;
  }
  return doc.toString({ lineWidth: 0, flowCollectionPadding: false });
}
