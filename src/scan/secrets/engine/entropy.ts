/** Shannon entropy in bits per character: gitleaks' measure of how random a secret looks. */
export function shannonEntropy(s: string): number {
  // A rule's filter and the entropy check ask about the same candidate one after the other.
  if (s === last) return lastEntropy;
  const n = s.length;
  let h = 0;
  if (n > 0) {
    // Secrets are almost always ASCII: count in a typed array, fall back to a Map otherwise.
    counts.fill(0);
    let other: Map<number, number> | undefined;
    for (let i = 0; i < n; i++) {
      const c = s.charCodeAt(i);
      if (c < 128) counts[c]!++;
      else (other ??= new Map()).set(c, (other.get(c) ?? 0) + 1);
    }
    for (let c = 0; c < 128; c++) {
      const p = counts[c]! / n;
      if (p > 0) h -= p * Math.log2(p);
    }
    if (other) {
      for (const count of other.values()) h -= (count / n) * Math.log2(count / n);
    }
  }
  last = s;
  lastEntropy = h;
  return h;
}

const counts = new Uint32Array(128);
let last = "";
let lastEntropy = 0;
