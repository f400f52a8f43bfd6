/**
 * Assembles a DependencyGraph from what a lockfile parser finds: packages (merged when a lockfile
 * lists one name@version at several places), edges, and the project's own (direct) dependencies.
 * Flags a lockfile does not record (dev, optional) are derived from reachability, as npm does:
 * dev when no production root reaches the package, optional when only optional edges do.
 */
import type { DependencyGraph, PackageNode } from "../types";
import { normalizePypiName, npmPurl, pypiPurl } from "./common";

/** How the project itself lists a direct dependency. */
export type RootKind = "prod" | "dev" | "optional" | "peer";

/** A package as a parser found it; flags are given only when the lockfile records them. */
export interface PackageDraft {
  name: string;
  version: string;
  line?: number;
  integrity?: string[];
  resolved?: string;
  license?: string;
  dev?: boolean;
  optional?: boolean;
}

interface Entry {
  node: PackageNode;
  /** Dependency id → whether every edge to it is optional. */
  edges: Map<string, boolean>;
  dev?: boolean;
  optional?: boolean;
  /** False once one occurrence did not record a flag: reachability decides then. */
  flagsRecorded: boolean;
}

export class GraphBuilder {
  private readonly entries = new Map<string, Entry>();
  private readonly roots = new Map<string, Set<RootKind>>();
  private readonly warnings: { message: string; line?: number }[] = [];

  constructor(
    private readonly ecosystem: "npm" | "PyPI",
    private readonly lockfile: string,
    private readonly root: { name: string; version: string },
  ) {}

  /** The graph id of a package: `name@version` (npm) or `normalised-name==version` (PyPI). */
  idOf(name: string, version: string): string {
    return this.ecosystem === "npm" ? `${name}@${version}` : `${normalizePypiName(name)}==${version}`;
  }

  has(id: string): boolean {
    return this.entries.has(id);
  }

  /** Adds a package, or merges a further occurrence of it; returns its id. */
  add(draft: PackageDraft): string {
    const name = this.ecosystem === "PyPI" ? normalizePypiName(draft.name) : draft.name;
    const id = this.idOf(name, draft.version);
    const recorded = draft.dev !== undefined || draft.optional !== undefined;
    const existing = this.entries.get(id);
    if (existing) {
      const n = existing.node;
      if (n.line === undefined || (draft.line !== undefined && draft.line < n.line)) n.line = draft.line;
      n.integrity ??= draft.integrity;
      n.resolved ??= draft.resolved;
      n.license ??= draft.license;
      // One name@version in several places: dev or optional only if every occurrence is.
      existing.dev = (existing.dev ?? false) && (draft.dev ?? false);
      existing.optional = (existing.optional ?? false) && (draft.optional ?? false);
      existing.flagsRecorded &&= recorded;
      return id;
    }
    const node: PackageNode = {
      id,
      ecosystem: this.ecosystem,
      name,
      version: draft.version,
      purl: this.ecosystem === "npm" ? npmPurl(name, draft.version) : pypiPurl(name, draft.version),
      direct: false,
      dev: false,
      optional: false,
      dependencies: [],
    };
    if (draft.integrity?.length) node.integrity = draft.integrity;
    if (draft.resolved) node.resolved = draft.resolved;
    if (draft.license) node.license = draft.license;
    if (draft.line !== undefined) node.line = draft.line;
    this.entries.set(id, {
      node,
      edges: new Map(),
      dev: draft.dev,
      optional: draft.optional,
      flagsRecorded: recorded,
    });
    return id;
  }

  /** Records that `from` depends on `to` (both ids already added); self-edges are ignored. */
  edge(from: string, to: string, optional = false): void {
    const entry = this.entries.get(from);
    if (!entry || from === to || !this.entries.has(to)) return;
    entry.edges.set(to, (entry.edges.get(to) ?? true) && optional);
  }

  /** Marks a package as listed by the project (or one of its workspaces). */
  direct(id: string, kind: RootKind): void {
    if (!this.entries.has(id)) return;
    const kinds = this.roots.get(id) ?? new Set<RootKind>();
    kinds.add(kind);
    this.roots.set(id, kinds);
  }

  warn(message: string, line?: number): void {
    this.warnings.push(line === undefined ? { message } : { message, line });
  }

  /**
   * Finishes the graph. Without any root (no manifest to say what the project lists), packages
   * that nothing else depends on are taken as the direct ones.
   */
  build(): DependencyGraph {
    if (this.roots.size === 0) this.inferRoots();
    const prod = this.reach(
      (kinds) => kinds.has("prod") || kinds.has("optional") || kinds.has("peer"),
      false,
    );
    const required = this.reach((kinds) => kinds.has("prod") || kinds.has("dev") || kinds.has("peer"), true);
    const any = this.reach(() => true, false);

    const packages = new Map<string, PackageNode>();
    for (const id of [...this.entries.keys()].sort()) {
      const entry = this.entries.get(id)!;
      const node = entry.node;
      node.direct = this.roots.has(id);
      node.dependencies = [...entry.edges.keys()].sort();
      if (entry.flagsRecorded) {
        node.dev = entry.dev ?? false;
        node.optional = entry.optional ?? false;
      } else {
        node.dev = any.has(id) && !prod.has(id);
        node.optional = any.has(id) && !required.has(id);
      }
      packages.set(id, node);
    }
    const graph: DependencyGraph = {
      ecosystem: this.ecosystem,
      lockfile: this.lockfile,
      root: this.root,
      packages,
    };
    if (this.warnings.length > 0) graph.warnings = this.warnings;
    return graph;
  }

  private inferRoots(): void {
    const dependedOn = new Set<string>();
    for (const entry of this.entries.values()) for (const to of entry.edges.keys()) dependedOn.add(to);
    for (const id of this.entries.keys()) if (!dependedOn.has(id)) this.direct(id, "prod");
  }

  /** Ids reachable from the roots `start` selects, optionally through required edges only. */
  private reach(start: (kinds: Set<RootKind>) => boolean, requiredOnly: boolean): Set<string> {
    const seen = new Set<string>();
    const queue: string[] = [];
    for (const [id, kinds] of this.roots) if (start(kinds)) queue.push(id);
    while (queue.length > 0) {
      const id = queue.pop()!;
      if (seen.has(id)) continue;
      seen.add(id);
      for (const [to, optional] of this.entries.get(id)?.edges ?? []) {
        if (!(requiredOnly && optional) && !seen.has(to)) queue.push(to);
      }
    }
    return seen;
  }
}
