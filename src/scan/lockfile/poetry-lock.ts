/**
 * poetry.lock (lock-version 1.x and 2.x): `[[package]]` tables with name, version, `files` hashes,
 * `[package.dependencies]` (a constraint string, a table, or a list of them per marker) and, by
 * version, `category = "dev"` (1.x) or `groups = [...]` (2.1). Direct dependencies come from
 * pyproject.toml; path and directory packages are the project's own and are left out.
 */
import type { DependencyGraph } from "../types";
import { entries, isRecord, lockfileError, normalizePypiName, str } from "./common";
import { GraphBuilder } from "./graph-builder";
import { indexByName, markPythonRoots } from "./python-roots";
import { parseLocatedToml } from "./toml-located";
import type { LockfileContext } from "./types";

/** Parses poetry.lock; pyproject.toml (in the context) supplies the direct dependencies. */
export function parsePoetryLock(text: string, file: string, context: LockfileContext = {}): DependencyGraph {
  const { value, packageLines } = parseLocatedToml(text, file);
  if (!Array.isArray(value.package))
    throw lockfileError(file, "no [[package]] tables: not a poetry.lock", 1, 1);
  const builder = new GraphBuilder("PyPI", file, {
    name: context.manifest?.name ?? "",
    version: context.manifest?.version ?? "",
  });
  const byName = new Map<string, string[]>();
  const pending: { id: string; deps: unknown }[] = [];

  value.package.forEach((pkg: unknown, i) => {
    const line = packageLines[i];
    if (!isRecord(pkg)) throw lockfileError(file, "a [[package]] entry is not a table", line);
    const name = str(pkg.name);
    const version = str(pkg.version);
    if (!name || !version) throw lockfileError(file, "a [[package]] entry has no name or version", line);
    const source = isRecord(pkg.source) ? pkg.source : {};
    if (source.type === "directory" || source.type === "file") {
      builder.warn(
        `${name} is a local ${String(source.type)} package; it is not matched against advisories`,
        line,
      );
      return;
    }
    const groups = Array.isArray(pkg.groups)
      ? pkg.groups.filter((g): g is string => typeof g === "string")
      : undefined;
    const category = str(pkg.category);
    const recorded = groups !== undefined || category !== undefined;
    const hashes = (Array.isArray(pkg.files) ? pkg.files : []).flatMap((f) =>
      isRecord(f) && str(f.hash) ? [f.hash as string] : [],
    );
    const id = builder.add({
      name,
      version,
      line,
      integrity: hashes.length ? hashes : undefined,
      resolved: str(source.url),
      dev: recorded ? (groups ? !groups.includes("main") : category === "dev") : undefined,
      optional: recorded ? pkg.optional === true : undefined,
    });
    indexByName(byName, name, id);
    pending.push({ id, deps: pkg.dependencies });
  });

  for (const { id, deps } of pending) {
    for (const [name, spec] of entries(deps)) {
      const specs = Array.isArray(spec) ? spec : [spec];
      const optional = specs.every((s) => isRecord(s) && s.optional === true);
      for (const to of byName.get(normalizePypiName(name)) ?? []) builder.edge(id, to, optional);
    }
  }
  if (context.manifest) markPythonRoots(builder, context.manifest, byName);
  return builder.build();
}
