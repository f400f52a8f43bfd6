/** The I/O edge of the licence scanner: lockfiles and installed manifests in, a ScanResult out. */
import { readDependencyGraphs, type LockfileRef } from "../lockfile";
import type { ScanResult } from "../types";
import { evaluateLicenses } from "./evaluate";
import { resolveInstalledLicenses, type InstalledLicenseOptions } from "./installed";
import { compilePolicy, type LicensePolicy } from "./policy";

export interface ScanLicensesOptions extends InstalledLicenseOptions {
  /** Lockfiles to read (paths relative to the root); default: every lockfile found under it. */
  lockfiles?: LockfileRef[];
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
  const graphs = await resolveInstalledLicenses(
    root,
    await readDependencyGraphs(root, options.lockfiles),
    options,
  );
  const result = evaluateLicenses(graphs, policy);
  result.stats.durationMs = Math.round(performance.now() - started);
  return result;
}
