/**
 * Checks that a regex cannot express, for Sluice's own rules. A rule names its filter (data that can
 * cross into a worker thread); the detector looks the function up here. `true` keeps the finding.
 */
import { shannonEntropy } from "../engine/entropy";

/** What a filter sees: the secret, the part of the match before it, and the regex's capture groups. */
export type SecretFilter = (
  secret: string,
  before: string,
  groups: readonly (string | undefined)[],
) => boolean;

/** Names of variables that hold a reference to a secret, not the secret: `token_url`, `password_field`. */
const REFERENCE_NAME =
  /(?:url|uri|path|file|name|type|id|ids|length|len|field|endpoint|header|prefix|suffix|format|pattern|regex|label|hint|dir|env|var|count|size|policy|mode|kind|ttl|expiry|expires|expiration|timeout|algorithm|alg|ref|arn|version|hash|digest|sha)["'\]]?\s*(?:=|:=|=>|:|\|\|=|\?=)\s*["'\x60]?$/i;

/**
 * Words joined as identifiers are (`app-secret-v2`, `db_password_ref`, `apiKey-617`,
 * `Summer2024`), with at most a short number: a name or a weak word, not a generated value.
 */
const IDENTIFIER =
  /^[A-Za-z][a-z]*(?:[A-Z][a-z]+)*(?:[-_.][A-Za-z][a-z]*(?:[A-Z][a-z]+)*)*(?:[-_.]?[0-9]{1,4})?$/;

const MEMBER_ACCESS = /^[A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+$/;

const filters: Record<string, SecretFilter> = {
  "generic-secret": (secret, before) => {
    if (REFERENCE_NAME.test(before)) return false;
    if (IDENTIFIER.test(secret)) return false;
    // An unquoted member access in code (`pass: result.mbPerSec`) is an expression, not a value; JWTs,
    // which look alike, have their own rule. (The test that always runs goes first: a branch first
    // taken after the filter was optimised makes V8 throw the optimised code away.)
    if (!secret.startsWith("eyJ") && MEMBER_ACCESS.test(secret)) return false;
    const hasDigit = /[0-9]/.test(secret);
    const hasLetter = /[A-Za-z]/.test(secret);
    const mixedCase = /[a-z]/.test(secret) && /[A-Z]/.test(secret);
    if (!(hasDigit && hasLetter) && !(secret.length >= 24 && mixedCase)) return false;
    // Longer values must look more random: a 30-character sentence fragment has ~3.3 bits.
    return secret.length < 16 || shannonEntropy(secret) >= 3.5;
  },
  "url-password": (secret, _before, groups) => {
    const user = groups[1] ?? "";
    return secret.length >= 4 && secret.toLowerCase() !== user.toLowerCase();
  },
};

/** The filter a rule names; undefined for an unknown name (configs from TOML never set one). */
export function getFilter(name: string | undefined): SecretFilter | undefined {
  return name === undefined ? undefined : filters[name];
}
