/**
 * SARIF 2.1.0 output for scan results: one run per scanner, rules with GitHub code scanning's
 * `security-severity`, results with `partialFingerprints` so code-scanning UIs track findings across
 * commits, and locations relative to the repository root (`%SRCROOT%`).
 */
import { isAbsolute } from "node:path";
import { pathToFileURL } from "node:url";
import { otherErrors } from "./render";
import type { ScanResult, ScanSeverity } from "./types";

export const SARIF_SCHEMA = "https://json.schemastore.org/sarif-2.1.0.json";

const LEVEL: Record<ScanSeverity, "error" | "warning" | "note"> = {
  critical: "error",
  high: "error",
  medium: "warning",
  low: "note",
  info: "note",
};

/** GitHub ranks security-severity: ≥ 9 critical, ≥ 7 high, ≥ 4 medium, > 0 low. */
const SECURITY_SEVERITY: Record<ScanSeverity, string> = {
  critical: "9.5",
  high: "8.0",
  medium: "5.5",
  low: "2.0",
  info: "0.0",
};

export function toSarif(results: ScanResult[], root: string, version: string): Record<string, unknown> {
  return {
    $schema: SARIF_SCHEMA,
    version: "2.1.0",
    runs: results.map((r) => sarifRun(r, root, version)),
  };
}

function sarifRun(result: ScanResult, root: string, version: string): Record<string, unknown> {
  const ruleIndex = new Map(result.rules.map((rule, i) => [rule.id, i]));
  // Secrets fingerprints changed meaning in v2 (nothing of the value); a new key tells code scanning
  // not to compare them with v1 ones.
  const fingerprintKey = result.kind === "secrets" ? "sluice/v2" : "sluice/v1";
  return {
    tool: {
      driver: {
        name: `sluice-${result.kind}`,
        semanticVersion: version,
        version,
        rules: result.rules.map((rule) => ({
          id: rule.id,
          name: pascalCase(rule.name || rule.id),
          shortDescription: { text: rule.name || rule.id },
          fullDescription: { text: rule.description || rule.name || rule.id },
          ...(rule.helpUri ? { helpUri: rule.helpUri } : {}),
          defaultConfiguration: { level: LEVEL[rule.severity] },
          properties: {
            tags: [...new Set(["security", ...(rule.tags ?? [])])],
            "security-severity": SECURITY_SEVERITY[rule.severity],
          },
        })),
      },
    },
    invocations: [invocation(result)],
    originalUriBaseIds: { "%SRCROOT%": { uri: pathToFileURL(root.endsWith("/") ? root : `${root}/`).href } },
    results: result.findings.map((f) => ({
      ruleId: f.ruleId,
      ...(ruleIndex.has(f.ruleId) ? { ruleIndex: ruleIndex.get(f.ruleId) } : {}),
      level: LEVEL[f.severity],
      message: { text: f.message },
      ...(f.file
        ? {
            locations: [
              {
                physicalLocation: {
                  artifactLocation: { uri: uri(f.file), uriBaseId: "%SRCROOT%" },
                  ...(f.line ? { region: region(f) } : {}),
                },
              },
            ],
          }
        : {}),
      partialFingerprints: { [fingerprintKey]: f.fingerprint },
      properties: {
        severity: f.severity,
        ...(f.commit ? { commit: f.commit } : {}),
        ...(f.author ? { author: f.author } : {}),
        ...(f.date ? { date: f.date } : {}),
        ...(f.package ? { package: f.package } : {}),
        ...(f.properties ?? {}),
      },
    })),
  };
}

/**
 * How the run went: notes (coverage gaps, skipped lockfiles) as warnings, a scanner that did not run
 * and problems such as a rule that could not be evaluated as errors, with executionSuccessful false —
 * so a SARIF consumer can tell "nothing found" from "nothing checked".
 */
function invocation(result: ScanResult): Record<string, unknown> {
  const notifications: Record<string, unknown>[] = [];
  if (result.notRun !== undefined)
    notifications.push({
      level: result.errors?.length ? "error" : "warning",
      message: { text: `not run: ${result.notRun}` },
    });
  for (const p of otherErrors(result)) {
    notifications.push({
      level: "error",
      message: { text: p.message },
      descriptor: { id: p.code },
      ...(p.location
        ? {
            locations: [
              {
                physicalLocation: {
                  artifactLocation: artifact(p.location.file),
                  ...(p.location.line ? { region: region(p.location) } : {}),
                },
              },
            ],
          }
        : {}),
    });
  }
  if (result.outcome !== undefined) notifications.push({ level: "note", message: { text: result.outcome } });
  for (const note of result.notes ?? []) notifications.push({ level: "warning", message: { text: note } });
  return {
    executionSuccessful: result.notRun === undefined && !result.errors?.length,
    ...(notifications.length > 0 ? { toolExecutionNotifications: notifications } : {}),
  };
}

/** Relative paths against the repository root; an absolute one (a database elsewhere) as a file URL. */
function artifact(file: string): Record<string, string> {
  return isAbsolute(file) ? { uri: pathToFileURL(file).href } : { uri: uri(file), uriBaseId: "%SRCROOT%" };
}

function uri(file: string): string {
  return encodeURI(file.replace(/\\/g, "/"));
}

function region(f: {
  line?: number;
  column?: number;
  endLine?: number;
  endColumn?: number;
  snippet?: string;
}) {
  return {
    startLine: f.line,
    ...(f.column ? { startColumn: f.column } : {}),
    ...(f.endLine ? { endLine: f.endLine } : {}),
    ...(f.endColumn ? { endColumn: f.endColumn } : {}),
    ...(f.snippet ? { snippet: { text: f.snippet } } : {}),
  };
}

function pascalCase(s: string): string {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join("");
}
