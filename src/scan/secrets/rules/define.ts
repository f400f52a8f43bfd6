/**
 * How Sluice's own rules are written: JavaScript RegExp literals (no Go translation needed), keywords
 * that gate each rule, and a window that keeps the regex near its keyword. `defineRule` turns a
 * definition into the plain-data RuleSpec that configs and worker threads carry.
 */
import type { ScanSeverity } from "../../types";
import type { AllowlistSpec, RegexTarget, RuleSpec, RuleWindow } from "../types";

/** An allowlist in a Sluice rule, written with RegExp literals. */
export interface AllowlistDef {
  description?: string;
  condition?: "OR" | "AND";
  paths?: RegExp[];
  regexes?: RegExp[];
  regexTarget?: RegexTarget;
  stopwords?: string[];
}

/** One of Sluice's rules as written in rules/*.ts. */
export interface RuleDef {
  id: string;
  description: string;
  severity: ScanSeverity;
  regex: RegExp;
  /** Lower-case unless exactKeywords; every rule has some, so that no rule runs on every file. */
  keywords: string[];
  /** Keywords match only in the case written: for token prefixes of fixed case (`SK`, `AKIA`). */
  exactKeywords?: boolean;
  /**
   * A keyword counts only when `=` or `:` follows within a short identifier tail, then a value of at
   * least 8 non-blank characters (the generic rule's shortest).
   */
  assignmentAfterKeyword?: boolean;
  secretGroup?: number;
  entropy?: number;
  /**
   * Default "anchor": every match starts with one of the keywords (the regex is tried only there).
   * "line" for rules whose keyword sits inside or after the secret.
   */
  window?: RuleWindow;
  tags?: string[];
  allowlists?: AllowlistDef[];
  filter?: string;
  generic?: boolean;
}

/** Plain-data form of a definition. */
export function defineRule(def: RuleDef): RuleSpec {
  const rule: RuleSpec = {
    id: def.id,
    description: def.description,
    severity: def.severity,
    regex: { source: def.regex.source, flags: def.regex.flags.replace(/[gyd]/g, "") },
    keywords: def.keywords,
    tags: def.tags ?? [],
    allowlists: (def.allowlists ?? []).map(allowlist),
    window: def.window ?? "anchor",
  };
  if (def.secretGroup !== undefined) rule.secretGroup = def.secretGroup;
  if (def.entropy !== undefined) rule.entropy = def.entropy;
  if (def.filter !== undefined) rule.filter = def.filter;
  if (def.generic) rule.generic = true;
  if (def.exactKeywords) rule.exactKeywords = true;
  if (def.assignmentAfterKeyword) rule.assignmentAfterKeyword = true;
  return rule;
}

/** Plain-data form of an allowlist definition. */
export function allowlist(def: AllowlistDef): AllowlistSpec {
  const pattern = (r: RegExp) => ({ source: r.source, flags: r.flags.replace(/[gyd]/g, "") });
  const spec: AllowlistSpec = {
    condition: def.condition ?? "OR",
    commits: [],
    paths: (def.paths ?? []).map(pattern),
    regexes: (def.regexes ?? []).map(pattern),
    regexTarget: def.regexTarget ?? "secret",
    stopwords: def.stopwords ?? [],
  };
  if (def.description !== undefined) spec.description = def.description;
  return spec;
}

/** `KEY = value` / `key: "value"` / `key => 'value'`: the assignment shapes of code and config. */
export const ASSIGN = String.raw`["'\]]?\s*(?:=|:=|=>|:)\s*["'\x60]?`;

/** Context words, any identifier tail, then an assignment (`HEROKU_API_KEY = "…"`): a regex source. */
export function assignedTo(words: string): string {
  return String.raw`(?:${words})[\w.-]{0,25}?${ASSIGN}`;
}
