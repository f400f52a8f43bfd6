/**
 * Building the keyword automaton: an Aho–Corasick trie over ASCII character classes (both cases of a
 * letter share a class unless the letter is split, see `caseSplitLetters`), its failure links folded
 * into a complete transition table. Plain data out; keyword-matcher.ts turns it into the scanning
 * tables.
 *
 * Built in flat typed arrays rather than a Map per trie node: this runs at the start of every scan
 * and in every worker thread, and the Map version took ~10 ms (a few percent of a 100 MiB scan).
 */

/** What the automaton needs of a rule. */
export interface KeywordRule {
  /** Lower-case unless `exact`; ASCII only. */
  keywords: readonly string[];
  exact?: boolean;
  assignment?: boolean;
}

/** One keyword a state reports: the rule it belongs to and the keyword as the rule spells it. */
export type KeywordOutput = readonly [rule: number, word: string];

/** The automaton as tables. States are indexes; state 0 is the root. */
export interface KeywordDfa {
  /** Byte / char code → character class (0: a character no keyword contains, and all non-ASCII). */
  classOf: Uint8Array;
  classCount: number;
  states: number;
  /**
   * delta[state × classCount + class] → the next state as the WebAssembly loops take it: its row's
   * byte offset (index × classCount × 4), bitwise-negated when the state reports keywords.
   */
  delta: Int32Array;
  /** The keywords that end in each state, own first, then those of its failure chain. */
  outputs: KeywordOutput[][];
}

/** The automaton of the rules' keywords. */
export function buildKeywordDfa(rules: readonly KeywordRule[]): KeywordDfa {
  const split = caseSplitLetters(rules);
  const entries: { rule: number; word: string; spelled: string }[] = [];
  rules.forEach((rule, r) => {
    for (const word of rule.keywords) {
      // An exact keyword is walked in its own case (split letters then tell `SK` from `sk`); any
      // other keyword in every case of its split letters.
      if (rule.exact) entries.push({ rule: r, word, spelled: word });
      else
        for (const spelled of caseVariants(word.toLowerCase(), split))
          entries.push({ rule: r, word, spelled });
    }
  });
  const classOf = new Uint8Array(256);
  let classes = 1;
  // Both cases of a letter share a class, except split letters: their upper case has its own.
  for (const { spelled } of entries) {
    for (const ch of spelled) {
      const lower = ch.toLowerCase();
      const c = lower.charCodeAt(0);
      if (classOf[c] !== 0) continue;
      classOf[c] = classes++;
      const upper = lower.toUpperCase().charCodeAt(0);
      if (upper < 128 && upper !== c) classOf[upper] = split.has(lower) ? classes++ : classOf[c]!;
    }
  }
  const { edges, outputs } = breadthFirst(buildTrie(entries, classOf));
  const delta = foldFailures(edges, outputs, classes);
  return { classOf, classCount: classes, states: outputs.length, delta, outputs };
}

/** The trie: each state's edges as (class, child) pairs, and the keywords that end in it. */
function buildTrie(
  entries: readonly { rule: number; word: string; spelled: string }[],
  classOf: Uint8Array,
): { edges: number[][]; outputs: KeywordOutput[][] } {
  const edges: number[][] = [[]];
  const outputs: KeywordOutput[][] = [[]];
  for (const { rule, word, spelled } of entries) {
    let s = 0;
    for (let i = 0; i < spelled.length; i++) {
      const k = classOf[spelled.charCodeAt(i)]!;
      const e = edges[s]!;
      let next = -1;
      for (let j = 0; j < e.length; j += 2) if (e[j] === k) next = e[j + 1]!;
      if (next < 0) {
        next = outputs.length;
        edges.push([]);
        outputs.push([]);
        e.push(k, next);
      }
      s = next;
    }
    if (!outputs[s]!.some(([r, w]) => r === rule && w === word)) outputs[s]!.push([rule, word]);
  }
  return { edges, outputs };
}

/**
 * The trie with its states numbered breadth-first, so that the shallow states — where the automaton
 * spends nearly all its time on ordinary text — have neighbouring rows in the transition table. In
 * insertion order they were spread over the whole table (~240 KiB for Sluice's rules), and each step
 * of the scan waited on the L2 cache rather than L1: the keyword pass ran ~1.5× slower.
 */
function breadthFirst(trie: { edges: number[][]; outputs: KeywordOutput[][] }): {
  edges: number[][];
  outputs: KeywordOutput[][];
} {
  const order = [0];
  for (let i = 0; i < order.length; i++) {
    const e = trie.edges[order[i]!]!;
    for (let j = 1; j < e.length; j += 2) order.push(e[j]!);
  }
  const index = new Int32Array(order.length);
  order.forEach((s, i) => (index[s] = i));
  return {
    edges: order.map((s) => trie.edges[s]!.map((v, j) => (j % 2 === 1 ? index[v]! : v))),
    outputs: order.map((s) => trie.outputs[s]!),
  };
}

/**
 * The complete transition table: breadth-first, each state's row starts as a copy of its failure
 * state's (complete, being shallower) and its own edges overwrite that; each state also reports the
 * keywords of its failure state. Per state, one native row copy and its few edges: no loop over
 * every (state, class) pair in JavaScript, not even to encode the entries (see `KeywordDfa.delta`):
 * whether a state reports is known once its failure state is, when its edge is written.
 */
function foldFailures(edges: readonly number[][], outputs: KeywordOutput[][], classes: number): Int32Array {
  const unit = classes * 4;
  const delta = new Int32Array(outputs.length * classes);
  const fail = new Int32Array(outputs.length);
  const reports = new Uint8Array(outputs.length);
  const queue = new Int32Array(outputs.length);
  const encode = (t: number) => (reports[t] ? ~(t * unit) : t * unit);
  const decode = (v: number) => (v < 0 ? ~v : v) / unit;
  let tail = 0;
  const root = edges[0]!;
  for (let j = 0; j < root.length; j += 2) {
    const child = root[j + 1]!;
    reports[child] = outputs[child]!.length > 0 ? 1 : 0;
    delta[root[j]!] = encode(child);
    queue[tail++] = child;
  }
  for (let head = 0; head < tail; head++) {
    const s = queue[head]!;
    const f = fail[s]!;
    for (const o of outputs[f]!) if (!outputs[s]!.includes(o)) outputs[s]!.push(o);
    delta.copyWithin(s * classes, f * classes, (f + 1) * classes);
    const e = edges[s]!;
    for (let j = 0; j < e.length; j += 2) {
      const next = e[j + 1]!;
      fail[next] = decode(delta[f * classes + e[j]!]!);
      reports[next] = outputs[next]!.length > 0 || reports[fail[next]!] ? 1 : 0;
      delta[s * classes + e[j]!] = encode(next);
      queue[tail++] = next;
    }
  }
  return delta;
}

/**
 * Letters whose two cases the automaton tells apart: those of the shortest exact keywords (`SK`,
 * `Q~`). Folded, `SK` fires on every "task" and "disk" — a third of all raw keyword hits on source
 * code — only for the exact-case check to drop nearly all of them. Only letters of keywords of one or
 * two characters: every case-insensitive keyword holding a split letter is entered in both of its
 * cases, so splitting many letters would multiply the automaton.
 */
function caseSplitLetters(rules: readonly KeywordRule[]): Set<string> {
  const split = new Set<string>();
  for (const rule of rules) {
    if (!rule.exact) continue;
    for (const word of rule.keywords) {
      if (word.length > 2) continue;
      for (const ch of word.toLowerCase()) if (ch >= "a" && ch <= "z") split.add(ch);
    }
  }
  return split;
}

/** `word` (lower-case) spelled with every combination of cases of its split letters. */
function caseVariants(word: string, split: ReadonlySet<string>): string[] {
  let variants = [""];
  for (const ch of word) {
    const cases = split.has(ch) ? [ch, ch.toUpperCase()] : [ch];
    variants = variants.flatMap((v) => cases.map((c) => v + c));
  }
  return variants;
}
