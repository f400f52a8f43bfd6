/**
 * Helpers every lockfile parser shares: located errors, package URLs and name normalisation, and
 * narrow accessors for untyped parsed documents (lockfiles are user input, never trusted shapes).
 */
import { createError, type SluiceError } from "../../core/errors";

/** A malformed-lockfile error located in the file (lines and columns are one-based). */
export function lockfileError(file: string, message: string, line?: number, column?: number): SluiceError {
  return createError("SLUICE_E_LOCKFILE", `${file}: ${message}`, { location: { file, line, column } });
}

/** One-based line and column of a character offset. */
export function positionOf(text: string, offset: number): { line: number; column: number } {
  let line = 1;
  let start = 0;
  const end = Math.min(offset, text.length);
  for (let i = text.indexOf("\n"); i !== -1 && i < end; i = text.indexOf("\n", i + 1)) {
    line++;
    start = i + 1;
  }
  return { line, column: end - start + 1 };
}

/** Maps character offsets to one-based lines quickly (binary search over line starts). */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf("\n"); i !== -1; i = text.indexOf("\n", i + 1)) this.starts.push(i + 1);
  }

  lineOf(offset: number): number {
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  }
}

/** PEP 503 name normalisation, which the purl spec also uses for PyPI names. */
export function normalizePypiName(name: string): string {
  return name.replace(/[-_.]+/g, "-").toLowerCase();
}

/** `pkg:npm/%40scope/name@1.2.3` or `pkg:npm/name@1.2.3`, per the purl spec. */
export function npmPurl(name: string, version: string): string {
  const slash = name.startsWith("@") ? name.indexOf("/") : -1;
  const path =
    slash > 0
      ? `${encodeURIComponent(name.slice(0, slash))}/${encodeURIComponent(name.slice(slash + 1))}`
      : encodeURIComponent(name);
  return `pkg:npm/${path}@${encodeURIComponent(version)}`;
}

/** `pkg:pypi/django@3.2.4`: the name lowercased with runs of `-_.` as one `-`. */
export function pypiPurl(name: string, version: string): string {
  return `pkg:pypi/${encodeURIComponent(normalizePypiName(name))}@${encodeURIComponent(version)}`;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** The value when it is a non-empty string. */
export function str(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

/** Own entries of an object value (an absent or non-object value has none). */
export function entries(value: unknown): [string, unknown][] {
  return isRecord(value) ? Object.entries(value) : [];
}

/** Keys of an object whose values are strings (`dependencies: { name: range }`). */
export function stringMap(value: unknown): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, v] of entries(value)) if (typeof v === "string") out.set(key, v);
  return out;
}

/**
 * Splits `name@version` at the first `@` after the name (`@scope/name@1.0.0`); names never hold an
 * `@` past the scope's, while versions may (`name@git+ssh://git@host/repo`).
 */
export function splitAtVersion(spec: string): { name: string; version: string } | undefined {
  const at = spec.indexOf("@", 1);
  if (at <= 0) return undefined;
  return { name: spec.slice(0, at), version: spec.slice(at + 1) };
}
