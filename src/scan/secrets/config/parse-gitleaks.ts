/**
 * Reads gitleaks' documented TOML format into Sluice's rule model, without resolving `[extend]`
 * (see resolve.ts). Pure: text in, data or located problems out.
 */
import { TomlError, parse } from "smol-toml";
import { createError } from "../../../core/errors";
import type { Problem, SourceLocation } from "../../../core/errors";
import type { ScanSeverity } from "../../types";
import type { AllowlistSpec, JsPattern, RegexTarget } from "../types";
import { ConfigChecker, isTable } from "./checker";
import type { Table } from "./checker";
import { createTomlLocator } from "./toml-locate";
import type { TomlPath } from "./toml-locate";

/** A `[[rules]]` entry as written: only the fields it sets (an extending config may set few). */
export interface PartialRule {
  id: string;
  description?: string;
  severity?: ScanSeverity;
  regex?: JsPattern;
  secretGroup?: number;
  entropy?: number;
  keywords: string[];
  path?: JsPattern;
  tags: string[];
  allowlists: AllowlistSpec[];
  at: SourceLocation;
  /** A field failed validation (reported in `problems`): the rule is not used. */
  invalid?: boolean;
}

/** One parsed config file. */
export interface GitleaksFile {
  file: string;
  extend?: {
    useDefault: boolean;
    path?: string;
    disabledRules: string[];
    at: SourceLocation;
    disabledRulesAt: SourceLocation;
  };
  rules: PartialRule[];
  /** Global allowlists that apply to every rule. */
  allowlists: AllowlistSpec[];
  /** Global `[[allowlists]]` with `targetRules`: added to those rules' own allowlists. */
  targeted: { allowlist: AllowlistSpec; targetRules: string[]; at: SourceLocation }[];
  /** Validation problems, located; resolve.ts reports them together with its own. */
  problems: Problem[];
}

const SEVERITIES: readonly ScanSeverity[] = ["critical", "high", "medium", "low", "info"];
const REGEX_TARGETS: readonly RegexTarget[] = ["secret", "match", "line"];

/**
 * Parse one gitleaks TOML document. Malformed TOML throws a SluiceError `SLUICE_E_SECRETS_CONFIG`
 * located at file:line:column; invalid rules and allowlists are returned as located `problems`.
 */
export function parseGitleaksToml(text: string, file: string): GitleaksFile {
  let doc: Table;
  try {
    doc = parse(text) as Table;
  } catch (err) {
    if (!(err instanceof TomlError)) throw err;
    const location = { file, line: err.line, column: err.column };
    const message = err.message.split("\n")[0] ?? "invalid TOML";
    throw createError("SLUICE_E_SECRETS_CONFIG", `${file}:${err.line}:${err.column}: ${message}`, {
      location,
      problems: [{ code: "SLUICE_E_SECRETS_CONFIG", message, location }],
      cause: err,
    });
  }
  const c = new ConfigChecker(file, createTomlLocator(text));
  const result: GitleaksFile = { file, rules: [], allowlists: [], targeted: [], problems: c.problems };
  const extend = c.table(doc, "extend", []);
  if (extend) {
    if (extend.url !== undefined) c.problem(["extend", "url"], "extending a config by URL is not supported");
    result.extend = {
      useDefault: c.boolean(extend, "useDefault", ["extend"]) ?? false,
      path: c.string(extend, "path", ["extend"]),
      disabledRules: c.strings(extend, "disabledRules", ["extend"]),
      at: c.at(["extend"]),
      disabledRulesAt: c.at(["extend", "disabledRules"]),
    };
  }
  c.tables(doc, "rules", []).forEach((t, i) => {
    const rule = readRule(c, t, ["rules", i]);
    if (rule) result.rules.push(rule);
  });
  readGlobalAllowlists(c, doc, result);
  return result;
}

function readRule(c: ConfigChecker, t: Table, path: TomlPath): PartialRule | undefined {
  const before = c.problems.length;
  const rule = readRuleFields(c, t, path);
  if (rule && c.problems.length > before) rule.invalid = true;
  return rule;
}

function readRuleFields(c: ConfigChecker, t: Table, path: TomlPath): PartialRule | undefined {
  const id = c.string(t, "id", path);
  if (id === undefined || id.trim() === "") {
    if (t.id === undefined) c.problem(path, "a rule needs an id");
    return undefined;
  }
  if (t.required !== undefined)
    c.problem([...path, "required"], "composite rules (rules.required) are not supported");
  const rule: PartialRule = {
    id,
    keywords: c.strings(t, "keywords", path).map((k) => k.toLowerCase()),
    tags: c.strings(t, "tags", path),
    allowlists: [],
    at: c.at(path),
  };
  const description = c.string(t, "description", path);
  if (description !== undefined) rule.description = description;
  const severity = c.string(t, "severity", path);
  if (severity !== undefined) {
    if ((SEVERITIES as readonly string[]).includes(severity)) rule.severity = severity as ScanSeverity;
    else c.problem([...path, "severity"], `must be one of ${SEVERITIES.join(", ")}`);
  }
  const regex = c.string(t, "regex", path);
  if (regex !== undefined) rule.regex = c.regex(regex, [...path, "regex"]);
  const filePath = c.string(t, "path", path);
  if (filePath !== undefined) rule.path = c.regex(filePath, [...path, "path"]);
  const secretGroup = c.number(t, "secretGroup", path, true);
  if (secretGroup !== undefined) {
    rule.secretGroup = secretGroup;
    if (rule.regex && secretGroup > groupCount(rule.regex)) {
      c.problem([...path, "secretGroup"], `the regex has only ${groupCount(rule.regex)} capture group(s)`);
    }
  }
  const entropy = c.number(t, "entropy", path, false);
  if (entropy !== undefined) rule.entropy = entropy;
  const legacy = c.table(t, "allowlist", path);
  if (legacy) pushAllowlist(c, legacy, [...path, "allowlist"], rule.allowlists);
  c.tables(t, "allowlists", path).forEach((a, i) =>
    pushAllowlist(c, a, [...path, "allowlists", i], rule.allowlists),
  );
  return rule;
}

function groupCount(p: JsPattern): number {
  return new RegExp(`${p.source}|`, p.flags).exec("")!.length - 1;
}

function pushAllowlist(c: ConfigChecker, t: Table, path: TomlPath, into: AllowlistSpec[]): void {
  const a = readAllowlist(c, t, path);
  if (a) into.push(a);
}

function readAllowlist(c: ConfigChecker, t: Table, path: TomlPath): AllowlistSpec | undefined {
  const condition = (c.string(t, "condition", path) ?? "OR").toUpperCase();
  if (condition !== "OR" && condition !== "AND") c.problem([...path, "condition"], 'must be "OR" or "AND"');
  const target = c.string(t, "regexTarget", path) ?? "secret";
  if (!(REGEX_TARGETS as readonly string[]).includes(target)) {
    c.problem([...path, "regexTarget"], `must be one of ${REGEX_TARGETS.join(", ")}`);
  }
  const a: AllowlistSpec = {
    condition: condition === "AND" ? "AND" : "OR",
    commits: c.strings(t, "commits", path).map((s) => s.toLowerCase()),
    paths: c.regexes(t, "paths", path),
    regexes: c.regexes(t, "regexes", path),
    regexTarget: (REGEX_TARGETS as readonly string[]).includes(target) ? (target as RegexTarget) : "secret",
    stopwords: c.strings(t, "stopwords", path).map((s) => s.toLowerCase()),
  };
  const description = c.string(t, "description", path);
  if (description !== undefined) a.description = description;
  const given = ["commits", "paths", "regexes", "stopwords"].filter((k) => t[k] !== undefined);
  if (given.length === 0) {
    c.problem(path, "an allowlist needs at least one of commits, paths, regexes or stopwords");
    return undefined;
  }
  return a;
}

function readGlobalAllowlists(c: ConfigChecker, doc: Table, result: GitleaksFile): void {
  const legacy = c.table(doc, "allowlist", []);
  if (legacy) pushAllowlist(c, legacy, ["allowlist"], result.allowlists);
  c.tables(doc, "allowlists", []).forEach((t, i) => {
    const path = ["allowlists", i];
    const a = readAllowlist(c, t, path);
    const targetRules = c.strings(t, "targetRules", path);
    if (!a) return;
    if (targetRules.length === 0) result.allowlists.push(a);
    else result.targeted.push({ allowlist: a, targetRules, at: c.at([...path, "targetRules"]) });
  });
  if (legacy && isTable(legacy) && legacy.targetRules !== undefined) {
    c.problem(
      ["allowlist", "targetRules"],
      "targetRules belongs in [[allowlists]], not the legacy [allowlist]",
    );
  }
}
