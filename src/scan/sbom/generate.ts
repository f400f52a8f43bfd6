/**
 * The I/O edge of SBOM generation: find and read the lockfiles under a project, fill in licences
 * from installed packages, then hand the graphs to the pure builders.
 */
import { resolveInstalledLicenses, type InstalledLicenseOptions } from "../license/installed";
import { readDependencyGraphs, type LockfileRef } from "../lockfile";
import { buildCycloneDx } from "./cyclonedx";
import { buildSpdx } from "./spdx";
import type { SbomMeta } from "./types";

export type SbomFormat = "cyclonedx" | "spdx";

export interface GenerateSbomOptions extends InstalledLicenseOptions {
  format: SbomFormat;
  meta: SbomMeta;
  /** Lockfiles to read (paths relative to the root); default: every lockfile found under it. */
  lockfiles?: LockfileRef[];
  /** Skip reading installed manifests: licences come from lockfiles only (faster, fewer licences). */
  lockfileOnly?: boolean;
}

/**
 * The SBOM of the project at `root` as a JSON-ready object. Throws SLUICE_E_LOCKFILE for a
 * malformed lockfile; a project without lockfiles yields an SBOM with only the root component.
 */
export async function generateSbom(
  root: string,
  options: GenerateSbomOptions,
): Promise<Record<string, unknown>> {
  let graphs = await readDependencyGraphs(root, options.lockfiles);
  if (!options.lockfileOnly) graphs = await resolveInstalledLicenses(root, graphs, options);
  return options.format === "spdx" ? buildSpdx(graphs, options.meta) : buildCycloneDx(graphs, options.meta);
}
