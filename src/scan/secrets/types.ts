/**
 * The secrets scanner's configuration model: gitleaks' rule and allowlist concepts, with every
 * pattern already translated to JavaScript syntax. Everything here is plain data (no RegExp, no
 * functions) so that a config can be posted to worker threads as it is.
 */
import type { ScanSeverity } from "../types";
import type { JsPattern } from "./config/go-regex";

export type { JsPattern };

/** What an allowlist's `regexes` are matched against (gitleaks' `regexTarget`; default `secret`). */
export type RegexTarget = "secret" | "match" | "line";

/** One allowlist: a finding it matches is dropped. */
export interface AllowlistSpec {
  description?: string;
  /** OR: any one criterion suffices; AND: every criterion given must match. */
  condition: "OR" | "AND";
  /** Commit SHAs (lower-case) whose findings are ignored; only meaningful when scanning history. */
  commits: string[];
  /** Patterns tested against the file path (relative, `/`-separated). */
  paths: JsPattern[];
  regexes: JsPattern[];
  regexTarget: RegexTarget;
  /** Lower-case words: a secret containing one is ignored. */
  stopwords: string[];
}

/**
 * Where a rule's regex runs once one of its keywords occurs: the whole file (gitleaks' semantics, so
 * user rules behave as they do under gitleaks); only the lines holding a keyword; those lines plus up
 * to N characters after the keyword (multi-line secrets such as PEM blocks); or `anchor`: matches
 * start exactly where a keyword starts (a sticky regex per keyword, the cheapest), for rules whose
 * pattern begins with one of its keywords.
 */
export type RuleWindow = "file" | "line" | "anchor" | number;

/** One detection rule. */
export interface RuleSpec {
  id: string;
  description: string;
  severity: ScanSeverity;
  /** Absent for a path-only rule, which reports the file itself. */
  regex?: JsPattern;
  /** Capture group holding the secret; absent: the first group that matched, else the whole match. */
  secretGroup?: number;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  entropy?: number;
  /** Lower-case words one of which must occur (case-insensitively) for the rule to run; empty: always. */
  keywords: string[];
  /** Sluice's rules only: the keywords are written in the one case they match in (`SK`, `AKIA`). */
  exactKeywords?: boolean;
  /**
   * Sluice's rules only: a keyword counts only when `=` or `:` follows it within a short identifier
   * tail, then a value of at least 8 non-blank characters.
   */
  assignmentAfterKeyword?: boolean;
  /** The rule applies only to files whose path matches. */
  path?: JsPattern;
  tags: string[];
  allowlists: AllowlistSpec[];
  window: RuleWindow;
  /** A named extra check from Sluice's own rules (see rules/filters.ts); never set from TOML. */
  filter?: string;
  /** A generic rule's finding gives way to another rule's finding that overlaps it. */
  generic?: boolean;
}

/** A complete, resolved configuration: what the detector runs. */
export interface SecretsConfig {
  rules: RuleSpec[];
  /** Global allowlists (gitleaks' `[allowlist]` / `[[allowlists]]` without targetRules). */
  allowlists: AllowlistSpec[];
  /** Where it came from: `"default"` or the config file's path. */
  source: string;
}

/** A finding before it becomes a ScanFinding: still holds the secret, never leaves the detector. */
export interface RawSecret {
  ruleIndex: number;
  secret: string;
  /** Offsets into the scanned text. */
  secretStart: number;
  secretEnd: number;
  matchStart: number;
  matchEnd: number;
  entropy: number;
}
