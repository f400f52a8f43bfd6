/** Who made an SBOM: Sluice, at the version the build stamped in. */

declare const __SLUICE_VERSION__: string;

/** Sluice's version as esbuild and vitest define it; "0.0.0" when the source runs unbundled. */
export function sluiceVersion(): string {
  return typeof __SLUICE_VERSION__ === "string" ? __SLUICE_VERSION__ : "0.0.0";
}
