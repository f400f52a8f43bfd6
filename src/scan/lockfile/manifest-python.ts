/**
 * Python manifests beside a lockfile: pyproject.toml (Poetry, PEP 621, PEP 735 groups, uv) and
 * Pipfile. Apart from manifest.ts because they need the TOML parser, which only Python lockfiles
 * load.
 */
import { parse as parseToml } from "smol-toml";
import { entries, isRecord, normalizePypiName, str } from "./common";
import { emptyDeps, type ManifestDeps } from "./manifest";

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
  const doc = tomlOrUndefined(text);
  if (doc === undefined) return undefined;
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
  const doc = tomlOrUndefined(text);
  if (doc === undefined) return undefined;
  const deps = emptyDeps();
  deps.prod = tableNames(doc.packages);
  deps.dev = tableNames(doc["dev-packages"]);
  return deps;
}

/** A TOML document, or undefined when the text is not TOML (the manifest then adds nothing). */
function tomlOrUndefined(text: string): Record<string, unknown> | undefined {
  try {
    return parseToml(text);
  } catch {
    return undefined;
  }
}
