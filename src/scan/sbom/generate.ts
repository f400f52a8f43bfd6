/**
 * The I/O edge of SBOM generation: find and read the lockfiles under a project, fill in licences
 * from installed packages, then hand the graphs to the pure builders.
 */
import { resolveInstalledLicenses, type InstalledLicenseOptions } from "../license/installed";
import { readDependencyGraphs, type LockfileRef } from "../lockfile";
import type { DependencyGraph } from "../types";
import { sluiceVersion } from "./tool";
import type { SbomMeta } from "./types";

export type SbomFormat = "cyclonedx" | "spdx";

export interface GenerateSbomOptions extends InstalledLicenseOptions {
  format: SbomFormat;
  meta: SbomMeta;
  /** Lockfiles to read (paths relative to the root); default: every lockfile found under it. */
  lockfiles?: LockfileRef[];
  /** Skip reading installed manifests: licences come from lockfiles only (faster, fewer licences). */
  lockfileOnly?: boolean;
  /** Globs of lockfiles not to read (scan.exclude: test fixtures, vendored examples). */
  exclude?: readonly string[];
}

/**
 * The SBOM of the project at `root` as a JSON-ready object. Throws SLUICE_E_LOCKFILE for a
 * malformed lockfile; a project without lockfiles yields an SBOM with only the root component.
 */
export async function generateSbom(
  root: string,
  options: GenerateSbomOptions,
): Promise<Record<string, unknown>> {
  // The writer loads (for CycloneDX, with @cyclonedx/cyclonedx-library) while the lockfiles are
  // read, and only the one asked for.
  const writer: Promise<(graphs: DependencyGraph[], meta: SbomMeta) => Record<string, unknown>> =
    options.format === "spdx"
      ? import("./spdx").then((m) => m.buildSpdx)
      : import("./cyclonedx").then((m) => m.buildCycloneDx);
  // Awaited below; this only keeps a failed load from being reported as unhandled meanwhile.
  writer.catch(() => undefined);
  // picomatch loads (≈ 7 ms) only for a project that excludes something.
  const exclude = options.exclude?.length
    ? (await import("picomatch")).default([...options.exclude], { dot: true })
    : undefined;
  let graphs = await readDependencyGraphs(root, options.lockfiles, { exclude });
  if (!options.lockfileOnly) graphs = await resolveInstalledLicenses(root, graphs, options);
  return (await writer)(graphs, options.meta);
}

/**
 * A new SBOM document of the project at `root`, as the JSON text `sluice scan sbom` and
 * `uses: sluice/scan@v1` write: a fresh serial number, the current time, Sluice as its tool.
 */
export async function sbomDocumentText(
  root: string,
  format: SbomFormat,
  exclude: readonly string[] = [],
): Promise<string> {
  const meta = {
    timestamp: new Date(),
    serialNumber: `urn:uuid:${crypto.randomUUID()}`,
    toolVersion: sluiceVersion(),
  };
  return JSON.stringify(await generateSbom(root, { format, meta, exclude }), null, 2) + "\n";
}
