/**
 * yarn.lock from Yarn 2+ ("berry"): YAML with a `__metadata` block. Entries are keyed by their
 * descriptors ("ms@npm:2.1.3, ms@npm:^2.1.1") and carry `version`, `resolution`, `checksum`,
 * `dependencies` and `dependenciesMeta`. Workspaces appear as `name@workspace:path` entries whose
 * dependencies are the project's direct ones; their dev flags come from each workspace's manifest.
 */
import type { DependencyGraph } from "../types";
import { entries, isRecord, lockfileError, splitAtVersion, str } from "./common";
import { GraphBuilder, type RootKind } from "./graph-builder";
import { readPackageJson, type ManifestDeps } from "./manifest";
import type { LockfileContext } from "./types";
import { parseLocatedYaml } from "./yaml-located";

interface BerryEntry {
  key: string;
  meta: Record<string, unknown>;
  line?: number;
  workspace?: string;
}

/** Parses a Yarn berry yarn.lock; an unreadable file throws SLUICE_E_LOCKFILE. */
export function parseYarnBerry(text: string, file: string, context: LockfileContext = {}): DependencyGraph {
  const yaml = parseLocatedYaml(text, file);
  const lock = yaml.value;
  if (!isRecord(lock) || !isRecord(lock.__metadata))
    throw lockfileError(file, "no __metadata: not a Yarn berry lockfile", 1, 1);
  const lines = yaml.keyLines("");
  const builder = new GraphBuilder("npm", file, {
    name: context.manifest?.name ?? "",
    version: context.manifest?.version ?? "",
  });

  const byDescriptor = new Map<string, BerryEntry>();
  const ids = new Map<BerryEntry, string>();
  for (const [key, meta] of Object.entries(lock)) {
    if (key === "__metadata") continue;
    const line = lines.get(key);
    if (!isRecord(meta)) throw lockfileError(file, `entry "${key}" is not a map`, line);
    const resolution = str(meta.resolution);
    const version = str(meta.version);
    const split = resolution ? splitAtVersion(resolution) : undefined;
    if (!split || !version) throw lockfileError(file, `entry "${key}" has no resolution or version`, line);
    const protocol = split.version.split(":")[0];
    const entry: BerryEntry = { key, meta, line };
    if (protocol === "workspace") entry.workspace = split.version.slice("workspace:".length);
    for (const d of key.split(/,\s*/)) byDescriptor.set(d.trim(), entry);
    // Local folders (link:, portal:, file: of a folder) are not packages an advisory can name.
    if (entry.workspace !== undefined || protocol === "link" || protocol === "portal") continue;
    const checksum = str(meta.checksum);
    ids.set(
      entry,
      builder.add({
        name: split.name,
        version,
        line,
        integrity: checksum ? [checksum] : undefined,
        resolved: resolution,
      }),
    );
  }

  const find = (name: string, range: string): BerryEntry | undefined =>
    byDescriptor.get(`${name}@${range}`) ?? byDescriptor.get(`${name}@npm:${range}`);
  for (const entry of byDescriptor.values()) {
    const from = ids.get(entry);
    const optional = new Set(
      entries(entry.meta.dependenciesMeta)
        .filter(([, m]) => isRecord(m) && m.optional === "true")
        .map(([k]) => k),
    );
    for (const [name, range] of entries(entry.meta.dependencies)) {
      if (typeof range !== "string") continue;
      const target = find(name, range);
      const to = target && ids.get(target);
      if (!to) continue;
      if (from) builder.edge(from, to, optional.has(name));
      else if (entry.workspace !== undefined)
        builder.direct(to, rootKind(name, optional, manifestOf(entry.workspace, context)));
    }
  }
  return builder.build();
}

function manifestOf(workspace: string, context: LockfileContext): ManifestDeps | undefined {
  if (workspace === "." || workspace === "") return context.manifest;
  const text = context.readFile?.(`${workspace}/package.json`);
  return text === undefined ? undefined : readPackageJson(text);
}

function rootKind(name: string, optional: Set<string>, manifest: ManifestDeps | undefined): RootKind {
  if (optional.has(name) || manifest?.optional.includes(name)) return "optional";
  // Berry merges devDependencies into a workspace's dependencies; only the manifest tells them apart.
  if (manifest?.dev.includes(name) && !manifest.prod.includes(name)) return "dev";
  return "prod";
}
