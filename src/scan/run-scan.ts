/**
 * `sluice scan` and `uses: sluice/scan@v1` as one library call: run the requested scanners with the
 * settings from sluice.yml and the command line. Each scanner is loaded on demand (the TypeScript-free
 * CLI start stays fast; a secrets scan need not load the lockfile parsers).
 */
import { existsSync } from "node:fs";
import path from "node:path";
import picomatch from "picomatch";
import type { SluiceConfig } from "../config/schema";
import { createError } from "../core/errors";
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
    baseline?: string;
    writeBaseline?: boolean;
    revisions?: string[];
  };
  deps?: { db?: string; online?: boolean };
  version: string;
}

/** Where `sluice db import` puts the OSV database, and where deps scanning looks by default. */
export function defaultOsvDir(root: string): string {
  return path.join(root, ".sluice", "osv");
}

export async function runScans(req: ScanRequest): Promise<ScanResult[]> {
  const out: ScanResult[] = [];
  const excluded =
    req.config.scan.exclude.length > 0 ? picomatch(req.config.scan.exclude, { dot: true }) : null;
  for (const kind of req.kinds) {
    const result = await runOne(kind, req);
    if (excluded) {
      const kept = result.findings.filter((f) => !f.file || !excluded(f.file));
      result.stats = { ...result.stats, excluded: result.findings.length - kept.length };
      result.findings = kept;
    }
    out.push(result);
  }
  return out;
}

async function runOne(kind: FindingKind, req: ScanRequest): Promise<ScanResult> {
  const { root, config } = req;
  const resolve = (p: string | undefined) => (p === undefined ? undefined : path.resolve(root, p));
  switch (kind) {
    case "secrets": {
      const { scanSecrets } = await import("./secrets/index");
      return scanSecrets({
        root,
        mode: req.secrets?.mode ?? "tree",
        configPath: resolve(config.scan.secrets.config),
        baselinePath: resolve(req.secrets?.baseline ?? config.scan.secrets.baseline),
        writeBaseline: req.secrets?.writeBaseline,
        revisions: req.secrets?.revisions,
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
      return scanDependencies({ root, db, online: req.deps?.online ?? config.scan.deps.online });
    }
    case "license": {
      const { scanLicenses } = await import("./license/index");
      return scanLicenses(root, config.scan.license);
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
