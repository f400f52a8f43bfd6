/**
 * One pass over a file finds every rule keyword at once: an Aho–Corasick automaton compiled to a
 * dense DFA over ASCII case-folded character classes. Each character costs two typed-array reads,
 * so the prefilter runs near memory speed however many keywords the rules declare, and rule regexes
 * then run only where their keywords occur.
 */

/** Keyword hits of one text: for each rule that fired, the offsets just past each keyword. */
export type KeywordHits = Map<number, number[]>;

/** A compiled keyword automaton. */
export class KeywordMatcher {
  /** ASCII code → character class (0: a character no keyword contains). */
  private readonly classOf = new Uint8Array(128);
  private readonly classCount: number;
  /** delta[state * classCount + class] → next state. */
  private readonly delta: Int32Array;
  /** For each state, the rule ids it reports: outputs[outStart[s] .. outStart[s + 1]). */
  private readonly outStart: Int32Array;
  private readonly outputs: Int32Array;

  /**
   * @param keywords per rule index, the rule's lower-case keywords. Keywords with non-ASCII
   * characters cannot be folded here: callers treat such rules as keyword-less.
   */
  constructor(keywords: readonly (readonly string[])[]) {
    const trie: Map<number, number>[] = [new Map()];
    const out: number[][] = [[]];
    let classes = 1;
    for (let rule = 0; rule < keywords.length; rule++) {
      for (const word of keywords[rule]!) {
        let s = 0;
        for (let i = 0; i < word.length; i++) {
          const c = word.charCodeAt(i);
          if (this.classOf[c] === 0) {
            this.classOf[c] = classes++;
            const upper = String.fromCharCode(c).toUpperCase().charCodeAt(0);
            if (upper < 128) this.classOf[upper] = this.classOf[c]!;
          }
          const k = this.classOf[c]!;
          let next = trie[s]!.get(k);
          if (next === undefined) {
            next = trie.length;
            trie.push(new Map());
            out.push([]);
            trie[s]!.set(k, next);
          }
          s = next;
        }
        if (!out[s]!.includes(rule)) out[s]!.push(rule);
      }
    }
    this.classCount = classes;
    const { delta, outputs } = buildDfa(trie, out, classes);
    this.delta = delta;
    this.outStart = new Int32Array(trie.length + 1);
    const flat: number[] = [];
    for (let s = 0; s < trie.length; s++) {
      this.outStart[s] = flat.length;
      flat.push(...outputs[s]!);
    }
    this.outStart[trie.length] = flat.length;
    this.outputs = Int32Array.from(flat);
  }

  /** Every rule whose keyword occurs in `text`, with the offset just past each occurrence. */
  scan(text: string): KeywordHits {
    const hits: KeywordHits = new Map();
    const { classOf, delta, outStart, outputs, classCount } = this;
    let state = 0;
    for (let i = 0, n = text.length; i < n; i++) {
      const c = text.charCodeAt(i);
      state = delta[state * classCount + (c < 128 ? classOf[c]! : 0)]!;
      const from = outStart[state]!;
      const to = outStart[state + 1]!;
      if (from === to) continue;
      for (let o = from; o < to; o++) {
        const rule = outputs[o]!;
        const list = hits.get(rule);
        if (list === undefined) hits.set(rule, [i + 1]);
        else list.push(i + 1);
      }
    }
    return hits;
  }
}

/** Breadth-first failure links, folded into a complete transition table. */
function buildDfa(
  trie: Map<number, number>[],
  out: number[][],
  classes: number,
): { delta: Int32Array; outputs: number[][] } {
  const n = trie.length;
  const delta = new Int32Array(n * classes);
  const fail = new Int32Array(n);
  const outputs = out.map((o) => [...o]);
  const queue: number[] = [];
  for (let k = 0; k < classes; k++) {
    const next = trie[0]!.get(k);
    if (next !== undefined) {
      delta[k] = next;
      queue.push(next);
    }
  }
  for (let q = 0; q < queue.length; q++) {
    const s = queue[q]!;
    const f = fail[s]!;
    for (const o of outputs[f]!) if (!outputs[s]!.includes(o)) outputs[s]!.push(o);
    for (let k = 0; k < classes; k++) {
      const next = trie[s]!.get(k);
      if (next === undefined) {
        delta[s * classes + k] = delta[f * classes + k]!;
      } else {
        fail[next] = delta[f * classes + k]!;
        delta[s * classes + k] = next;
        queue.push(next);
      }
    }
  }
  return { delta, outputs };
}
