/**
 * pnpm-lock.yaml, lockfile versions 5.x, 6.0 and 9.0. Importers (the root project and workspace
 * folders) list direct dependencies; v5/v6 keep each package's edges and `dev`/`optional` flags
 * under `packages` ("/name@1.0.0(peer@2.0.0)"), v9 splits metadata (`packages`) from the resolved
 * edges (`snapshots`, keyed with their peer suffixes) and records no dev flag, so reachability
 * decides it.
 */
import type { DependencyGraph } from "../types";
import { entries, isRecord, lockfileError, splitAtVersion, str } from "./common";
import { GraphBuilder, type RootKind } from "./graph-builder";
import type { LockfileContext } from "./types";
import { parseLocatedYaml } from "./yaml-located";

interface Snapshot {
  deps: [string, string][];
  optionalDeps: [string, string][];
  meta: Record<string, unknown>;
  line?: number;
}

const IMPORTER_FIELDS: [string, RootKind][] = [
  ["dependencies", "prod"],
  ["devDependencies", "dev"],
  ["optionalDependencies", "optional"],
];

/** Parses pnpm-lock.yaml into a graph; an unreadable file throws SLUICE_E_LOCKFILE. */
export function parsePnpmLock(text: string, file: string, context: LockfileContext = {}): DependencyGraph {
  const yaml = parseLocatedYaml(text, file);
  const lock = yaml.value;
  if (!isRecord(lock) || lock.lockfileVersion === undefined) {
    throw lockfileError(file, "no lockfileVersion: not a pnpm lockfile", 1, 1);
  }
  const major = Number.parseFloat(String(lock.lockfileVersion).replace(/^'|'$/g, ""));
  if (!Number.isFinite(major))
    throw lockfileError(file, `unknown lockfileVersion ${String(lock.lockfileVersion)}`, 1, 1);
  const builder = new GraphBuilder("npm", file, {
    name: context.manifest?.name ?? "",
    version: context.manifest?.version ?? "",
  });

  const snapshots = collectSnapshots(lock, major, yaml.keyLines("packages"));
  const ids = new Map<string, string>();
  for (const [key, snap] of snapshots) {
    const base = splitAtVersion(stripPeers(key));
    if (!base) throw lockfileError(file, `package key "${key}" names no version`, snap.line);
    const resolution = isRecord(snap.meta.resolution) ? snap.meta.resolution : {};
    const recorded = major < 9;
    ids.set(
      key,
      builder.add({
        name: str(snap.meta.name) ?? base.name,
        version: str(snap.meta.version) ?? base.version,
        line: snap.line,
        integrity: str(resolution.integrity) ? [resolution.integrity as string] : undefined,
        resolved: str(resolution.tarball),
        dev: recorded ? snap.meta.dev === "true" : undefined,
        optional: recorded ? snap.meta.optional === "true" : undefined,
      }),
    );
  }

  const idFor = (name: string, ref: string): string | undefined => {
    const key = snapshotKey(name, ref, major, snapshots);
    return key === undefined ? undefined : ids.get(key);
  };
  for (const [key, snap] of snapshots) {
    const from = ids.get(key)!;
    for (const [name, ref] of snap.deps) {
      const to = idFor(name, ref);
      if (to) builder.edge(from, to, false);
    }
    for (const [name, ref] of snap.optionalDeps) {
      const to = idFor(name, ref);
      if (to) builder.edge(from, to, true);
    }
  }

  // Without `importers`, the lockfile's top level is the single importer.
  const importers = isRecord(lock.importers) ? Object.values(lock.importers) : [lock];
  for (const importer of importers) {
    if (!isRecord(importer)) continue;
    for (const [field, kind] of IMPORTER_FIELDS) {
      for (const [name, spec] of entries(importer[field])) {
        const ref = isRecord(spec) ? str(spec.version) : str(spec);
        const to = ref === undefined ? undefined : idFor(name, ref);
        if (to) builder.direct(to, kind);
      }
    }
  }
  return builder.build();
}

/** `name@1.0.0(peer@2.0.0)(other@3.0.0)` → `name@1.0.0`. */
function stripPeers(key: string): string {
  const paren = key.indexOf("(");
  return paren === -1 ? key : key.slice(0, paren);
}

/** v5 keys and references: `/@scope/name/1.0.0_peer@2.0.0` → `@scope/name@1.0.0`. */
function fromV5(path: string): string {
  const parts = path.replace(/^\//, "").split("/");
  const scoped = parts[0]?.startsWith("@") === true;
  const name = parts.slice(0, scoped ? 2 : 1).join("/");
  const version = (parts[scoped ? 2 : 1] ?? "").split("_")[0];
  return `${name}@${version}`;
}

function depPairs(value: unknown): [string, string][] {
  return entries(value).flatMap(([name, ref]) =>
    typeof ref === "string" ? [[name, ref] as [string, string]] : [],
  );
}

function collectSnapshots(
  lock: Record<string, unknown>,
  major: number,
  packageLines: Map<string, number>,
): Map<string, Snapshot> {
  const out = new Map<string, Snapshot>();
  const packages = new Map<string, { meta: Record<string, unknown>; line?: number }>();
  for (const [key, meta] of entries(lock.packages)) {
    packages.set(major < 6 ? fromV5(key) : key.replace(/^\//, ""), {
      meta: isRecord(meta) ? meta : {},
      line: packageLines.get(key),
    });
  }
  if (major >= 9 && isRecord(lock.snapshots)) {
    for (const [key, snap] of entries(lock.snapshots)) {
      const s = isRecord(snap) ? snap : {};
      const pkg = packages.get(stripPeers(key));
      out.set(key, {
        deps: depPairs(s.dependencies),
        optionalDeps: depPairs(s.optionalDependencies),
        meta: { ...pkg?.meta, ...s },
        line: pkg?.line,
      });
    }
    return out;
  }
  for (const [key, { meta, line }] of packages) {
    out.set(key, {
      deps: depPairs(meta.dependencies),
      optionalDeps: depPairs(meta.optionalDependencies),
      meta,
      line,
    });
  }
  return out;
}

/** The snapshot a dependency reference points at: a version, an alias, or a link (none). */
function snapshotKey(
  name: string,
  ref: string,
  major: number,
  snapshots: Map<string, Snapshot>,
): string | undefined {
  if (ref.startsWith("link:")) return undefined;
  const candidates =
    major < 6 ? [fromV5(`/${name}/${ref}`), fromV5(ref)] : [`${name}@${ref}`, ref.replace(/^\//, "")];
  return candidates.find((key) => snapshots.has(key));
}
