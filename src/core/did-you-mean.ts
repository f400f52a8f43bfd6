/** "Did you mean": the known name a mistyped one most likely stands for. */

export interface ClosestOptions {
  /** Most edits (insertions, deletions, substitutions) a typo may be away; default 2. */
  maxDistance?: number;
  /** Also accept the one candidate containing `name` (≥ 4 characters): a part of a longer id. */
  substring?: boolean;
}

/**
 * The candidate `name` most likely means: the same but for case and `-`/`_`
 * (`timeout-minutes` → `timeoutMinutes`), then (with `substring`) the only candidate containing it,
 * then the nearest within `maxDistance` edits; undefined when none is close.
 */
export function closestName(
  name: string,
  candidates: readonly string[],
  options: ClosestOptions = {},
): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_]/g, "");
  const key = norm(name);
  const exact = candidates.find((c) => norm(c) === key);
  if (exact !== undefined) return exact;
  if (options.substring && key.length >= 4) {
    const containing = candidates.filter((c) => norm(c).includes(key));
    if (containing.length === 1) return containing[0];
  }
  const maxDistance = options.maxDistance ?? 2;
  let best: { name: string; distance: number } | undefined;
  for (const candidate of candidates) {
    const distance = editDistance(key, norm(candidate));
    if (distance <= maxDistance && (!best || distance < best.distance)) best = { name: candidate, distance };
  }
  return best?.name;
}

/** Levenshtein distance. */
export function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
    }
    previous = current;
  }
  return previous[b.length]!;
}
