/**
 * Detecting a Python project from pyproject.toml, requirements files, setup.py and tool configs.
 * Pure. pyproject.toml is read with a line scanner for `[section]` headers and `key =` lines, which
 * is all detection needs and spares a TOML dependency.
 */
import type { PythonProject, RepoSnapshot } from "./types";

/** Python version used when nothing in the repository names one. */
export const DEFAULT_PYTHON_VERSION = "3.11";

/** The files whose presence makes a repository a Python project. */
export function isPythonProject(snapshot: RepoSnapshot): boolean {
  return (
    snapshot.entries.includes("pyproject.toml") ||
    snapshot.entries.includes("setup.py") ||
    requirementsFiles(snapshot).length > 0
  );
}

/** Root files named requirements*.txt, `requirements.txt` first. */
export function requirementsFiles(snapshot: RepoSnapshot): string[] {
  return snapshot.entries
    .filter((name) => /^requirements[\w.-]*\.txt$/.test(name))
    .sort((a, b) => (a === "requirements.txt" ? -1 : b === "requirements.txt" ? 1 : a.localeCompare(b)));
}

/** The Python project described by `snapshot`; call only when `isPythonProject` holds. */
export function detectPython(snapshot: RepoSnapshot, defaultBranch: string): PythonProject {
  const warnings: string[] = [];
  const pyproject = tomlSections(snapshot.files["pyproject.toml"] ?? "");
  const has = (name: string): boolean => snapshot.entries.includes(name);
  const section = (file: string, header: string): boolean =>
    new RegExp(`^\\s*\\[${header.replace(/[.[\]]/g, "\\$&")}\\]`, "m").test(snapshot.files[file] ?? "");
  // Every place a dependency can be declared, searched as text: good enough to spot a tool's name.
  const declarations = [...requirementsFiles(snapshot), "pyproject.toml", "setup.py", "setup.cfg"]
    .map((f) => snapshot.files[f] ?? "")
    .join("\n");
  const declares = (pkg: string): boolean =>
    new RegExp(`(^|[\\s"'\\[,])${pkg}([\\s"'<>=!~;\\[,\\]]|$)`, "im").test(declarations);

  const buildable = has("setup.py") || pyproject.has("build-system");
  const installable = buildable || pyproject.has("project") || pyproject.has("tool.poetry");
  const linter =
    pyproject.hasPrefix("tool.ruff") || has("ruff.toml") || has(".ruff.toml") || declares("ruff")
      ? "ruff"
      : has(".flake8") || section("setup.cfg", "flake8") || section("tox.ini", "flake8") || declares("flake8")
        ? "flake8"
        : null;
  const pytest =
    declares("pytest") ||
    pyproject.has("tool.pytest.ini_options") ||
    has("pytest.ini") ||
    has("conftest.py") ||
    section("setup.cfg", "tool:pytest") ||
    section("tox.ini", "pytest") ||
    has("tests/") ||
    has("test/");
  if (!pytest)
    warnings.push("no tests found (pytest config, tests/ directory); add a test job when there are tests");

  const installCommands = ["python -m pip install --upgrade pip"];
  for (const file of requirementsFiles(snapshot)) installCommands.push(`pip install -r ${file}`);
  if (installable) {
    const extras = (pyproject.keys.get("project.optional-dependencies") ?? []).filter((k) =>
      ["dev", "test", "tests", "testing"].includes(k),
    );
    installCommands.push(extras.length > 0 ? `pip install -e ".[${extras.join(",")}]"` : "pip install -e .");
  }
  if (pyproject.has("tool.poetry") && !pyproject.has("project")) {
    warnings.push(
      "Poetry dependency groups are not installed by pip; add them to the install step if tests need them",
    );
  }

  return {
    kind: "python",
    defaultBranch,
    warnings,
    pythonVersion: pythonVersionOf(snapshot, pyproject),
    installCommands,
    linter,
    pytest,
    buildable,
  };
}

function pythonVersionOf(snapshot: RepoSnapshot, pyproject: TomlSections): string {
  const pinned = (snapshot.files[".python-version"] ?? "")
    .split(/\r?\n/)
    .map((l) => l.trim())
    .find((l) => l !== "" && !l.startsWith("#"));
  if (pinned && /^\d+\.\d+(\.\d+)?$/.test(pinned)) return pinned;
  const requires = pyproject.values.get("project.requires-python");
  if (requires && onlyLowerBounds(requires)) return "3.x";
  const minimum = requires ? /(?:>=|~=|==)\s*(\d+\.\d+)/.exec(requires)?.[1] : undefined;
  return minimum ?? DEFAULT_PYTHON_VERSION;
}

/**
 * `>=3.10` (or `>=3.10,<4`) accepts any later Python 3: the workflow asks for the newest, "3.x", which
 * setup-python resolves on GitHub and a host's Python 3 satisfies under `sluice run`. Pinning the
 * minimum instead would fail on every host without that exact minor.
 */
function onlyLowerBounds(requires: string): boolean {
  return requires
    .split(",")
    .map((c) => c.trim())
    .every((c) => /^>=?\s*3(\.\d+)*$/.test(c) || /^<\s*4(\.0)*$/.test(c));
}

interface TomlSections {
  has(section: string): boolean;
  hasPrefix(prefix: string): boolean;
  /** Keys defined directly in each section. */
  keys: Map<string, string[]>;
  /** String values by `section.key`, quotes removed. */
  values: Map<string, string>;
}

function tomlSections(text: string): TomlSections {
  const keys = new Map<string, string[]>();
  const values = new Map<string, string>();
  let current = "";
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[\[?\s*([^\]]+?)\s*\]\]?/.exec(line);
    if (header?.[1]) {
      current = header[1].replace(/\s*\.\s*/g, ".").replace(/["']/g, "");
      if (!keys.has(current)) keys.set(current, []);
      continue;
    }
    const entry = /^([A-Za-z0-9_.-]+|"[^"]+")\s*=\s*(.*)$/.exec(line);
    if (!entry?.[1]) continue;
    const key = entry[1].replace(/"/g, "");
    keys.get(current)?.push(key);
    const value = /^["']([^"']*)["']/.exec(entry[2] ?? "")?.[1];
    if (value !== undefined) values.set(current === "" ? key : `${current}.${key}`, value);
  }
  return {
    has: (section) => keys.has(section),
    hasPrefix: (prefix) => [...keys.keys()].some((s) => s === prefix || s.startsWith(`${prefix}.`)),
    keys,
    values,
  };
}
