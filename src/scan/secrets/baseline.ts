/**
 * Baselines: a JSON file of fingerprints of accepted findings (historic secrets already rotated,
 * test keys). Fingerprints hold SHA-256 digests, never values, so the file can be committed.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import { createError } from "../../core/errors";

/** The file format `writeBaseline` produces. */
export interface SecretsBaselineFile {
  tool: "sluice";
  kind: "secrets";
  version: 1;
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
      {
        location: { file },
        cause: err,
      },
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
      {
        location: { file },
      },
    );
  }
  const out = new Set<string>();
  for (const item of items) {
    const fp = typeof item === "string" ? item : (item as { fingerprint?: unknown } | null)?.fingerprint;
    if (typeof fp === "string") out.add(fp);
  }
  return out;
}

/** Read a baseline file; a missing file is an empty baseline (the first run of a new project). */
export function readBaseline(file: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return new Set();
    throw createError(
      "SLUICE_E_SECRETS_CONFIG",
      `${file}: cannot read the baseline: ${(err as Error).message}`,
      {
        location: { file },
        cause: err,
      },
    );
  }
  return parseBaseline(text, file);
}

/** Write a baseline atomically (a crash never leaves half a file), fingerprints sorted for diffs. */
export function writeBaseline(file: string, fingerprints: Iterable<string>): void {
  const doc: SecretsBaselineFile = {
    tool: "sluice",
    kind: "secrets",
    version: 1,
    fingerprints: [...new Set(fingerprints)].sort(),
  };
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(doc, null, 2) + "\n");
  renameSync(tmp, file);
}
