/** "Did you mean" for rule ids named in settings (`policy.disable`). */

/** The known id `name` most likely means: same but for case and `-`/`_`, a part of one, or a typo. */
export function closestId(name: string, known: readonly string[]): string | undefined {
  const norm = (s: string): string => s.toLowerCase().replace(/[-_]/g, "");
  const key = norm(name);
  const exact = known.find((k) => norm(k) === key);
  if (exact !== undefined) return exact;
  const containing = known.filter((k) => key.length >= 4 && norm(k).includes(key));
  if (containing.length === 1) return containing[0];
  let best: { id: string; distance: number } | undefined;
  for (const id of known) {
    const distance = editDistance(key, norm(id));
    if (distance <= 3 && (!best || distance < best.distance)) best = { id, distance };
  }
  return best?.id;
}

function editDistance(a: string, b: string): number {
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
