/**
 * The licence scanner: every package of every dependency graph judged against a licence policy,
 * as one ScanResult. Pure over the graphs; licences missing from lockfiles are filled in beforehand
 * by resolveInstalledLicenses.
 */
import { createHash } from "node:crypto";
import { sluiceVersion } from "../sbom/tool";
import type { DependencyGraph, PackageNode, ScanFinding, ScanResult, ScanRule, ScanSeverity } from "../types";
import { normalizeLicense, type NormalizedLicense } from "./normalize";
import { shortestPaths } from "./paths";
import {
  compilePolicy,
  judgeLicense,
  type CompiledPolicy,
  type LicenseOutcome,
  type LicensePolicy,
  type LicenseVerdict,
} from "./policy";

export const LICENSE_RULES: readonly ScanRule[] = [
  {
    id: "license/denied",
    name: "Licence denied by policy",
    description: "The package's licence is on the deny list, or not covered by the allow list.",
    severity: "high",
    tags: ["license"],
  },
  {
    id: "license/missing",
    name: "No licence declared",
    description: "Neither the lockfile nor the installed package declares a licence.",
    severity: "medium",
    tags: ["license"],
  },
  {
    id: "license/unresolved",
    name: "Licence unknown (package not installed)",
    description:
      "The lockfile records no licence and the package is not installed at the locked version, so its manifest could not be read; Sluice does not look licences up online. Install the dependencies (node_modules, a .venv) before scanning.",
    severity: "medium",
    tags: ["license"],
  },
  {
    id: "license/non-spdx",
    name: "Licence is not an SPDX expression",
    description: "The declared licence is free text; the finding names the SPDX ids it most likely means.",
    severity: "medium",
    tags: ["license"],
  },
  {
    id: "license/custom",
    name: "Custom licence",
    description:
      "The package points to its own licence file (SEE LICENSE IN) or a LicenseRef the policy does not name.",
    severity: "medium",
    tags: ["license"],
  },
  {
    id: "license/unlicensed",
    name: "Proprietary package (UNLICENSED)",
    description:
      "UNLICENSED grants no licence at all (it is not the Unlicense); allow it explicitly for your own packages.",
    severity: "medium",
    tags: ["license"],
  },
];

/**
 * Judges every package against `policy` (see {@link LicensePolicy}). Findings are per lockfile and
 * package; `stats` counts distinct packages (`ecosystem/name@version`) across all graphs, by worst
 * outcome: `packages`, `licenses.allowed`, `licenses.denied` (includes unknown ones when
 * `unknown: deny`), `licenses.unknown` (whatever the policy does with them), `licenses.corrected`
 * (deprecated or miscased SPDX ids read in canonical form). Throws SLUICE_E_LICENSE_POLICY for a
 * policy entry that is not an SPDX id.
 */
export function evaluateLicenses(graphs: DependencyGraph[], policy: LicensePolicy): ScanResult {
  const compiled = compilePolicy(policy);
  const findings: ScanFinding[] = [];
  const outcomes = new Map<string, { outcome: LicenseOutcome; denied: boolean; corrected: boolean }>();
  for (const graph of graphs) {
    const paths = shortestPaths(graph);
    for (const pkg of [...graph.packages.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0))) {
      const license = normalizeLicense(pkg.license);
      const verdict = notLookedUp(pkg, license) ?? judgeLicense(license, compiled);
      const severity = severityOf(verdict.outcome, compiled);
      if (severity !== undefined) {
        findings.push(toFinding(graph, pkg, license, verdict, severity, paths.get(pkg.id)));
      }
      const key = `${pkg.ecosystem}/${pkg.id}`;
      const seen = outcomes.get(key);
      const denied = severity === "high";
      if (
        !seen ||
        (denied && !seen.denied) ||
        (seen.outcome === "allowed" && verdict.outcome !== "allowed")
      ) {
        outcomes.set(key, { outcome: verdict.outcome, denied, corrected: license.notes.length > 0 });
      }
    }
  }
  const all = [...outcomes.values()];
  return {
    kind: "license",
    tool: { name: "sluice-license", version: sluiceVersion() },
    rules: [...LICENSE_RULES],
    findings,
    stats: {
      packages: all.length,
      "licenses.allowed": all.filter((o) => o.outcome === "allowed").length,
      "licenses.denied": all.filter((o) => o.denied).length,
      "licenses.unknown": all.filter((o) => o.outcome === "unknown").length,
      "licenses.corrected": all.filter((o) => o.corrected).length,
    },
  };
}

function severityOf(outcome: LicenseOutcome, policy: CompiledPolicy): ScanSeverity | undefined {
  if (outcome === "denied") return "high";
  if (outcome === "allowed") return undefined;
  return policy.unknown === "deny" ? "high" : policy.unknown === "warn" ? "medium" : undefined;
}

/** No licence because nothing was read (not installed), rather than none declared. */
function notLookedUp(pkg: PackageNode, license: NormalizedLicense): LicenseVerdict | undefined {
  return license.status === "none" && pkg.installed === false
    ? { outcome: "unknown", reason: "licence unknown (not installed, not looked up)" }
    : undefined;
}

/** Denied licences share one rule; the kinds of unknown keep their own so SARIF viewers can filter. */
function ruleFor(pkg: PackageNode, license: NormalizedLicense, outcome: LicenseOutcome): string {
  if (outcome === "denied") return "license/denied";
  switch (license.status) {
    case "none":
      return pkg.installed === false ? "license/unresolved" : "license/missing";
    case "unknown":
      return "license/non-spdx";
    case "unlicensed":
      return "license/unlicensed";
    default:
      return "license/custom";
  }
}

function toFinding(
  graph: DependencyGraph,
  pkg: PackageNode,
  license: NormalizedLicense,
  verdict: LicenseVerdict,
  severity: ScanSeverity,
  path: string[] | undefined,
): ScanFinding {
  const ruleId = ruleFor(pkg, license, verdict.outcome);
  const policyNote =
    verdict.outcome === "unknown" && severity === "high" ? " (unknown licences are denied by policy)" : "";
  const notes = license.notes.length > 0 ? ` [${license.notes.join("; ")}]` : "";
  const properties: Record<string, unknown> = { licenseStatus: license.status };
  if (license.raw !== undefined) properties.license = license.raw;
  if (license.expression !== undefined) properties.expression = license.expression;
  if (license.notes.length > 0) properties.notes = license.notes;
  if (license.hint?.length) properties.hint = license.hint;
  if (license.file !== undefined) properties.licenseFile = license.file;
  return {
    kind: "license",
    ruleId,
    severity,
    message: `${pkg.name}@${pkg.version}: ${verdict.reason}${policyNote}${notes}`,
    file: graph.lockfile,
    // The package's entry in the lockfile, as dependency findings point at it.
    ...(pkg.line !== undefined ? { line: pkg.line } : {}),
    fingerprint: createHash("sha256")
      .update(
        `${ruleId}\0${graph.lockfile}\0${pkg.ecosystem}\0${pkg.name}\0${pkg.version}\0${license.raw ?? ""}`,
      )
      .digest("hex")
      .slice(0, 32),
    package: {
      ecosystem: pkg.ecosystem,
      name: pkg.name,
      version: pkg.version,
      direct: pkg.direct,
      ...(path ? { path } : {}),
    },
    properties,
  };
}
