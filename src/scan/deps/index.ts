/** The dependency (vulnerability) scanner: OSV advisories matched against lockfile graphs. */
export { scanDependencies, DEPS_TOOL, type ScanDependenciesOptions } from "./scan";
export { assessDependencies, type DependencyAssessment } from "./assess";
export {
  loadOsvDatabase,
  importOsvArchive,
  createAdvisoryDatabase,
  parseOsvText,
  packageKey,
  type AdvisoryDatabase,
  type LoadOsvOptions,
} from "./database";
export { queryOsvApi, type OsvApiOptions, type OsvApiResult, type OsvQuery } from "./osv-api";
export { readOsvRecord, type OsvRecord, type OsvAffected, type OsvRange, type OsvEvent } from "./osv";
export { isAffected, inRange, lowestFix, versionOrder } from "./osv-match";
export { assessSeverity, type SeverityAssessment } from "./severity";
export { cvss3BaseScore, cvss4Score, cvssSeverity, type CvssSeverity } from "./cvss";
export {
  parsePep440,
  normalizePep440,
  comparePep440,
  comparePep440Versions,
  type Pep440Version,
} from "./pep440";
