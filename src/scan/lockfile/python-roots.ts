/** Marks a Python graph's direct dependencies from a manifest (pyproject.toml, Pipfile). */
import { normalizePypiName } from "./common";
import type { GraphBuilder, RootKind } from "./graph-builder";
import type { ManifestDeps } from "./manifest";

/** `byName`: normalised name → ids of the locked versions of it. */
export function markPythonRoots(
  builder: GraphBuilder,
  manifest: ManifestDeps,
  byName: Map<string, string[]>,
): void {
  const kinds: [string[], RootKind][] = [
    [manifest.prod, "prod"],
    [manifest.dev, "dev"],
    [manifest.optional, "optional"],
  ];
  for (const [names, kind] of kinds) {
    for (const name of names)
      for (const id of byName.get(normalizePypiName(name)) ?? []) builder.direct(id, kind);
  }
}

/** Adds `id` under its normalised name. */
export function indexByName(byName: Map<string, string[]>, name: string, id: string): void {
  const key = normalizePypiName(name);
  const ids = byName.get(key) ?? [];
  if (!ids.includes(id)) ids.push(id);
  byName.set(key, ids);
}
