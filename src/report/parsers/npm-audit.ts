/**
 * `npm audit --json`. npm 7 and later write report version 2: `vulnerabilities` keyed by package,
 * each `{ name, severity, isDirect, via, effects, range, nodes, fixAvailable }`, where `via` lists
 * advisories (objects with `title`, `url`, `severity`) or the names of vulnerable dependencies the
 * package is affected through. npm 6 wrote version 1: `advisories` keyed by id, each with
 * `module_name`, `severity`, `title`, `vulnerable_versions`, `patched_versions`.
 *
 * Both become one finding per vulnerable package, with npm's severities (`moderate` → medium). When
 * npm could not audit (no lockfile, registry refused), it writes `{ "error": { code, summary } }`:
 * that is a parse error carrying npm's own words, so a gate fails loudly instead of passing on
 * nothing.
 */
import { JsonInput } from "./json-input";
import type { JsonObject } from "./json-input";
import type { Finding, FindingLevel, ReportParser, Severity } from "../types";

const severities: Record<string, Severity> = {
  critical: "critical",
  high: "high",
  moderate: "medium",
  medium: "medium",
  low: "low",
  info: "info",
};
const rank: Severity[] = ["info", "low", "medium", "high", "critical"];

function levelOf(severity: Severity): FindingLevel {
  if (severity === "critical" || severity === "high") return "error";
  return severity === "medium" ? "warning" : "note";
}

function readSeverity(input: JsonInput, value: unknown, path: (string | number)[]): Severity {
  const s = input.string(value, path);
  const severity = Object.hasOwn(severities, s) ? severities[s] : undefined;
  if (!severity) input.fail(path, `unknown severity ${JSON.stringify(s)}`);
  return severity;
}

/** The advisory id to use as rule: GHSA id from the advisory URL, else npm's numeric source. */
function advisoryId(advisory: JsonObject): string | undefined {
  const url = typeof advisory.url === "string" ? advisory.url : "";
  const ghsa = /GHSA(?:-[0-9a-z]{4}){3}/i.exec(url)?.[0];
  if (ghsa) return ghsa;
  if (typeof advisory.github_advisory_id === "string") return advisory.github_advisory_id;
  const id = advisory.source ?? advisory.id;
  return typeof id === "number" || typeof id === "string" ? `npm-${id}` : undefined;
}

/** Advisories, most severe first: the rule id of a package's finding names its worst advisory. */
function worstFirst(advisories: JsonObject[]): JsonObject[] {
  const score = (a: JsonObject): number => rank.indexOf(severities[String(a.severity)] ?? "info"); // -1 if odd
  return [...advisories].sort((a, b) => score(b) - score(a));
}

function parseV2(input: JsonInput, report: JsonObject): Finding[] {
  const vulnerabilities = input.object(report.vulnerabilities, ["vulnerabilities"]);
  return Object.keys(vulnerabilities).map((key): Finding => {
    const path = ["vulnerabilities", key];
    const v = input.object(vulnerabilities[key], path);
    const severity = readSeverity(input, v.severity, [...path, "severity"]);
    const via = input.array(v.via, [...path, "via"]);
    const advisories = via.filter((x): x is JsonObject => typeof x === "object" && x !== null);
    const through = via.filter((x): x is string => typeof x === "string");
    const range = input.optionalString(v.range, [...path, "range"]);
    const fix = v.fixAvailable;
    const titles = [...new Set(advisories.map((a) => a.title).filter((t) => typeof t === "string"))];
    const message =
      titles.length > 0
        ? titles.join("; ")
        : `vulnerable through ${through.length > 0 ? through.join(", ") : "its dependencies"}`;
    return {
      tool: "npm-audit",
      category: "vulnerability",
      ruleId:
        worstFirst(advisories)
          .map(advisoryId)
          .find((id) => id !== undefined) ?? `npm-audit/${key}`,
      level: levelOf(severity),
      severity,
      message,
      package: input.optionalString(v.name, [...path, "name"]) ?? key,
      ...(range !== undefined ? { range } : {}),
      // `true`, or `{ name, version, isSemVerMajor }` naming the upgrade that fixes it.
      fixAvailable: fix === true || (typeof fix === "object" && fix !== null),
    };
  });
}

function parseV1(input: JsonInput, report: JsonObject): Finding[] {
  const advisories = input.object(report.advisories, ["advisories"]);
  const fixed = new Set<number>();
  for (const action of Array.isArray(report.actions) ? report.actions : []) {
    const resolves = (action as JsonObject | null)?.resolves;
    if (Array.isArray(resolves)) for (const r of resolves) if (typeof r?.id === "number") fixed.add(r.id);
  }
  const byPackage = new Map<string, Finding>();
  for (const key of Object.keys(advisories)) {
    const path = ["advisories", key];
    const a = input.object(advisories[key], path);
    const name = input.string(a.module_name, [...path, "module_name"]);
    const severity = readSeverity(input, a.severity, [...path, "severity"]);
    const title = input.optionalString(a.title, [...path, "title"]) ?? `advisory ${key}`;
    const patched = input.optionalString(a.patched_versions, [...path, "patched_versions"]);
    const fixable = fixed.has(Number(a.id ?? key)) || (patched !== undefined && patched !== "<0.0.0");
    const range = input.optionalString(a.vulnerable_versions, [...path, "vulnerable_versions"]);
    const before = byPackage.get(name);
    if (!before) {
      byPackage.set(name, {
        tool: "npm-audit",
        category: "vulnerability",
        ruleId: advisoryId(a) ?? `npm-${key}`,
        level: levelOf(severity),
        severity,
        message: title,
        package: name,
        ...(range !== undefined ? { range } : {}),
        fixAvailable: fixable,
      });
      continue;
    }
    // Several advisories on one package: one finding at the worst severity.
    before.message += `; ${title}`;
    before.fixAvailable = before.fixAvailable === true && fixable;
    if (range !== undefined)
      before.range = before.range === undefined ? range : `${before.range} || ${range}`;
    if (rank.indexOf(severity) > rank.indexOf(before.severity!)) {
      before.severity = severity;
      before.level = levelOf(severity);
      before.ruleId = advisoryId(a) ?? `npm-${key}`;
    }
  }
  return [...byPackage.values()];
}

/** Parses npm audit JSON (report versions 1 and 2) into one vulnerability finding per package. */
export const npmAuditParser: ReportParser = {
  format: "npm-audit",
  detect(head) {
    // npm's failure documents (`{"error": {"code": "ENOLOCK", …}}`, or the audit endpoint's HTTP
    // error) are recognised too, so the user sees npm's reason rather than "unknown format".
    if (/^\s*\{\s*"error"\s*:\s*\{\s*"code"\s*:\s*"E[A-Z0-9]+"/.test(head)) return true;
    if (/^\s*\{/.test(head) && /"uri"\s*:\s*"[^"]*\/-\/npm\/v1\/security\//.test(head)) return true;
    return /^\s*\{/.test(head) && /"(?:auditReportVersion|advisories)"\s*:/.test(head);
  },
  parse(content, file) {
    const input: JsonInput = new JsonInput(content, file, "npm-audit");
    const report = input.object(input.root, []);
    if (report.error !== undefined) {
      const error = input.object(report.error, ["error"]);
      // npm fills `error.code`/`summary` for local failures (ENOLOCK) and only the top-level
      // `message` (`405 Method Not Allowed - POST …/advisories/bulk`) when the registry refused.
      const words = [error.code, error.summary, report.message]
        .filter((w) => typeof w === "string" && w !== "")
        .join(": ");
      input.fail(["error"], `npm audit did not run: ${words || "unknown error"}`);
    }
    let findings: Finding[];
    if (report.auditReportVersion !== undefined) {
      const version = input.number(report.auditReportVersion, ["auditReportVersion"]);
      if (version !== 2) input.fail(["auditReportVersion"], `unsupported audit report version ${version}`);
      findings = parseV2(input, report);
    } else if (report.advisories !== undefined) findings = parseV1(input, report);
    else input.fail([], "neither `auditReportVersion` (npm 7+) nor `advisories` (npm 6) is present");
    return { format: "npm-audit", file, findings };
  },
};
