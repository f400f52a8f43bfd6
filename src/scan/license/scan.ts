/** The I/O edge of the licence scanner: lockfiles and installed manifests in, a ScanResult out. */
import { readDependencyGraphs, readProjectDependencies, type LockfileRef } from "../lockfile";
import type { ScanResult } from "../types";
import { evaluateLicenses } from "./evaluate";
import { resolveInstalledLicenses, type InstalledLicenseOptions } from "./installed";
import { compilePolicy, type LicensePolicy } from "./policy";

export interface ScanLicensesOptions extends InstalledLicenseOptions {
  /** Lockfiles to read (paths relative to the root); default: every lockfile found under it. */
  lockfiles?: LockfileRef[];
  /** Lockfiles (and manifests) this matches are not read: scan.exclude. */
  exclude?: (file: string) => boolean;
}

/**
 * Judges every locked package under `root` against `policy`, licences from lockfiles first and
 * installed manifests second. Throws SLUICE_E_LOCKFILE (malformed lockfile) or
 * SLUICE_E_LICENSE_POLICY (a policy entry that is not an SPDX id).
 */
export async function scanLicenses(
  root: string,
  policy: LicensePolicy,
  options: ScanLicensesOptions = {},
): Promise<ScanResult> {
  const started = performance.now();
  compilePolicy(policy); // a bad policy fails before any file is read
  const project = options.lockfiles
    ? { graphs: await readDependencyGraphs(root, options.lockfiles), unlocked: [] }
    : await readProjectDependencies(root, { exclude: options.exclude });
  const graphs = await resolveInstalledLicenses(root, project.graphs, options);
  const result = evaluateLicenses(graphs, policy);
  result.stats.durationMs = Math.round(performance.now() - started);
  // Lockfiles are the inventory: a project without one had no licence checked.
  if (project.unlocked.length > 0) result.notes = [...(result.notes ?? []), ...project.unlocked];
  return result;
}
