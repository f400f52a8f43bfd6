/**
 * Fingerprints of secrets findings (`sluice/v2`): what baselines and SARIF `partialFingerprints`
 * hold, so nothing in them may help recover a secret. A v2 fingerprint is derived from where the
 * secret is — rule, file, the text around it on its line with every secret masked, and which of
 * several identical such places it is — and from no part of the value (docs/scanning.md, "Secrets").
 *
 * v1 was `file:rule:sha256(secret)`: a weak password is found again by hashing a word list. It is
 * still computed, in memory only, to match baselines written before v2 (see baseline.ts).
 */
import { createHash } from "node:crypto";

/** The SARIF `partialFingerprints` key of secrets findings. */
export const FINGERPRINT_KEY = "sluice/v2";

/** Characters of context on each side of the secret: as much as the snippet shows. */
export const CONTEXT_CHARS = 60;

/**
 * `[commit:]file:rule:<128-bit hash>`. `context` is the secret's line around it with secrets masked
 * (see findings.ts), `occurrence` counts earlier findings of the same text with the same rule and
 * context (identical lines), so that no two findings share a fingerprint.
 */
export function fingerprintV2(
  place: { file: string; commit?: string },
  ruleId: string,
  context: string,
  occurrence: number,
): string {
  const hash = createHash("sha256")
    .update([FINGERPRINT_KEY, ruleId, place.file, context, String(occurrence)].join("\0"))
    .digest("hex")
    .slice(0, 32);
  const base = `${place.file}:${ruleId}:${hash}`;
  return place.commit ? `${place.commit}:${base}` : base;
}

/** The `sluice/v1` fingerprint of a finding, for matching old baselines only: never output. */
export function fingerprintV1(
  place: { file?: string; commit?: string },
  ruleId: string,
  secret: string,
): string {
  const base = `${place.file ?? ""}:${ruleId}:${createHash("sha256").update(secret).digest("hex")}`;
  return place.commit ? `${place.commit}:${base}` : base;
}

/** Whether a baseline entry is a `sluice/v1` fingerprint (it ends in a 64-digit SHA-256). */
export function isV1Fingerprint(fingerprint: string): boolean {
  return /:[0-9a-f]{64}$/.test(fingerprint);
}
