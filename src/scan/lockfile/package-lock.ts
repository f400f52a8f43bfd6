/**
 * npm's package-lock.json and npm-shrinkwrap.json (same format). v2/v3 list every installed folder
 * under `packages` ("node_modules/a/node_modules/b"); edges follow Node's resolution, walking up
 * the node_modules folders. v1 nests `dependencies` and names edges in `requires`. Workspaces
 * (`link: true` to a folder) are projects: their dependencies are direct, they are not packages.
 */
import type { DependencyGraph } from "../types";
import { entries, isRecord, lockfileError, str, stringMap } from "./common";
import { GraphBuilder, type RootKind } from "./graph-builder";
import { parseLocatedJson, type LocatedJson } from "./located-json";
import type { LockfileContext } from "./types";

/** Parses package-lock.json or npm-shrinkwrap.json (lockfileVersion 1, 2 or 3). */
export function parsePackageLock(text: string, file: string, context: LockfileContext = {}): DependencyGraph {
  const doc = parseLocatedJson(text, file);
  const lock = doc.value;
  if (!isRecord(lock)) throw lockfileError(file, "expected a JSON object", 1, 1);
  const root = { name: str(lock.name) ?? context.manifest?.name ?? "", version: str(lock.version) ?? "" };
  const builder = new GraphBuilder("npm", file, root);
  if (isRecord(lock.packages)) readPackages(lock.packages, doc, builder, file);
  else if (isRecord(lock.dependencies)) readNested(lock.dependencies, doc, builder, file, context);
  else if (lock.lockfileVersion === undefined)
    throw lockfileError(file, "no lockfileVersion: not a package-lock", 1, 1);
  return builder.build();
}

const PROJECT_FIELDS: [string, RootKind][] = [
  ["dependencies", "prod"],
  ["devDependencies", "dev"],
  ["optionalDependencies", "optional"],
  ["peerDependencies", "peer"],
];

function nameFromPath(path: string): string {
  const at = path.lastIndexOf("node_modules/");
  return path.slice(at + "node_modules/".length);
}

/** The folder Node searches next: "node_modules/a/node_modules/b" → "node_modules/a" → "". */
function parentFolder(path: string): string {
  const at = path.lastIndexOf("/node_modules/");
  return at >= 0 ? path.slice(0, at) : "";
}

function readPackages(
  packages: Record<string, unknown>,
  doc: LocatedJson,
  builder: GraphBuilder,
  file: string,
): void {
  const ids = new Map<string, string>();
  const projects = new Set<string>([""]);
  for (const [path, meta] of Object.entries(packages)) {
    if (!isRecord(meta))
      throw lockfileError(file, `packages["${path}"] is not an object`, doc.lineOf(packages));
    if (path !== "" && !path.includes("node_modules/")) projects.add(path);
  }
  for (const [path, meta] of Object.entries(packages) as [string, Record<string, unknown>][]) {
    if (projects.has(path) || meta.link === true) continue;
    const version = str(meta.version);
    if (!version) {
      throw lockfileError(file, `packages["${path}"] has no version`, doc.lineOf(meta));
    }
    const id = builder.add({
      name: str(meta.name) ?? nameFromPath(path),
      version,
      line: doc.lineOf(meta),
      integrity: str(meta.integrity) ? [meta.integrity as string] : undefined,
      resolved: str(meta.resolved),
      license: str(meta.license),
      dev: meta.dev === true,
      optional: meta.optional === true,
    });
    ids.set(path, id);
  }

  const resolve = (from: string, name: string): string | undefined => {
    for (let base = from; ; base = parentFolder(base)) {
      const candidate = `${base === "" ? "" : base + "/"}node_modules/${name}`;
      const meta = packages[candidate];
      if (isRecord(meta)) return meta.link === true ? undefined : ids.get(candidate);
      if (base === "") return undefined;
    }
  };

  for (const [path, id] of ids) {
    const meta = packages[path] as Record<string, unknown>;
    const optionalPeers = new Set(
      entries(meta.peerDependenciesMeta)
        .filter(([, m]) => isRecord(m) && m.optional === true)
        .map(([k]) => k),
    );
    for (const name of stringMap(meta.dependencies).keys()) link(builder, id, resolve(path, name), false);
    for (const name of stringMap(meta.optionalDependencies).keys())
      link(builder, id, resolve(path, name), true);
    for (const name of stringMap(meta.peerDependencies).keys())
      link(builder, id, resolve(path, name), optionalPeers.has(name));
  }
  for (const path of projects) {
    const meta = packages[path];
    if (!isRecord(meta)) continue;
    for (const [field, kind] of PROJECT_FIELDS) {
      for (const name of stringMap(meta[field]).keys()) {
        const to = resolve(path, name);
        if (to) builder.direct(to, kind);
      }
    }
  }
}

function link(builder: GraphBuilder, from: string, to: string | undefined, optional: boolean): void {
  if (to) builder.edge(from, to, optional);
}

/** lockfileVersion 1: nested `dependencies`, edges named in `requires`. */
function readNested(
  top: Record<string, unknown>,
  doc: LocatedJson,
  builder: GraphBuilder,
  file: string,
  context: LockfileContext,
): void {
  interface Scope {
    deps: Record<string, unknown>;
    parent?: Scope;
    ids: Map<string, string>;
  }
  const pending: { id: string; meta: Record<string, unknown>; scope: Scope }[] = [];
  const walk = (deps: Record<string, unknown>, parent: Scope | undefined, depth: number): Scope => {
    const scope: Scope = { deps, parent, ids: new Map() };
    if (depth > 200) throw lockfileError(file, "dependencies nested too deeply", doc.lineOf(deps));
    for (const [name, meta] of Object.entries(deps)) {
      if (!isRecord(meta))
        throw lockfileError(file, `dependency "${name}" is not an object`, doc.lineOf(deps));
      const version = str(meta.version);
      if (!version) throw lockfileError(file, `dependency "${name}" has no version`, doc.lineOf(meta));
      // A `file:` version is a linked folder (a workspace), not a package from a registry.
      if (version.startsWith("file:")) continue;
      const id = builder.add({
        name,
        version,
        line: doc.lineOf(meta),
        integrity: str(meta.integrity) ? [meta.integrity as string] : undefined,
        resolved: str(meta.resolved),
        dev: meta.dev === true,
        optional: meta.optional === true,
      });
      scope.ids.set(name, id);
      const child = isRecord(meta.dependencies) ? walk(meta.dependencies, scope, depth + 1) : scope;
      pending.push({ id, meta, scope: child });
    }
    return scope;
  };
  const rootScope = walk(top, undefined, 0);

  const resolve = (scope: Scope | undefined, name: string): string | undefined => {
    for (let s = scope; s; s = s.parent) {
      const id = s.ids.get(name);
      if (id) return id;
    }
    return undefined;
  };
  for (const { id, meta, scope } of pending) {
    for (const name of stringMap(meta.requires).keys()) link(builder, id, resolve(scope, name), false);
  }
  const manifest = context.manifest;
  if (!manifest) return;
  const kinds: [string[], RootKind][] = [
    [manifest.prod, "prod"],
    [manifest.dev, "dev"],
    [manifest.optional, "optional"],
    [manifest.peer, "peer"],
  ];
  for (const [names, kind] of kinds) {
    for (const name of names) {
      const id = rootScope.ids.get(name);
      if (id) builder.direct(id, kind);
    }
  }
}
