/**
 * `scanDependencies`: the I/O edge of the dependency scanner. It reads the project's lockfiles,
 * loads the local OSV database (only the records for packages the project has), optionally asks
 * the OSV API, and hands everything to the pure `assessDependencies`.
 */
import { createError } from "../../core/errors";
import { readProjectDependencies } from "../lockfile/index";
import { advisoryDbHelp } from "./help";
import type { DependencyGraph, ScanResult } from "../types";
import { countBySeverity } from "../render";
import { assessDependencies } from "./assess";
import { createAdvisoryDatabase, loadOsvDatabase, packageKey, type AdvisoryDatabase } from "./database";
import { queryOsvApi, type OsvApiOptions } from "./osv-api";

export interface ScanDependenciesOptions {
  /** The project root whose lockfiles are scanned. */
  root: string;
  /** A local OSV database: a folder of records, an OSV `all.zip`, or one already loaded. */
  db?: string | AdvisoryDatabase;
  /** Also query the OSV API (off unless asked; an unreachable API adds a note, not an error). */
  online?: boolean | OsvApiOptions;
  /** Graphs already read (otherwise every lockfile under `root` is read). */
  graphs?: DependencyGraph[];
  /** Lockfiles (and manifests) this matches are not read: scan.exclude. */
  exclude?: (file: string) => boolean;
  /** Milliseconds clock for `stats.durationMs`; injected for tests. */
  now?: () => number;
}

/** The tool name and version findings are attributed to. */
export const DEPS_TOOL = { name: "sluice-deps", version: "1" };

/**
 * Scans a project's dependencies for known vulnerabilities. Throws SLUICE_E_ADVISORY_DB when no
 * advisory source is given or the database is unusable, SLUICE_E_LOCKFILE for a malformed lockfile.
 * When the only source given is the OSV API and it does not answer, the result is `notRun`: nothing
 * was checked, and it must not read as "no findings". Coverage gaps become notes: an ecosystem of
 * the project that the database has no advisories for, a manifest without a lockfile.
 */
export async function scanDependencies(options: ScanDependenciesOptions): Promise<ScanResult> {
  const now = options.now ?? Date.now;
  const started = now();
  if (options.db === undefined && !options.online) {
    throw createError(
      "SLUICE_E_ADVISORY_DB",
      "no advisory database: give the path of an OSV database (a folder of records or an OSV all.zip), or enable the OSV API",
    );
  }
  const project = options.graphs
    ? { graphs: options.graphs, unlocked: [] }
    : await readProjectDependencies(options.root, { exclude: options.exclude });
  const graphs = project.graphs;
  const wanted = new Set(
    graphs.flatMap((g) => [...g.packages.values()].map((p) => packageKey(p.ecosystem, p.name))),
  );
  const databases: AdvisoryDatabase[] = [];
  const notes: string[] = [];
  if (typeof options.db === "string") {
    databases.push(
      await loadOsvDatabase(options.db, {
        filter: (ecosystem, name) => wanted.has(packageKey(ecosystem, name)),
      }),
    );
  } else if (options.db) {
    databases.push(options.db);
  }
  if (options.online) {
    const queries = graphs.flatMap((g) =>
      [...g.packages.values()].map((p) => ({ ecosystem: p.ecosystem, name: p.name, version: p.version })),
    );
    const api = await queryOsvApi(queries, options.online === true ? {} : options.online);
    // The API knows every ecosystem, whatever the records it returned.
    if (api.ok) databases.push(createAdvisoryDatabase(api.records, "OSV API", "all"));
    else if (databases.length > 0) notes.push(api.note);
    else return unchecked(graphs, api.problem, now() - started);
  }
  notes.push(...uncoveredEcosystems(graphs, databases), ...project.unlocked);
  for (const g of graphs)
    for (const w of g.warnings ?? [])
      notes.push(`${g.lockfile}${w.line === undefined ? "" : `:${w.line}`}: ${w.message}`);

  const assessment = assessDependencies(graphs, databases);
  const counts = countBySeverity(assessment.findings);
  const result: ScanResult = {
    kind: "deps",
    tool: DEPS_TOOL,
    rules: assessment.rules,
    findings: assessment.findings,
    stats: {
      lockfiles: graphs.length,
      packages: graphs.reduce((n, g) => n + g.packages.size, 0),
      advisories: databases.reduce((n, d) => n + d.size, 0),
      vulnerablePackages: assessment.vulnerablePackages,
      findings: assessment.findings.length,
      critical: counts.critical,
      high: counts.high,
      medium: counts.medium,
      low: counts.low,
      durationMs: now() - started,
    },
  };
  if (notes.length > 0) result.notes = notes;
  return result;
}

/** "No advisories for ecosystem npm" for each ecosystem with packages that no database covers. */
function uncoveredEcosystems(graphs: DependencyGraph[], databases: AdvisoryDatabase[]): string[] {
  const used = new Set(graphs.filter((g) => g.packages.size > 0).map((g) => g.ecosystem));
  return [...used]
    .sort()
    .filter((eco) => !databases.some((d) => d.ecosystems === "all" || d.ecosystems.has(eco)))
    .map(
      (eco) =>
        `no advisories for ecosystem ${eco} in the database (${databases.map((d) => d.source).join(", ")}): ${eco} packages were not checked; import OSV's ${eco}/all.zip with \`sluice db import\``,
    );
}

/** The OSV API was the only source and did not answer: nothing was checked. */
function unchecked(graphs: DependencyGraph[], reason: string, durationMs: number): ScanResult {
  return {
    kind: "deps",
    tool: DEPS_TOOL,
    rules: [],
    findings: [],
    stats: {
      lockfiles: graphs.length,
      packages: graphs.reduce((n, g) => n + g.packages.size, 0),
      advisories: 0,
      durationMs,
    },
    notRun: `no dependency was checked: ${reason} and there is no local database; ${advisoryDbHelp(true)}`,
  };
}
