/**
 * Secret masking for step output: every registered value, and the encoded forms a secret commonly
 * leaks in, is replaced by `***` before a line reaches a log, a report or the UI.
 */

/** What a masked span is replaced with (GitHub's marker). */
export const MASK = "***";

/**
 * Base64 fragments shorter than this are not registered: a one- or two-byte secret encodes to one or
 * two characters that would otherwise be hidden everywhere in the log.
 */
const MIN_BASE64_FRAGMENT = 4;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Base64 text of `value` as it appears inside a longer base64 string, for each of the three byte
 * alignments it can start at (e.g. `user:secret` in a Basic auth header). Only characters that depend
 * on the secret's bytes alone are kept, so the fragments match whatever surrounds the secret.
 */
function base64Fragments(value: string): string[] {
  const bytes = Buffer.from(value, "utf8");
  const fragments: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString("base64");
    // Character i covers bits [6i, 6i+6): skip those touching the filler bytes or the unknown tail.
    const first = Math.ceil((8 * offset) / 6);
    const last = Math.floor((8 * (offset + bytes.length)) / 6);
    const fragment = encoded.slice(first, last);
    if (fragment.length >= MIN_BASE64_FRAGMENT) fragments.push(fragment);
  }
  return fragments;
}

function urlEncoded(value: string): string | null {
  try {
    return encodeURIComponent(value);
  } catch {
    // Lone surrogates cannot be URL-encoded, so that form cannot appear in output either.
    return null;
  }
}

/**
 * Registry of secret values and a masker for text.
 *
 * {@link add} registers, for each value (trimmed; empty or whitespace-only values are ignored):
 * - the value itself and, for multi-line values, each non-empty trimmed line, because the engine
 *   masks output line by line;
 * - its JSON string-escaped form (`JSON.stringify` without the quotes), e.g. a secret containing `"`
 *   or `\` printed inside JSON;
 * - its URL-encoded form (`encodeURIComponent`), e.g. a token in a query string;
 * - its base64 forms (standard alphabet, unpadded, at each of the three byte alignments, only when at
 *   least 4 characters long), e.g. inside an `Authorization: Basic` header.
 *
 * {@link mask} hides the union of all occurrences: where registered values overlap or touch, the
 * whole covered span becomes a single `***`, so no fragment of either leaks. The matcher is compiled
 * lazily, once per change of the registry, not per call. Registering a value affects only text masked
 * afterwards.
 */
export class Masker {
  private readonly values = new Set<string>();
  private matcher: RegExp | null = null;

  /** Number of distinct strings currently masked (values plus their derived forms). */
  get size(): number {
    return this.values.size;
  }

  /** Registers a secret and its derived forms. Idempotent; ignores empty and whitespace-only values. */
  add(secret: string): void {
    const candidates = new Set<string>([secret.trim()]);
    if (/[\r\n]/.test(secret)) {
      for (const line of secret.split(/\r?\n|\r/)) candidates.add(line.trim());
    }
    for (const value of candidates) {
      if (value === "") continue;
      this.register(value);
      this.register(JSON.stringify(value).slice(1, -1));
      const url = urlEncoded(value);
      if (url !== null) this.register(url);
      for (const fragment of base64Fragments(value)) this.register(fragment);
    }
  }

  /** Returns `text` with every occurrence of a registered value replaced by `***`. Does not change the registry. */
  mask(text: string): string {
    if (this.values.size === 0 || text === "") return text;
    const matcher = this.compile();
    matcher.lastIndex = 0;

    let out = "";
    let copied = 0;
    let spanStart = -1;
    let spanEnd = -1;
    for (let m = matcher.exec(text); m !== null; m = matcher.exec(text)) {
      const start = m.index;
      const end = start + (m[1] ?? "").length;
      // The match is zero-width (a lookahead), so step past it by hand to find overlapping secrets.
      matcher.lastIndex = start + 1;
      if (spanStart >= 0 && start <= spanEnd) {
        spanEnd = Math.max(spanEnd, end);
        continue;
      }
      if (spanStart >= 0) {
        out += text.slice(copied, spanStart) + MASK;
        copied = spanEnd;
      }
      spanStart = start;
      spanEnd = end;
    }
    if (spanStart < 0) return text;
    return out + text.slice(copied, spanStart) + MASK + text.slice(spanEnd);
  }

  private register(value: string): void {
    if (value.trim() === "" || this.values.has(value)) return;
    this.values.add(value);
    this.matcher = null;
  }

  /**
   * One lookahead per position, alternatives longest first: the match at each start is the longest
   * registered value beginning there, and overlapping occurrences are all seen.
   */
  private compile(): RegExp {
    if (this.matcher === null) {
      const alternatives = [...this.values].sort((a, b) => b.length - a.length).map(escapeRegExp);
      this.matcher = new RegExp(`(?=(${alternatives.join("|")}))`, "g");
    }
    return this.matcher;
  }
}
