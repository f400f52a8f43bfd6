/**
 * Dependency graphs → one inventory both SBOM writers render: packages merged across lockfiles by
 * package URL (a monorepo's lockfiles share most packages), each with its checksums, classified
 * licence and sorted dependencies, so the two documents describe exactly the same thing.
 */
import { normalizeLicense, type NormalizedLicense } from "../license/normalize";
import type { DependencyGraph, PackageNode } from "../types";
import { parseIntegrity, type PackageHash } from "./hashes";
import type { SbomMeta } from "./types";

export interface InventoryPackage {
  /** The package URL; unique in the inventory and used as CycloneDX bom-ref. */
  ref: string;
  ecosystem: PackageNode["ecosystem"];
  name: string;
  version: string;
  /** Direct in at least one graph. */
  direct: boolean;
  /** Development-only in every graph that has it (one runtime use makes it a runtime package). */
  dev: boolean;
  /** Optional in every graph that has it. */
  optional: boolean;
  hashes: PackageHash[];
  /** Where the package was fetched from, credentials removed; undefined when not a public URL. */
  download?: string;
  license: NormalizedLicense;
  /** Refs of its dependencies, sorted. */
  dependencies: string[];
}

export interface InventoryProject {
  name: string;
  version: string;
  ecosystem?: PackageNode["ecosystem"];
  purl?: string;
}

/** A project in another folder than the root's: a monorepo's service, an example, a tool. */
export interface InventorySubproject extends InventoryProject {
  /** The folder of its lockfiles, relative to the scanned root. */
  dir: string;
  /** Refs of its own direct dependencies, sorted. */
  direct: string[];
}

export interface Inventory {
  root: InventoryProject;
  /** Sorted by ref. */
  packages: InventoryPackage[];
  /** Refs of the root's direct dependencies (those of the lockfiles in its folder), sorted. */
  direct: string[];
  /**
   * Lockfiles in other folders, one entry per folder, sorted by folder. Their packages are in
   * `packages`, but their direct dependencies are theirs, not the root's: as syft and
   * cyclonedx-npm do, only the root project's own manifest decides what the root depends on.
   */
  subprojects: InventorySubproject[];
}

/** Builds the inventory. Pure and deterministic: the order of graphs and map entries does not matter. */
export function buildInventory(graphs: DependencyGraph[], meta: Pick<SbomMeta, "component">): Inventory {
  const byRef = new Map<string, InventoryPackage>();
  const deps = new Map<string, Set<string>>();
  // Most packages declare one of a handful of licences: classify each text once.
  const licenses = new Map<string | undefined, NormalizedLicense>();
  const licenseOf = (raw: string | undefined) => {
    let license = licenses.get(raw);
    if (license === undefined) licenses.set(raw, (license = normalizeLicense(raw)));
    return license;
  };
  const top = topGraph(graphs);
  const rootDir = top === undefined ? "." : dirOf(top);
  // Folder → the refs its lockfiles name as direct.
  const directByDir = new Map<string, Set<string>>();
  for (const graph of graphs) {
    const refOf = (id: string) => graph.packages.get(id)?.purl;
    const direct = directByDir.get(dirOf(graph)) ?? new Set<string>();
    directByDir.set(dirOf(graph), direct);
    for (const node of graph.packages.values()) {
      const seen = byRef.get(node.purl);
      if (seen) {
        seen.direct ||= node.direct;
        seen.dev &&= node.dev;
        seen.optional &&= node.optional;
        if (seen.license.status === "none") seen.license = licenseOf(node.license);
        if (seen.hashes.length === 0) seen.hashes = parseIntegrity(node.integrity);
      } else {
        byRef.set(node.purl, toPackage(node, licenseOf(node.license)));
        deps.set(node.purl, new Set());
      }
      if (node.direct) direct.add(node.purl);
      for (const dep of node.dependencies) {
        const ref = refOf(dep);
        if (ref !== undefined && ref !== node.purl) deps.get(node.purl)!.add(ref);
      }
    }
  }
  const packages = [...byRef.values()].sort((a, b) => compare(a.ref, b.ref));
  for (const pkg of packages) pkg.dependencies = [...deps.get(pkg.ref)!].sort(compare);
  const subprojects = [...directByDir.keys()]
    .filter((dir) => dir !== rootDir)
    .sort(compare)
    .map((dir) => ({
      ...projectOf(graphs.filter((g) => dirOf(g) === dir)),
      dir,
      direct: [...directByDir.get(dir)!].sort(compare),
    }));
  return {
    root: rootOf(top, meta),
    packages,
    direct: [...(directByDir.get(rootDir) ?? [])].sort(compare),
    subprojects,
  };
}

function dirOf(graph: DependencyGraph): string {
  const slash = graph.lockfile.lastIndexOf("/");
  return slash < 0 ? "." : graph.lockfile.slice(0, slash);
}

/** The top-most lockfile (the repository's own), whatever the order given. */
function topGraph(graphs: DependencyGraph[]): DependencyGraph | undefined {
  const depth = (g: DependencyGraph) => g.lockfile.split("/").length;
  return [...graphs].sort((a, b) => depth(a) - depth(b) || compare(a.lockfile, b.lockfile))[0];
}

/** A subproject's identity: the first of its lockfiles that names the project, else its folder. */
function projectOf(graphs: DependencyGraph[]): InventoryProject {
  const named = [...graphs].sort((a, b) => compare(a.lockfile, b.lockfile)).find((g) => g.root.name !== "");
  if (named === undefined) return { name: dirOf(graphs[0]!), version: "" };
  const { name, version } = named.root;
  return { name, version, ecosystem: named.ecosystem, purl: packageUrl(named.ecosystem, name, version) };
}

function toPackage(node: PackageNode, license: NormalizedLicense): InventoryPackage {
  const pkg: InventoryPackage = {
    ref: node.purl,
    ecosystem: node.ecosystem,
    name: node.name,
    version: node.version,
    direct: node.direct,
    dev: node.dev,
    optional: node.optional,
    hashes: parseIntegrity(node.integrity),
    license,
    dependencies: [],
  };
  const download = publicUrl(node.resolved);
  if (download !== undefined) pkg.download = download;
  return pkg;
}

/** The project is the root of the top-most lockfile (the repository's own). */
function rootOf(first: DependencyGraph | undefined, meta: Pick<SbomMeta, "component">): Inventory["root"] {
  const name = meta.component?.name ?? first?.root.name ?? "";
  const version = meta.component?.version ?? first?.root.version ?? "";
  const root: Inventory["root"] = { name: name || "project", version };
  if (first !== undefined && name !== "") {
    root.ecosystem = first.ecosystem;
    root.purl = packageUrl(first.ecosystem, name, version);
  }
  return root;
}

/** A purl for the project itself, as the lockfile parsers write them for packages. */
export function packageUrl(ecosystem: PackageNode["ecosystem"], name: string, version: string): string {
  const at = version ? `@${encodeURIComponent(version)}` : "";
  if (ecosystem === "PyPI") return `pkg:pypi/${name.toLowerCase().replace(/[-_.]+/g, "-")}${at}`;
  const slash = name.startsWith("@") ? name.indexOf("/") : -1;
  const full =
    slash > 0
      ? `${encodeURIComponent(name.slice(0, slash))}/${encodeURIComponent(name.slice(slash + 1))}`
      : encodeURIComponent(name);
  return `pkg:npm/${full}${at}`;
}

/**
 * The download URL fit to publish: http(s) and git URLs only (a `file:` path means nothing
 * elsewhere), with any user name or token stripped — private registries put credentials there.
 */
export function publicUrl(resolved: string | undefined): string | undefined {
  if (resolved === undefined) return undefined;
  let url: URL;
  try {
    url = new URL(resolved);
  } catch {
    return undefined;
  }
  if (!/^(https?|git\+https|git\+ssh|git):$/.test(url.protocol)) return undefined;
  url.username = "";
  url.password = "";
  return url.href;
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
