/** SBOM generation's public surface: CycloneDX 1.6 and SPDX 2.3 JSON from dependency graphs. */
export { buildCycloneDx } from "./cyclonedx";
export { buildSpdx } from "./spdx";
export { parseIntegrity } from "./hashes";
export type { PackageHash } from "./hashes";
export type { SbomMeta } from "./types";
export { generateSbom } from "./generate";
export type { GenerateSbomOptions, SbomFormat } from "./generate";
