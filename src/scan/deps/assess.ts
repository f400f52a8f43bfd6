/**
 * The pure core of the dependency scan: dependency graphs × advisories → findings. One finding per
 * (lockfile, package version, advisory), where records that alias each other (a GHSA and the PYSEC
 * or CVE it names) count as one advisory.
 */
import { createHash } from "node:crypto";
import { normalizePypiName } from "../lockfile/common";
import type { DependencyGraph, PackageNode, ScanFinding, ScanRule } from "../types";
import type { AdvisoryDatabase } from "./database";
import type { OsvRecord } from "./osv";
import { isAffected, lowestFix } from "./osv-match";
import { assessSeverity, maxSeverity, type SeverityAssessment } from "./severity";

export interface DependencyAssessment {
  findings: ScanFinding[];
  rules: ScanRule[];
  /** Packages with at least one finding. */
  vulnerablePackages: number;
}

/** GHSA ids first (they carry GitHub's review and CVSS), then PYSEC/others, CVE last. */
function idRank(id: string): number {
  if (id.startsWith("GHSA-")) return 0;
  if (id.startsWith("CVE-")) return 2;
  return 1;
}

function byRank(a: string, b: string): number {
  return idRank(a) - idRank(b) || (a < b ? -1 : a > b ? 1 : 0);
}

/** Groups records whose ids or aliases meet (union-find over the ids). */
function groupByAlias(records: OsvRecord[]): OsvRecord[][] {
  const parent = new Map<string, string>();
  const find = (x: string): string => {
    let root = x;
    while (parent.has(root) && parent.get(root) !== root) root = parent.get(root)!;
    parent.set(x, root);
    return root;
  };
  const union = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra, rb);
  };
  for (const r of records) {
    parent.set(r.id, find(r.id));
    for (const alias of r.aliases) union(r.id, alias);
  }
  const groups = new Map<string, OsvRecord[]>();
  for (const r of records) {
    const key = find(r.id);
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  return [...groups.values()];
}

/** Shortest chains from a direct dependency (production ones preferred) to each package. */
function shortestPaths(graph: DependencyGraph): Map<string, string[]> {
  const parents = new Map<string, string | undefined>();
  const direct = [...graph.packages.values()]
    .filter((p) => p.direct)
    .sort((a, b) => Number(a.dev) - Number(b.dev));
  const queue = direct.map((p) => p.id);
  for (const id of queue) parents.set(id, undefined);
  for (let i = 0; i < queue.length; i++) {
    for (const dep of graph.packages.get(queue[i]!)?.dependencies ?? []) {
      if (!parents.has(dep)) {
        parents.set(dep, queue[i]);
        queue.push(dep);
      }
    }
  }
  const paths = new Map<string, string[]>();
  for (const id of parents.keys()) {
    const chain: string[] = [];
    for (let at: string | undefined = id; at !== undefined; at = parents.get(at))
      chain.unshift(graph.packages.get(at)!.name);
    paths.set(id, chain);
  }
  return paths;
}

function fingerprint(...parts: string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("hex").slice(0, 32);
}

/** The first paragraph of Markdown details that is not a heading ("### Impact"). */
function firstParagraph(text: string | undefined): string | undefined {
  const paragraph = text
    ?.split(/\n\s*\n/)
    .map((p) => p.replace(/^#+ .*\n?/gm, "").trim())
    .find((p) => p !== "");
  return paragraph || undefined;
}

interface Group {
  primary: string;
  ids: string[];
  records: OsvRecord[];
  rating: SeverityAssessment;
  summary: string;
}

function describeGroup(records: OsvRecord[]): Group {
  const ids = [...new Set(records.flatMap((r) => [r.id, ...r.aliases]))].sort(byRank);
  const sorted = [...records].sort((a, b) => byRank(a.id, b.id));
  const ratings = sorted.map(assessSeverity);
  // The most severe rating wins; between equals, a scored one (it carries a vector) is kept.
  let rating = ratings[0]!;
  for (const r of ratings.slice(1)) {
    if (
      maxSeverity(r.severity, rating.severity) !== rating.severity ||
      (r.severity === rating.severity && rating.score === undefined && r.score !== undefined)
    )
      rating = r;
  }
  const summary =
    sorted.find((r) => r.summary)?.summary ??
    firstParagraph(sorted.find((r) => r.details)?.details) ??
    sorted[0]!.id;
  return { primary: ids[0]!, ids, records: sorted, rating, summary };
}

function findingFor(
  graph: DependencyGraph,
  pkg: PackageNode,
  group: Group,
  path: string[] | undefined,
): ScanFinding {
  const entries = group.records.flatMap((r) =>
    r.affected.filter((a) => a.ecosystem === pkg.ecosystem || a.ecosystem.startsWith(`${pkg.ecosystem}:`)),
  );
  const fixedIn = lowestFix(entries, pkg.version);
  const advice = fixedIn ? `upgrade to ${fixedIn}` : "no fixed version is known";
  const finding: ScanFinding = {
    kind: "deps",
    ruleId: group.primary,
    severity: group.rating.severity,
    message: `${pkg.name}@${pkg.version}: ${group.summary} (${group.ids.join(", ")}); ${advice}`,
    file: graph.lockfile,
    fingerprint: fingerprint("deps", group.primary, graph.lockfile, pkg.ecosystem, pkg.name, pkg.version),
    package: {
      ecosystem: pkg.ecosystem,
      name: pkg.name,
      version: pkg.version,
      direct: pkg.direct,
      advisories: group.ids,
    },
    properties: {
      summary: group.summary,
      purl: pkg.purl,
      dev: pkg.dev,
      severitySource: group.rating.source,
      ...(group.rating.vector ? { cvssVector: group.rating.vector, cvssScore: group.rating.score } : {}),
      ...(Object.keys(group.rating.vectors).length ? { cvssVectors: group.rating.vectors } : {}),
      url: `https://osv.dev/vulnerability/${group.primary}`,
    },
  };
  if (pkg.line !== undefined) finding.line = pkg.line;
  if (path) finding.package!.path = path;
  if (fixedIn) finding.package!.fixedIn = fixedIn;
  return finding;
}

/** Matches every package of every graph against the databases. Pure: no I/O, no clock. */
export function assessDependencies(
  graphs: DependencyGraph[],
  databases: AdvisoryDatabase[],
): DependencyAssessment {
  const findings: ScanFinding[] = [];
  const rules = new Map<string, ScanRule>();
  const vulnerable = new Set<string>();
  for (const graph of graphs) {
    let paths: Map<string, string[]> | undefined;
    for (const pkg of graph.packages.values()) {
      const candidates = new Map<string, OsvRecord>();
      for (const db of databases)
        for (const r of db.lookup(pkg.ecosystem, pkg.name)) if (!r.withdrawn) candidates.set(r.id, r);
      const matching = [...candidates.values()].filter((r) =>
        r.affected.some(
          (a) =>
            (a.ecosystem === pkg.ecosystem || a.ecosystem.startsWith(`${pkg.ecosystem}:`)) &&
            namesPackage(a.name, pkg) &&
            isAffected(a, pkg.version),
        ),
      );
      if (matching.length === 0) continue;
      vulnerable.add(`${graph.lockfile}\u0000${pkg.id}`);
      paths ??= shortestPaths(graph);
      for (const group of groupByAlias(matching)
        .map(describeGroup)
        .sort((a, b) => byRank(a.primary, b.primary))) {
        findings.push(findingFor(graph, pkg, group, paths.get(pkg.id)));
        const rule = rules.get(group.primary);
        rules.set(group.primary, {
          id: group.primary,
          name: group.summary,
          description: firstParagraph(group.records.find((r) => r.details)?.details) ?? group.summary,
          severity: rule ? maxSeverity(rule.severity, group.rating.severity) : group.rating.severity,
          helpUri: `https://osv.dev/vulnerability/${group.primary}`,
          tags: ["security", "vulnerability", pkg.ecosystem],
        });
      }
    }
  }
  return {
    findings,
    rules: [...rules.values()].sort((a, b) => byRank(a.id, b.id)),
    vulnerablePackages: vulnerable.size,
  };
}

/** An affected entry names this package (PyPI names compare normalised). */
function namesPackage(name: string, pkg: PackageNode): boolean {
  return pkg.ecosystem === "PyPI" ? normalizePypiName(name) === pkg.name : name === pkg.name;
}
