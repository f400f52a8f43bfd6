/**
 * Keyword hits found in UTF-8 bytes, moved to the offsets they have in the decoded string: the
 * automaton walks bytes (keyword-matcher.ts), while the rules' regexes run on JavaScript strings.
 */
import type { KeywordHits } from "./keyword-matcher";

/**
 * Byte offsets of valid UTF-8 → offsets in the decoded (UTF-16) string, in place: one walk over the
 * bytes up to the last hit. Hits start at ASCII keyword characters, so always at a character.
 */
export function toUtf16Offsets(bytes: Uint8Array, hits: KeywordHits): void {
  const all = [...new Set([...hits.values()].flat())].sort((a, b) => a - b);
  const map = new Map<number, number>();
  let b = 0;
  let u = 0;
  for (const offset of all) {
    for (; b < offset; b++) {
      const c = bytes[b]!;
      // A continuation byte adds nothing; a 4-byte sequence is a surrogate pair.
      if ((c & 0xc0) !== 0x80) u += c >= 0xf0 ? 2 : 1;
    }
    map.set(offset, u);
  }
  for (const [rule, list] of hits)
    hits.set(
      rule,
      list.map((o) => map.get(o)!),
    );
}
