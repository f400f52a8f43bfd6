/** The licence scanner's public surface. */
export { evaluateLicenses, LICENSE_RULES } from "./evaluate";
export { resolveInstalledLicenses } from "./installed";
export type { InstalledLicenseOptions } from "./installed";
export { licenseFromPackageJson, licenseFromPythonMetadata } from "./manifest";
export { normalizeLicense } from "./normalize";
export type { LicenseStatus, NormalizedLicense } from "./normalize";
export { compilePolicy, judgeLicense } from "./policy";
export type { LicensePolicy, LicenseOutcome, LicenseVerdict } from "./policy";
export { scanLicenses } from "./scan";
export type { ScanLicensesOptions } from "./scan";
