/**
 * The one findings model of `sluice scan`: every scanner (secrets, deps, sbom, license, policy)
 * produces a ScanResult; SARIF, the terminal table, JSON, the Markdown summary and gate metrics
 * (`secrets.count`, `vulnerabilities.critical`, `licenses.denied`, `policy.high`) are derived from it.
 */

import type { Problem } from "../core/errors";

export type ScanKind = "secrets" | "deps" | "sbom" | "license" | "policy";
export type ScanSeverity = "critical" | "high" | "medium" | "low" | "info";

export interface ScanRule {
  id: string;
  name: string;
  description: string;
  severity: ScanSeverity;
  helpUri?: string;
  tags?: string[];
}

export interface ScanFinding {
  kind: ScanKind;
  ruleId: string;
  severity: ScanSeverity;
  /** One line, already redacted: a secret's value never appears in a finding. */
  message: string;
  /** Path relative to the scanned root (or a lockfile / manifest path). */
  file?: string;
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  /**
   * Stable identity across runs (baselines, suppression, SARIF partialFingerprints): derived from
   * rule, file and content — never from line numbers alone, so edits above a finding do not change
   * it. A secret's fingerprint holds nothing of its value (see secrets/fingerprint.ts).
   */
  fingerprint: string;
  /** Redacted excerpt of the matched line, for display. */
  snippet?: string;
  /** Secrets in history: the commit that introduced it, its author (`Name <email>`) and author date (ISO 8601). */
  commit?: string;
  author?: string;
  date?: string;
  /** Dependencies: package, installed version, advisory ids, fix, and the path that pulls it in. */
  package?: {
    ecosystem: string;
    name: string;
    version: string;
    direct: boolean;
    path?: string[];
    fixedIn?: string;
    advisories?: string[];
  };
  /** Anything else a format or UI may use (CVSS vector and score, licence expression…). */
  properties?: Record<string, unknown>;
}

export interface ScanResult {
  kind: ScanKind;
  tool: { name: string; version: string };
  rules: ScanRule[];
  findings: ScanFinding[];
  /** Figures about the scan itself: files, bytes, packages, durationMs… */
  stats: Record<string, number>;
  /**
   * What the scan did instead of reporting findings (`--write-baseline`: "wrote 3 fingerprint(s) to
   * …"): renderers show it where they would say "no findings".
   */
  outcome?: string;
  /** Non-fatal remarks for the reader (an advisory source was offline, a lockfile was skipped…). */
  notes?: string[];
  /**
   * Set when the scanner checked nothing (no advisory database, the OSV API unreachable): why, and
   * how to fix it. Renderers then say "not run", never "no findings": an empty result must not read
   * as an all-clear.
   */
  notRun?: string;
  /**
   * Problems that leave the result incomplete in a way no `--fail-on` may wave through (a policy rule
   * that could not be evaluated, a scanner named on the command line that could not run). Reports are
   * still written; then `sluice scan` exits with the first one's code.
   */
  errors?: Problem[];
}

/** One package as lockfiles describe it (the dependency, SBOM and licence scanners share this). */
export interface PackageNode {
  /** `name@version` (npm) or normalised `name==version` (PyPI); unique within a graph. */
  id: string;
  ecosystem: "npm" | "PyPI";
  name: string;
  version: string;
  /** Package URL, e.g. `pkg:npm/%40scope/name@1.2.3`, `pkg:pypi/requests@2.31.0`. */
  purl: string;
  /** Listed by the project itself (not only pulled in by another package). */
  direct: boolean;
  dev: boolean;
  optional: boolean;
  /** Lockfile integrity (`sha512-…`) or hashes (`sha256:…`) as recorded. */
  integrity?: string[];
  resolved?: string;
  /** SPDX expression or raw licence string, when the lockfile or installed manifest says. */
  license?: string;
  /**
   * Set by licence resolution when the lockfile records no licence: whether the package was found
   * installed at the locked version. `false` means its licence is unknown (not looked up), which is
   * not the same as a package that declares none.
   */
  installed?: boolean;
  /** Ids of the packages this one depends on. */
  dependencies: string[];
  /** One-based line of the package's entry in the lockfile, when the format allows. */
  line?: number;
}

export interface DependencyGraph {
  ecosystem: "npm" | "PyPI";
  /** The lockfile it was read from, relative to the scanned root. */
  lockfile: string;
  root: { name: string; version: string };
  packages: Map<string, PackageNode>;
  /**
   * Entries the lockfile names but that cannot be matched against advisories (unpinned
   * requirements, VCS or path dependencies), with the line that names them.
   */
  warnings?: { message: string; line?: number }[];
}
