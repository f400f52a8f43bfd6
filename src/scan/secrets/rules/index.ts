/**
 * Sluice's default secrets configuration: what runs without a `.gitleaks.toml`, and what
 * `[extend] useDefault = true` extends. Specific rules come before the generic one, and overlapping
 * rules for the same value (Gemini vs Google API key, connection string vs account key) list the more
 * specific first: identical findings keep the first rule's.
 */
import type { SecretsConfig } from "../types";
import { allowlist } from "./define";
import { cloudRules } from "./cloud";
import { genericRules } from "./generic";
import { databaseRules, keyRules } from "./keys";
import { messagingRules } from "./messaging";
import { aiRules, paymentRules } from "./payment-ai";
import { saasRules } from "./saas";
import { vcsRules } from "./vcs";

/** Files no secret scan should read: dependencies, VCS internals, Sluice's own state. */
const DEFAULT_ALLOWLIST = allowlist({
  description: "vendored dependencies, VCS internals and scanner state",
  paths: [
    /(?:^|\/)node_modules\//,
    /(?:^|\/)\.git\//,
    /(?:^|\/)\.sluice\//,
    /(?:^|\/)\.gitleaks\.toml$/,
    /(?:^|\/)\.gitleaksignore$/,
    /(?:^|\/)\.?sluice-secrets-baseline\.json$/,
  ],
});

/**
 * Placeholders in documentation and templates (`AKIAIOSFODNN7EXAMPLE`, `sk_live_xxxxxxxx…`): a
 * random secret never contains these, a placeholder nearly always does.
 */
const PLACEHOLDERS = allowlist({
  description: "documentation and template placeholders",
  stopwords: ["example", "xxxxxxxx", "00000000000000000000"],
});

/** A fresh copy of the default configuration (callers may extend it). */
export function defaultSecretsConfig(): SecretsConfig {
  return {
    rules: [
      ...keyRules,
      ...cloudRules,
      ...vcsRules,
      ...messagingRules,
      ...paymentRules,
      ...aiRules,
      ...saasRules,
      ...databaseRules,
      ...genericRules,
    ].map((r) => ({ ...r })),
    allowlists: [DEFAULT_ALLOWLIST, PLACEHOLDERS],
    source: "default",
  };
}
