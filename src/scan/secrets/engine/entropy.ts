/** Shannon entropy in bits per character: gitleaks' measure of how random a secret looks. */
export function shannonEntropy(s: string): number {
  const n = s.length;
  if (n === 0) return 0;
  // Secrets are almost always ASCII: count in a typed array, fall back to a Map otherwise.
  const ascii = new Uint16Array(128);
  let other: Map<number, number> | undefined;
  for (let i = 0; i < n; i++) {
    const c = s.charCodeAt(i);
    if (c < 128) ascii[c]!++;
    else (other ??= new Map()).set(c, (other.get(c) ?? 0) + 1);
  }
  let h = 0;
  const add = (count: number) => {
    const p = count / n;
    h -= p * Math.log2(p);
  };
  for (let c = 0; c < 128; c++) if (ascii[c]! > 0) add(ascii[c]!);
  if (other) for (const count of other.values()) add(count);
  return h;
}
