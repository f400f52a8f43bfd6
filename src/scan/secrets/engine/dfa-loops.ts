/**
 * The keyword automaton's loop over strings (non-ASCII files, diff fragments), kept as a small
 * standalone function (as a method with growth checks it ran ~40 % slower on V8, measured). Bytes
 * are walked by the WebAssembly loops of dfa-wasm.ts.
 *
 * It records (end offset, state) pairs for the states that report keywords; a state that reports
 * is stored bitwise-negated in `delta`, so a step is one load and one sign test.
 */

/** The final state of the last runString: module-level so that the loop returns a single number. */
export let lastState = 0;

/** One chain over a string's char codes (non-ASCII characters are class 0). */
export function runString(
  text: string,
  from: number,
  to: number,
  state: number,
  delta: Int32Array,
  classOf: Uint8Array,
  raw: Int32Array,
): number {
  let n = 0;
  for (let i = from; i < to; i++) {
    const c = text.charCodeAt(i);
    state = delta[state + (c < 128 ? classOf[c]! : 0)]!;
    if (state < 0) {
      state = ~state;
      raw[n++] = i + 1;
      raw[n++] = state;
    }
  }
  lastState = state;
  return n;
}
