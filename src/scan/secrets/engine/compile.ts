/**
 * A SecretsConfig (plain data) → a Detector (RegExps, allowlists and the keyword automaton). Built
 * once per scan and once per worker thread; detection itself never compiles anything.
 */
import { getFilter } from "../rules/filters";
import type { SecretFilter } from "../rules/filters";
import type { AllowlistSpec, JsPattern, RegexTarget, RuleSpec, SecretsConfig } from "../types";
import { KeywordMatcher } from "./keyword-matcher";

/** An allowlist with its patterns compiled. */
export interface CompiledAllowlist {
  condition: "OR" | "AND";
  commits: string[];
  paths: RegExp[];
  regexes: RegExp[];
  regexTarget: RegexTarget;
  stopwords: string[];
  /** Only `paths` is given: the allowlist is decided by the file alone. */
  pathOnly: boolean;
}

/**
 * A rule with its patterns, allowlists and filter ready to run. The spec's optional fields the hot
 * loops read are copied here with defaults: RuleSpecs differ in which optional fields they carry
 * (different hidden classes), and loads from them made the optimised detector bail out and be
 * recompiled — measured as a fair part of a scan's JIT time.
 */
export interface CompiledRule {
  index: number;
  spec: RuleSpec;
  window: RuleSpec["window"];
  /** `spec.secretGroup`, 0 when unset. */
  secretGroup: number;
  /** `spec.entropy`, 0 when unset. */
  minEntropy: number;
  generic: boolean;
  /** Global and with `d` (match indices) so that the secret group's offsets are known. */
  regex: RegExp | undefined;
  /** The same pattern, sticky: for `anchor` windows, tried only at each keyword's start. */
  sticky: RegExp | undefined;
  path: RegExp | undefined;
  allowlists: CompiledAllowlist[];
  filter: SecretFilter | undefined;
}

/** Everything detection needs, compiled. */
export interface Detector {
  config: SecretsConfig;
  rules: CompiledRule[];
  global: CompiledAllowlist[];
  matcher: KeywordMatcher;
  /** Rules without (foldable) keywords: they run on every file. */
  alwaysRun: number[];
  /** `matcher.readBuffer`, bound: where a file is read so that the keyword scan needs no copy. */
  readBuffer: (size: number) => Buffer;
}

function regex(p: JsPattern, extra = ""): RegExp {
  return new RegExp(p.source, p.flags + extra);
}

function compileAllowlist(a: AllowlistSpec): CompiledAllowlist {
  return {
    condition: a.condition,
    commits: a.commits,
    paths: a.paths.map((p) => regex(p)),
    regexes: a.regexes.map((p) => regex(p)),
    regexTarget: a.regexTarget,
    stopwords: a.stopwords,
    pathOnly: a.paths.length > 0 && a.commits.length + a.regexes.length + a.stopwords.length === 0,
  };
}

function isAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
}

/** Compile a configuration. Patterns were validated when the config was loaded. */
export function compileConfig(config: SecretsConfig): Detector {
  const rules = config.rules.map((spec, index): CompiledRule => ({
    index,
    spec,
    window: spec.window,
    secretGroup: spec.secretGroup ?? 0,
    minEntropy: spec.entropy ?? 0,
    generic: spec.generic === true,
    regex: spec.regex ? regex(spec.regex, "gd") : undefined,
    sticky: spec.regex && spec.window === "anchor" ? regex(spec.regex, "yd") : undefined,
    path: spec.path ? regex(spec.path) : undefined,
    allowlists: spec.allowlists.map(compileAllowlist),
    filter: getFilter(spec.filter),
  }));
  // A rule with a keyword the ASCII automaton cannot fold runs everywhere rather than nowhere.
  const foldable = config.rules.map(
    (r) => r.keywords.length > 0 && r.keywords.every((k) => k.length > 0 && isAscii(k)),
  );
  const matcher = new KeywordMatcher(
    config.rules.map((r, i) =>
      foldable[i]
        ? { keywords: r.keywords, exact: r.exactKeywords, assignment: r.assignmentAfterKeyword }
        : { keywords: [] },
    ),
  );
  return {
    config,
    rules,
    global: config.allowlists.map(compileAllowlist),
    matcher,
    alwaysRun: rules.filter((_, i) => !foldable[i]).map((r) => r.index),
    readBuffer: (size) => matcher.readBuffer(size),
  };
}
