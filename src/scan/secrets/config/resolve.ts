/**
 * `[extend]` as gitleaks documents it: a config replaces the default rules unless it says
 * `useDefault = true` (Sluice's default rules) or names a base file with `path`; a rule whose id the
 * base already has is merged into it (scalars given here win, keywords, tags and allowlists add up),
 * `disabledRules` drops base rules, and global allowlists add up. Pure apart from the injected reader.
 */
import { createError } from "../../../core/errors";
import type { Problem, SourceLocation } from "../../../core/errors";
import type { RuleSpec, SecretsConfig } from "../types";
import { parseGitleaksToml } from "./parse-gitleaks";
import type { GitleaksFile, PartialRule } from "./parse-gitleaks";

/** A config document and the name it is reported under. */
export interface ConfigSource {
  text: string;
  file: string;
}

/** What resolving needs besides the document: the defaults and a reader for `[extend] path`. */
export interface ResolveOptions {
  /** Sluice's default configuration, what `useDefault = true` extends. */
  defaults: SecretsConfig;
  /** Reads `[extend] path` (relative to the extending file); absent: extending by path is an error. */
  readExtended?: (path: string, from: string) => ConfigSource;
}

/** gitleaks stops at two levels of `[extend] path` as well; deeper chains are almost always loops. */
const MAX_EXTEND_DEPTH = 2;

/**
 * Parse a gitleaks config and resolve what it extends. Throws SLUICE_E_SECRETS_CONFIG with every
 * problem located.
 */
export function resolveGitleaksConfig(entry: ConfigSource, options: ResolveOptions): SecretsConfig {
  return resolve(entry, options, 0);
}

function resolve(entry: ConfigSource, options: ResolveOptions, depth: number): SecretsConfig {
  const parsed = parseGitleaksToml(entry.text, entry.file);
  const problems: Problem[] = [...parsed.problems];
  const fail = (at: SourceLocation, message: string) =>
    problems.push({ code: "SLUICE_E_SECRETS_CONFIG", message, location: at });
  let base: SecretsConfig | undefined;
  const ext = parsed.extend;
  if (ext?.useDefault && ext.path) fail(ext.at, "[extend] sets both useDefault and path; choose one");
  else if (ext?.useDefault) base = options.defaults;
  else if (ext?.path) {
    if (depth >= MAX_EXTEND_DEPTH) fail(ext.at, `[extend] path nests deeper than ${MAX_EXTEND_DEPTH} levels`);
    else if (!options.readExtended) fail(ext.at, "[extend] path cannot be read here");
    else base = resolve(options.readExtended(ext.path, entry.file), options, depth + 1);
  }
  const config = merge(parsed, base, fail);
  if (problems.length > 0) {
    const first = problems[0]!;
    const loc = first.location!;
    const more = problems.length > 1 ? ` (and ${problems.length - 1} more)` : "";
    throw createError(
      "SLUICE_E_SECRETS_CONFIG",
      `${loc.file}:${loc.line}:${loc.column}: ${first.message}${more}`,
      {
        location: loc,
        problems,
      },
    );
  }
  return config;
}

function merge(
  parsed: GitleaksFile,
  base: SecretsConfig | undefined,
  fail: (at: SourceLocation, message: string) => void,
): SecretsConfig {
  const disabled = new Set(parsed.extend?.disabledRules ?? []);
  const baseRules = new Map((base?.rules ?? []).map((r) => [r.id, r]));
  for (const id of disabled) {
    if (!baseRules.has(id))
      fail(
        parsed.extend!.disabledRulesAt,
        `disabledRules names ${JSON.stringify(id)}, which the base config does not have`,
      );
  }
  const merged = new Map<string, RuleSpec>();
  // Copies: targetRules below must not add allowlists to the shared default rules.
  for (const r of base?.rules ?? []) if (!disabled.has(r.id)) merged.set(r.id, { ...r });
  const added: RuleSpec[] = [];
  const seen = new Set<string>();
  for (const rule of parsed.rules) {
    if (seen.has(rule.id)) fail(rule.at, `rule id ${JSON.stringify(rule.id)} is defined twice`);
    seen.add(rule.id);
    if (rule.invalid) continue;
    const existing = merged.get(rule.id);
    if (existing) {
      merged.set(rule.id, mergeRule(existing, rule));
      continue;
    }
    if (!rule.regex && !rule.path) {
      fail(rule.at, `rule ${JSON.stringify(rule.id)} has neither regex nor path`);
      continue;
    }
    added.push(newRule(rule));
  }
  const rules = [...added, ...merged.values()];
  const byId = new Map(rules.map((r) => [r.id, r]));
  const invalid = new Set(parsed.rules.filter((r) => r.invalid).map((r) => r.id));
  for (const t of parsed.targeted) {
    for (const id of t.targetRules) {
      const rule = byId.get(id);
      if (rule) rule.allowlists = [...rule.allowlists, t.allowlist];
      else if (!invalid.has(id))
        fail(t.at, `targetRules names ${JSON.stringify(id)}, which is not a rule of this config`);
    }
  }
  return {
    rules,
    allowlists: [...(base?.allowlists ?? []), ...parsed.allowlists],
    source: parsed.file,
  };
}

function newRule(r: PartialRule): RuleSpec {
  const rule: RuleSpec = {
    id: r.id,
    description: r.description ?? r.id,
    severity: r.severity ?? "high",
    keywords: r.keywords,
    tags: r.tags,
    allowlists: r.allowlists,
    // A user's regex may span lines or sit far from its keyword: run it as gitleaks does.
    window: "file",
  };
  if (r.regex) rule.regex = r.regex;
  if (r.path) rule.path = r.path;
  if (r.secretGroup !== undefined) rule.secretGroup = r.secretGroup;
  if (r.entropy !== undefined) rule.entropy = r.entropy;
  return rule;
}

function mergeRule(base: RuleSpec, r: PartialRule): RuleSpec {
  const out: RuleSpec = {
    ...base,
    keywords: [...base.keywords, ...r.keywords],
    tags: [...base.tags, ...r.tags],
    allowlists: [...base.allowlists, ...r.allowlists],
  };
  if (r.description !== undefined) out.description = r.description;
  if (r.severity !== undefined) out.severity = r.severity;
  if (r.entropy !== undefined) out.entropy = r.entropy;
  if (r.secretGroup !== undefined) out.secretGroup = r.secretGroup;
  if (r.path) out.path = r.path;
  if (r.regex) {
    // Sluice's windows and filters were written for its own regex, not for a replacement.
    out.regex = r.regex;
    out.window = "file";
    delete out.filter;
  }
  return out;
}
