/**
 * uv.lock: `[[package]]` tables with a `source` (registry, git, url, or the project itself as
 * `editable`/`virtual`), `dependencies = [{ name, version?, marker? }]`, `optional-dependencies`
 * and `dev-dependencies` groups, and `sdist`/`wheels` hashes. The project's own packages (and
 * workspace members) are roots: their dependencies are direct, they are not packages themselves.
 */
import type { DependencyGraph } from "../types";
import { entries, isRecord, lockfileError, normalizePypiName, str } from "./common";
import { GraphBuilder, type RootKind } from "./graph-builder";
import { indexByName } from "./python-roots";
import { parseLocatedToml } from "./toml-located";
import type { LockfileContext } from "./types";

interface UvPackage {
  id?: string;
  table: Record<string, unknown>;
}

const LOCAL_SOURCES = ["editable", "virtual", "directory", "path"];

/** Parses uv.lock into a graph; an unreadable file throws SLUICE_E_LOCKFILE. */
export function parseUvLock(text: string, file: string, context: LockfileContext = {}): DependencyGraph {
  const { value, packageLines } = parseLocatedToml(text, file);
  if (!Array.isArray(value.package)) throw lockfileError(file, "no [[package]] tables: not a uv.lock", 1, 1);
  const builder = new GraphBuilder("PyPI", file, {
    name: context.manifest?.name ?? "",
    version: context.manifest?.version ?? "",
  });
  const byName = new Map<string, string[]>();
  const byNameVersion = new Map<string, string>();
  const packages: UvPackage[] = [];

  value.package.forEach((table: unknown, i) => {
    const line = packageLines[i];
    if (!isRecord(table)) throw lockfileError(file, "a [[package]] entry is not a table", line);
    const name = str(table.name);
    const version = str(table.version);
    if (!name) throw lockfileError(file, "a [[package]] entry has no name", line);
    const source = isRecord(table.source) ? table.source : {};
    if (LOCAL_SOURCES.some((k) => k in source)) {
      packages.push({ table });
      return;
    }
    if (!version) throw lockfileError(file, `package ${name} has no version`, line);
    const hashes = [table.sdist, ...(Array.isArray(table.wheels) ? table.wheels : [])].flatMap((a) =>
      isRecord(a) && str(a.hash) ? [a.hash as string] : [],
    );
    const id = builder.add({
      name,
      version,
      line,
      integrity: hashes.length ? hashes : undefined,
      resolved: str(source.url) ?? str(source.git),
    });
    indexByName(byName, name, id);
    byNameVersion.set(`${normalizePypiName(name)}==${version}`, id);
    packages.push({ id, table });
  });

  const targets = (dep: unknown): string[] => {
    if (!isRecord(dep) || !str(dep.name)) return [];
    const name = normalizePypiName(dep.name as string);
    const exact = str(dep.version) && byNameVersion.get(`${name}==${dep.version as string}`);
    return exact ? [exact] : (byName.get(name) ?? []);
  };
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);

  for (const { id, table } of packages) {
    const groups: [unknown[], RootKind, boolean][] = [
      [list(table.dependencies), "prod", false],
      ...entries(table["optional-dependencies"]).map(
        ([, deps]) => [list(deps), "optional", true] as [unknown[], RootKind, boolean],
      ),
      ...entries(table["dev-dependencies"]).map(
        ([, deps]) => [list(deps), "dev", false] as [unknown[], RootKind, boolean],
      ),
    ];
    for (const [deps, kind, optional] of groups) {
      for (const dep of deps) {
        for (const to of targets(dep)) {
          if (id) builder.edge(id, to, optional);
          else builder.direct(to, kind);
        }
      }
    }
  }
  return builder.build();
}
