/**
 * What the project itself lists (its direct dependencies), read from the manifest beside a
 * lockfile: package.json, pyproject.toml (Poetry, PEP 621, PEP 735 groups, uv) or Pipfile.
 * Manifests only refine a graph, so an unreadable one yields undefined rather than an error.
 */
import { parse as parseToml } from "smol-toml";
import { entries, isRecord, normalizePypiName, str } from "./common";

/** Direct dependency names by kind; PyPI names are normalised. */
export interface ManifestDeps {
  name?: string;
  version?: string;
  prod: string[];
  dev: string[];
  optional: string[];
  peer: string[];
  /** Declared range of each npm dependency (`^4.17.1`), which picks the entry in a yarn.lock. */
  ranges?: Map<string, string>;
}

function emptyDeps(): ManifestDeps {
  return { prod: [], dev: [], optional: [], peer: [] };
}

/** package.json → its dependency names; undefined when it is not a JSON object. */
export function readPackageJson(text: string): ManifestDeps | undefined {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!isRecord(doc)) return undefined;
  const deps = emptyDeps();
  deps.name = str(doc.name);
  deps.version = str(doc.version);
  deps.prod = entries(doc.dependencies).map(([k]) => k);
  deps.dev = entries(doc.devDependencies).map(([k]) => k);
  deps.optional = entries(doc.optionalDependencies).map(([k]) => k);
  deps.peer = entries(doc.peerDependencies).map(([k]) => k);
  deps.ranges = new Map();
  for (const field of ["peerDependencies", "optionalDependencies", "devDependencies", "dependencies"]) {
    for (const [name, range] of entries(doc[field]))
      if (typeof range === "string") deps.ranges.set(name, range);
  }
  return deps;
}

/** `name[extra] >=1 ; marker` (PEP 508) → normalised name. */
export function requirementName(requirement: string): string | undefined {
  const m = /^\s*([A-Za-z0-9](?:[A-Za-z0-9._-]*[A-Za-z0-9])?)/.exec(requirement);
  return m ? normalizePypiName(m[1]!) : undefined;
}

function requirementNames(list: unknown): string[] {
  if (!Array.isArray(list)) return [];
  return list.flatMap((r) => {
    const name = typeof r === "string" ? requirementName(r) : undefined;
    return name ? [name] : [];
  });
}

function tableNames(table: unknown): string[] {
  return entries(table)
    .map(([k]) => normalizePypiName(k))
    .filter((k) => k !== "python");
}

/**
 * pyproject.toml → direct dependencies from `[project]` (PEP 621), `[dependency-groups]` (PEP 735),
 * `[tool.uv] dev-dependencies` and Poetry's `[tool.poetry.*dependencies]` and groups. Groups other
 * than Poetry's `main` count as development dependencies.
 */
export function readPyproject(text: string): ManifestDeps | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch {
    return undefined;
  }
  const deps = emptyDeps();
  const project = isRecord(doc.project) ? doc.project : {};
  const tool = isRecord(doc.tool) ? doc.tool : {};
  const poetry = isRecord(tool.poetry) ? tool.poetry : {};
  const uv = isRecord(tool.uv) ? tool.uv : {};
  deps.name = str(project.name) ?? str(poetry.name);
  deps.version = str(project.version) ?? str(poetry.version);

  deps.prod.push(...requirementNames(project.dependencies), ...tableNames(poetry.dependencies));
  for (const [, list] of entries(project["optional-dependencies"]))
    deps.optional.push(...requirementNames(list));
  for (const [, list] of entries(doc["dependency-groups"])) deps.dev.push(...requirementNames(list));
  deps.dev.push(...requirementNames(uv["dev-dependencies"]), ...tableNames(poetry["dev-dependencies"]));
  for (const [group, table] of entries(poetry.group)) {
    const names = tableNames(isRecord(table) ? table.dependencies : undefined);
    (group === "main" ? deps.prod : deps.dev).push(...names);
  }
  return deps;
}

/** Pipfile → `[packages]` and `[dev-packages]`. */
export function readPipfile(text: string): ManifestDeps | undefined {
  let doc: Record<string, unknown>;
  try {
    doc = parseToml(text);
  } catch {
    return undefined;
  }
  const deps = emptyDeps();
  deps.prod = tableNames(doc.packages);
  deps.dev = tableNames(doc["dev-packages"]);
  return deps;
}
