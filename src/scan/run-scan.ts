/**
 * `sluice scan` and `uses: sluice/scan@v1` as one library call: run the requested scanners with the
 * settings from sluice.yml and the command line. Each scanner is loaded on demand (the TypeScript-free
 * CLI start stays fast; a secrets scan need not load the lockfile parsers).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import type { SluiceConfig } from "../config/schema";
import { createError, type SluiceError } from "../core/errors";
import { advisoryDbHelp } from "./deps/help";
import { notRunMessage } from "./render";
import { maskResults } from "./secret-mask";
import type { ScanKind, ScanResult, ScanSeverity } from "./types";

/** The scanners that produce findings (`sbom` produces a document instead: see generateSbom). */
export const FINDING_KINDS = ["secrets", "deps", "license", "policy"] as const;
export type FindingKind = (typeof FINDING_KINDS)[number];

export interface ScanRequest {
  root: string;
  config: SluiceConfig;
  kinds: FindingKind[];
  secrets?: {
    mode?: "tree" | "staged" | "history";
    /** From the command line: unlike scan.secrets.baseline, it must exist unless being written. */
    baseline?: string;
    writeBaseline?: boolean;
    revisions?: string[];
    /** Overrides scan.secrets.maxFileSize. */
    maxFileBytes?: number;
  };
  deps?: { db?: string; online?: boolean };
  /**
   * Kinds the user named (`sluice scan deps`, `scans: deps`): one that cannot run at all (no advisory
   * source) is an error. Kinds run by default (`sluice scan`) that cannot run are reported "not run"
   * with a note, and the other scanners' results stand.
   */
  required?: FindingKind[];
  version: string;
}

/** Where `sluice db import` puts the OSV database, and where deps scanning looks by default. */
export function defaultOsvDir(root: string): string {
  return path.join(root, ".sluice", "osv");
}

export async function runScans(req: ScanRequest): Promise<ScanResult[]> {
  const out: ScanResult[] = [];
  const excluded = excludeMatcher(req.config.scan.exclude);
  for (const kind of req.kinds) {
    const result = await runOne(kind, req, excluded ?? undefined);
    if (result.notRun !== undefined && req.required?.includes(kind)) {
      // Named on the command line: "nothing was checked" is a failure, not a warning. Only deps can
      // be left unrun (by a missing advisory source), hence the code.
      result.errors = [
        ...(result.errors ?? []),
        { code: "SLUICE_E_ADVISORY_DB", message: notRunMessage(result) },
      ];
    }
    if (excluded) {
      const kept = result.findings.filter((f) => !f.file || !excluded(f.file));
      result.stats = { ...result.stats, excluded: result.findings.length - kept.length };
      result.findings = kept;
    }
    out.push(result);
  }
  // Last: a value the secrets scanner found is masked wherever any scanner's output repeats it.
  maskResults(out);
  return out;
}

/** scan.exclude as a path test; null when nothing is excluded. */
export function excludeMatcher(globs: readonly string[]): ((file: string) => boolean) | null {
  return globs.length > 0 ? picomatch([...globs], { dot: true }) : null;
}

async function runOne(
  kind: FindingKind,
  req: ScanRequest,
  exclude: ((file: string) => boolean) | undefined,
): Promise<ScanResult> {
  const { root, config } = req;
  const resolve = (p: string | undefined) => (p === undefined ? undefined : path.resolve(root, p));
  switch (kind) {
    case "secrets": {
      const { scanSecrets } = await import("./secrets/index");
      const flag = req.secrets?.baseline;
      return scanSecrets({
        root,
        mode: req.secrets?.mode ?? "tree",
        configPath: resolve(config.scan.secrets.config),
        // Shown in notes as given; resolved against the root by scanSecrets.
        baselinePath: flag ?? config.scan.secrets.baseline,
        baselineOptional: flag === undefined,
        writeBaseline: req.secrets?.writeBaseline,
        revisions: req.secrets?.revisions,
        maxFileBytes: req.secrets?.maxFileBytes ?? config.scan.secrets.maxFileSize,
      });
    }
    case "deps": {
      const { scanDependencies } = await import("./deps/index");
      const configured = req.deps?.db ?? config.scan.deps.db;
      const db =
        configured !== undefined
          ? resolve(configured)
          : existsSync(defaultOsvDir(root))
            ? defaultOsvDir(root)
            : undefined;
      const online = req.deps?.online ?? config.scan.deps.online;
      if (db === undefined && !online)
        return notRun("deps", req.version, `no advisory database; ${advisoryDbHelp(false)}`);
      return scanDependencies({ root, db, online, exclude });
    }
    case "license": {
      const { scanLicenses } = await import("./license/index");
      return scanLicenses(root, config.scan.license, { exclude });
    }
    case "policy": {
      const { scanPolicy } = await import("./policy/index");
      const policy = config.scan.policy;
      return scanPolicy({
        root,
        rules: policy.rules as Parameters<typeof scanPolicy>[0]["rules"],
        disable: policy.disable,
        options: policy.trustedActionOwners ? { trustedActionOwners: policy.trustedActionOwners } : undefined,
        version: req.version,
      });
    }
  }
}

function notRun(kind: FindingKind, version: string, reason: string): ScanResult {
  return {
    kind,
    tool: { name: `sluice-${kind}`, version },
    rules: [],
    findings: [],
    stats: {},
    notRun: reason,
  };
}

/**
 * The kinds `words` names one by one (`sluice scan deps,policy`); none for `sluice scan` or `all`,
 * which ask for "whatever can run" rather than for a particular scanner.
 */
export function namedKinds(words: string[]): FindingKind[] {
  return words.length === 0 || words.includes("all") ? [] : parseKinds(words);
}

/**
 * The first problem of the results (errors of any scanner), with the others attached: what
 * `sluice scan` exits with after writing its reports. Undefined when every scanner ran cleanly.
 */
export function scanFailure(results: ScanResult[]): SluiceError | undefined {
  const problems = results.flatMap((r) => r.errors ?? []);
  const [first, ...rest] = problems;
  if (first === undefined) return undefined;
  const more = rest.length > 0 ? ` (and ${rest.length} more problem(s), listed below)` : "";
  return createError(first.code, `${first.message}${more}`, { location: first.location, problems: rest });
}

/** Parses `secrets,deps` / repeated kinds; `all` means every finding scanner. */
export function parseKinds(words: string[]): FindingKind[] {
  if (words.length === 0 || words.includes("all")) return [...FINDING_KINDS];
  const kinds = words
    .flatMap((w) => w.split(","))
    .map((w) => w.trim())
    .filter(Boolean);
  for (const k of kinds) {
    if (!(FINDING_KINDS as readonly string[]).includes(k)) {
      throw createError(
        "SLUICE_E_USAGE",
        `unknown scan "${k}": use ${FINDING_KINDS.join(", ")}, all, or sbom`,
      );
    }
  }
  return [...new Set(kinds)] as FindingKind[];
}

const ORDER: ScanSeverity[] = ["info", "low", "medium", "high", "critical"];

/** True when any finding is at or above `threshold` ("none" never fails). */
export function failsAt(results: ScanResult[], threshold: ScanSeverity | "none"): boolean {
  if (threshold === "none") return false;
  const min = ORDER.indexOf(threshold);
  return results.some((r) => r.findings.some((f) => ORDER.indexOf(f.severity) >= min));
}

export type { ScanKind };
