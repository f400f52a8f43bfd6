/**
 * The mechanics the `*.fuzz.test.ts` suites share: a seeded generator, prefix and random-edit
 * generators, a time budget, and failure messages that name the seed. Each suite keeps its own inputs,
 * alphabet, edits and oracle. Framework-free, so that a failing seed can be replayed from a script.
 *
 * The order in which a generator is drawn from decides which input a seed yields: the helpers draw in
 * a fixed, documented order so that a seed keeps naming the same case.
 */

/** A number in [0, 1) on each call. */
export type Random = () => number;

/** A whole number in [0, n) on each call (one draw). */
export type Pick = (n: number) => number;

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function mulberry32(seed: number): Random {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Whole numbers below a bound from `rnd`, one draw each. */
export function picker(rnd: Random): Pick {
  return (n) => Math.floor(rnd() * n);
}

/**
 * Runs `run` for seeds 1 to `count` in order, each with a fresh `mulberry32(seed)` and the label
 * (`seed 7`) that assertions and failures should carry so that a failure replays from its seed.
 */
export function eachSeed(count: number, run: (rnd: Random, label: string, seed: number) => void): void {
  for (let seed = 1; seed <= count; seed++) run(mulberry32(seed), `seed ${seed}`, seed);
}

/**
 * `text` cut at offsets 0, step, 2·step, … below `text.length`, or up to and including it with
 * `inclusive` (the whole text is then among them when `step` divides its length).
 */
export function* truncations(
  text: string,
  step: number,
  options: { inclusive?: boolean } = {},
): Generator<[at: number, prefix: string]> {
  const end = options.inclusive ? text.length : text.length - 1;
  for (let at = 0; at <= end; at += step) yield [at, text.slice(0, at)];
}

/** `text` cut at `parts + 1` offsets spread evenly from 0 to its whole length (both included). */
export function* evenTruncations(text: string, parts: number): Generator<[at: number, prefix: string]> {
  for (let i = 0; i <= parts; i++) {
    const at = Math.floor((text.length * i) / parts);
    yield [at, text.slice(0, at)];
  }
}

/** What one edit of `mutate` works with. */
export interface EditStep {
  /** Where the edit applies, in [0, text.length]. */
  at: number;
  /** This step's alphabet entry: drawn once, then the same on every call. */
  char(): string;
  /** Further draws the edit needs, from the same generator. */
  pick: Pick;
}

/** One kind of change: returns the edited text. */
export type Edit = (text: string, step: EditStep) => string;

export interface MutateOptions {
  /** The kinds of change; each step picks one uniformly (repeat an entry, or use `weighted`, to bias). */
  edits: readonly Edit[];
  /** Each call makes 1 to `maxEdits` edits; default 4. */
  maxEdits?: number;
  /**
   * Whether each step draws its alphabet entry before choosing the edit (default), or only when the
   * edit asks for it. Changing it changes which input every seed yields.
   */
  charFirst?: boolean;
}

/**
 * `text` with 1 to `maxEdits` random edits. Draws, in order: the number of edits; then per edit the
 * offset, the alphabet entry (when `charFirst`), the kind of edit, and whatever the edit draws.
 */
export function mutate(
  text: string,
  rnd: Random,
  alphabet: readonly string[],
  options: MutateOptions,
): string {
  const { edits, maxEdits = 4, charFirst = true } = options;
  const pick = picker(rnd);
  let out = text;
  for (let i = 1 + pick(maxEdits); i > 0; i--) {
    const at = pick(out.length + 1);
    let drawn: string | undefined;
    const char = (): string => (drawn ??= alphabet[pick(alphabet.length)]!);
    if (charFirst) char();
    out = edits[pick(edits.length)]!(out, { at, char, pick });
  }
  return out;
}

/** `edits` repeated by weight, for `MutateOptions.edits`: `weighted([3, a], [1, b])` picks a 3 times in 4. */
export function weighted(...entries: Array<[weight: number, edit: Edit]>): Edit[] {
  return entries.flatMap(([weight, edit]) => Array<Edit>(weight).fill(edit));
}

/** Deletes 1 to `n` characters at the offset. */
export function removeUpTo(n: number): Edit {
  return (text, { at, pick }) => text.slice(0, at) + text.slice(at + 1 + pick(n));
}

/** Inserts the alphabet entry at the offset. */
export const insertChar: Edit = (text, { at, char }) => text.slice(0, at) + char() + text.slice(at);

/** Replaces the character at the offset with the alphabet entry. */
export const replaceChar: Edit = (text, { at, char }) => text.slice(0, at) + char() + text.slice(at + 1);

/** Cuts the text at the offset. */
export const truncate: Edit = (text, { at }) => text.slice(0, at);

/** Repeats up to `n - 1` characters from the offset right after themselves. */
export function duplicateUpTo(n: number): Edit {
  return (text, { at, pick }) => {
    const length = pick(n);
    return text.slice(0, at) + text.slice(at, at + length) + text.slice(at);
  };
}

/** Swaps two lines (picked at random, possibly the same). */
export const swapLines: Edit = (text, { pick }) => {
  const lines = text.split("\n");
  const a = pick(lines.length);
  const b = pick(lines.length);
  [lines[a], lines[b]] = [lines[b]!, lines[a]!];
  return lines.join("\n");
};

/** Inserts a copy of a random line before another. */
export const duplicateLine: Edit = (text, { pick }) => {
  const lines = text.split("\n");
  const a = pick(lines.length);
  lines.splice(a, 0, lines[pick(lines.length)]!);
  return lines.join("\n");
};

/** `run()`, or an error naming `label` when it took `budgetMs` or longer. */
export function withinBudget<T>(budgetMs: number, label: string, run: () => T): T {
  const started = performance.now();
  const result = run();
  const ms = performance.now() - started;
  if (ms >= budgetMs) throw new Error(`${label} took too long: ${Math.round(ms)} ms (budget ${budgetMs} ms)`);
  return result;
}

/** `text` as a JSON string, cut to `max` characters with its full length noted. */
export function showInput(text: string, max = 400): string {
  return text.length > max
    ? `${JSON.stringify(text.slice(0, max))}… (${text.length} chars)`
    : JSON.stringify(text);
}

/** An error for an unexpected throw that names the case (its seed or offset) and, if given, the input. */
export function caseFailure(label: string, err: unknown, input?: string): Error {
  const shown = input === undefined ? "" : ` on input ${showInput(input)}`;
  return new Error(`${label}: ${String(err)}${shown}`, { cause: err });
}
