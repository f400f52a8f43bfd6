/**
 * Pipfile.lock (pipenv): JSON with `default` and `develop` sections mapping names to
 * `{ version: "==1.2.3", hashes: [...] }`. It records no edges, so every package is as the Pipfile
 * lists it: direct when the Pipfile names it (all of them when there is no Pipfile), dev when it is
 * only in `develop`. Entries without a version (VCS, paths) become warnings.
 */
import type { DependencyGraph } from "../types";
import { entries, isRecord, lockfileError, str } from "./common";
import { GraphBuilder } from "./graph-builder";
import { parseLocatedJson } from "./located-json";
import { indexByName, markPythonRoots } from "./python-roots";
import type { LockfileContext } from "./types";

/** Parses Pipfile.lock; the Pipfile (in the context) says which packages are direct. */
export function parsePipfileLock(text: string, file: string, context: LockfileContext = {}): DependencyGraph {
  const doc = parseLocatedJson(text, file);
  const lock = doc.value;
  if (!isRecord(lock) || !(isRecord(lock.default) || isRecord(lock.develop))) {
    throw lockfileError(file, "no default or develop section: not a Pipfile.lock", 1, 1);
  }
  const builder = new GraphBuilder("PyPI", file, { name: "", version: "" });
  const byName = new Map<string, string[]>();
  const prodNames = new Set(entries(lock.default).map(([name]) => name.toLowerCase()));
  for (const section of ["default", "develop"] as const) {
    for (const [name, meta] of entries(lock[section])) {
      const line = doc.lineOf(meta);
      if (!isRecord(meta))
        throw lockfileError(file, `${section}.${name} is not an object`, doc.lineOf(lock[section]));
      const pinned = /^===?\s*(\S+)$/.exec(str(meta.version) ?? "");
      if (!pinned) {
        builder.warn(
          `${name} has no pinned version (VCS, path or editable); it is not matched against advisories`,
          line,
        );
        continue;
      }
      const hashes = Array.isArray(meta.hashes)
        ? meta.hashes.filter((h): h is string => typeof h === "string")
        : [];
      const dev = section === "develop" && !prodNames.has(name.toLowerCase());
      const id = builder.add({
        name,
        version: pinned[1]!,
        line,
        integrity: hashes.length ? hashes : undefined,
        dev,
        optional: false,
      });
      indexByName(byName, name, id);
    }
  }
  if (context.manifest) {
    markPythonRoots(builder, context.manifest, byName);
  } else {
    for (const ids of byName.values())
      for (const id of ids) builder.direct(id, prodNames.size > 0 ? "prod" : "dev");
  }
  return builder.build();
}
