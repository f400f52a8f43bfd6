/** What `sluice init` detects about a repository, and what it plans to write. */

/** A snapshot of the repository root: the few files detection looks at, read up front. */
export interface RepoSnapshot {
  /** Names of the entries at the repository root; directories end with `/`. */
  entries: readonly string[];
  /** Text of the relevant files that exist, by path relative to the root (e.g. `package.json`, `.git/HEAD`). */
  files: Readonly<Record<string, string>>;
}

export type PackageManager = "npm" | "yarn" | "pnpm";

/** The package.json scripts that become CI jobs, in job order. */
export type NodeScript = "lint" | "test" | "build";

interface DetectedBase {
  /** Branch that `push` and `pull_request` trigger on. */
  defaultBranch: string;
  /** Things the user should know about the generated files (a missing lockfile, a guess made). */
  warnings: string[];
}

export interface NodeProject extends DetectedBase {
  kind: "node";
  packageManager: PackageManager;
  /** The install command, e.g. `npm ci` or `pnpm install --frozen-lockfile`. */
  installCommand: string;
  /** Value for `actions/setup-node`'s `node-version`. */
  nodeVersion: string;
  /** Scripts present in package.json that become jobs. */
  scripts: NodeScript[];
  /** True when a lockfile exists (enables setup-node's npm cache). */
  lockfile: boolean;
}

export interface PythonProject extends DetectedBase {
  kind: "python";
  /** Value for `actions/setup-python`'s `python-version`. */
  pythonVersion: string;
  /** Commands that install the project and its dependencies, in order. */
  installCommands: string[];
  linter: "ruff" | "flake8" | null;
  /** True when pytest is configured, declared or there is a tests directory. */
  pytest: boolean;
  /** True when the project can be built into a distribution (pyproject build-system or setup.py). */
  buildable: boolean;
}

export interface GenericProject extends DetectedBase {
  kind: "generic";
}

export type DetectedProject = NodeProject | PythonProject | GenericProject;

/** A file `sluice init` writes. */
export interface PlannedFile {
  /** Path relative to the repository root, with `/` separators. */
  path: string;
  content: string;
}

/** Everything `sluice init` will do, computed without I/O. */
export interface InitPlan {
  files: PlannedFile[];
  /** Ids of the jobs in the generated workflow, in order. */
  jobs: string[];
  /** One line describing what was detected, e.g. `Node project (npm, Node 20; scripts: lint, test)`. */
  summary: string;
  warnings: string[];
}
