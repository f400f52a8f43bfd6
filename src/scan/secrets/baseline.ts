/**
 * Baselines: a JSON file of fingerprints of accepted findings (historic secrets already rotated,
 * test keys). `sluice/v2` fingerprints hold nothing of the values, so the file can be committed.
 * Baselines of `sluice/v1` fingerprints (SHA-256 of the value) still match, with a note asking to
 * rewrite them: a transition, so that upgrading does not bring every accepted finding back at once.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createError } from "../../core/errors";
import type { ScanFinding } from "../types";
import { attachedSecrets } from "../secret-mask";
import { fingerprintV1, isV1Fingerprint } from "./fingerprint";

/** The file format `writeBaseline` produces (version 1 held `sluice/v1` fingerprints). */
export interface SecretsBaselineFile {
  tool: "sluice";
  kind: "secrets";
  version: 2;
  fingerprints: string[];
}

/**
 * Parse a baseline: Sluice's format, a plain array of fingerprints, or an array of findings with a
 * `fingerprint` field (a saved `--json` report). Throws SLUICE_E_SECRETS_CONFIG when malformed.
 */
export function parseBaseline(text: string, file: string): Set<string> {
  let doc: unknown;
  try {
    doc = JSON.parse(text);
  } catch (err) {
    throw createError(
      "SLUICE_E_SECRETS_CONFIG",
      `${file}: the baseline is not valid JSON: ${(err as Error).message}`,
      { location: { file }, cause: err },
    );
  }
  const list = Array.isArray(doc)
    ? doc
    : (doc as { fingerprints?: unknown; findings?: unknown } | null)?.fingerprints;
  const items = Array.isArray(list) ? list : (doc as { findings?: unknown } | null)?.findings;
  if (!Array.isArray(items)) {
    throw createError(
      "SLUICE_E_SECRETS_CONFIG",
      `${file}: a baseline is a JSON array of fingerprints or { "fingerprints": [...] }`,
      { location: { file } },
    );
  }
  const out = new Set<string>();
  for (const item of items) {
    const fp = typeof item === "string" ? item : (item as { fingerprint?: unknown } | null)?.fingerprint;
    if (typeof fp === "string") out.add(fp);
  }
  return out;
}

/**
 * Read a baseline file. A missing file is an error (a mistyped `--baseline` must not pass silently
 * as "nothing accepted") unless `optional`: the path configured in sluice.yml before its first
 * `--write-baseline`.
 */
export function readBaseline(file: string, optional = false): Set<string> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    const missing = (err as NodeJS.ErrnoException).code === "ENOENT";
    if (missing && optional) return new Set();
    throw createError(
      "SLUICE_E_SECRETS_CONFIG",
      missing
        ? `${file}: the baseline does not exist (create it with --write-baseline, or check the path)`
        : `${file}: cannot read the baseline: ${(err as Error).message}`,
      { location: { file }, cause: err },
    );
  }
  return parseBaseline(text, file);
}

/** Write a baseline atomically (a crash never leaves half a file), fingerprints sorted for diffs. */
export function writeBaseline(file: string, fingerprints: Iterable<string>): void {
  const doc: SecretsBaselineFile = {
    tool: "sluice",
    kind: "secrets",
    version: 2,
    fingerprints: [...new Set(fingerprints)].sort(),
  };
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(doc, null, 2) + "\n");
  renameSync(tmp, file);
}

/** What applying (or writing) a baseline left: the findings to report and what to tell the reader. */
export interface BaselineOutcome {
  findings: ScanFinding[];
  baselined: number;
  notes: string[];
  /** Set when the baseline was written. */
  outcome?: string;
}

/**
 * `write`: record every fingerprint in `file`, then report nothing (all of it is now accepted).
 * Otherwise drop the findings `baseline` lists, matching `sluice/v1` entries on the values still
 * attached to the findings. `shown` is the path as the notes name it.
 */
export function applyBaseline(
  findings: ScanFinding[],
  options: { file?: string; shown?: string; write?: boolean; baseline?: Set<string> },
): BaselineOutcome {
  const shown = options.shown ?? options.file ?? "";
  if (options.file && options.write) {
    const prints = new Set(findings.map((f) => f.fingerprint));
    writeBaseline(options.file, prints);
    return {
      findings: [],
      baselined: findings.length,
      notes: [],
      outcome: `wrote ${prints.size} fingerprint(s) to ${shown}`,
    };
  }
  const baseline = options.baseline;
  if (!baseline) return { findings, baselined: 0, notes: [] };
  const v1 = [...baseline].filter(isV1Fingerprint).length;
  const accepted = (f: ScanFinding) =>
    baseline.has(f.fingerprint) ||
    (v1 > 0 && attachedSecrets(f).some((s) => baseline.has(fingerprintV1(f, f.ruleId, s))));
  const kept = findings.filter((f) => !accepted(f));
  const notes =
    v1 === 0
      ? []
      : [
          `${shown} holds ${v1} sluice/v1 fingerprint(s): unsalted SHA-256 hashes of the secrets, from ` +
            `which a weak one can be recovered. They still match for now; rewrite the file with ` +
            `--write-baseline (sluice/v2 fingerprints hold nothing of the values).`,
        ];
  return { findings: kept, baselined: findings.length - kept.length, notes };
}
