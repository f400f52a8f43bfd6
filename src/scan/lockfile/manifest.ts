/**
 * What the project itself lists (its direct dependencies), read from the manifest beside a
 * lockfile: package.json here; pyproject.toml and Pipfile in `manifest-python.ts`, which loads the
 * TOML parser (npm projects do not). Manifests only refine a graph, so an unreadable one yields
 * undefined rather than an error.
 */
import { entries, isRecord, str } from "./common";

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

export function emptyDeps(): ManifestDeps {
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
