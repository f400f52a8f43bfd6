/**
 * The keyword automaton's hot loops, kept as small standalone functions (as methods with growth
 * checks they ran ~40 % slower on V8, measured).
 *
 * A DFA step depends on the previous state, so one run is bound by load latency, not by the CPU's
 * throughput. `runBytes4` therefore walks four segments of a block at once: four independent
 * dependency chains the CPU overlaps (measured ~2× faster than one chain on Node 20). Each chain
 * starts `warm` characters before its segment (at least the longest keyword), so a keyword that
 * straddles two segments is reported once, by the segment it ends in.
 *
 * Every loop records (end offset, state) pairs for the states that report keywords; a state that
 * reports is stored bitwise-negated in `delta`, so a step is one load and one sign test.
 */

/** Runs one DFA chain without recording, from the root: the state at `to`. */
export function warmUp(
  bytes: Uint8Array,
  from: number,
  to: number,
  delta: Int32Array,
  classOf: Uint8Array,
): number {
  let state = 0;
  for (let i = from; i < to; i++) {
    state = delta[state + classOf[bytes[i]!]!]!;
    if (state < 0) state = ~state;
  }
  return state;
}

/** One chain over bytes[from, to) from `state`; pairs go to raw[at…]; returns the end of what it wrote. */
export function runBytes(
  bytes: Uint8Array,
  from: number,
  to: number,
  state: number,
  delta: Int32Array,
  classOf: Uint8Array,
  raw: Int32Array,
  at: number,
): number {
  let n = at;
  for (let i = from; i < to; i++) {
    state = delta[state + classOf[bytes[i]!]!]!;
    if (state < 0) {
      state = ~state;
      raw[n++] = i + 1;
      raw[n++] = state;
    }
  }
  return n;
}

/**
 * Four chains over the four quarters of bytes[from, to) (at least 4 × warm long). Chain k writes
 * its pairs from raw[k * cap] and leaves its end in ends[k]; cap ≥ 2 × the quarter's length.
 */
export function runBytes4(
  bytes: Uint8Array,
  from: number,
  to: number,
  delta: Int32Array,
  classOf: Uint8Array,
  raw: Int32Array,
  cap: number,
  ends: Int32Array,
  warm: number,
): void {
  const seg = Math.ceil((to - from) / 4);
  const a0 = from;
  const a1 = from + seg;
  const a2 = from + 2 * seg;
  const a3 = from + 3 * seg;
  let s0 = warmUp(bytes, Math.max(0, a0 - warm), a0, delta, classOf);
  let s1 = warmUp(bytes, a1 - warm, a1, delta, classOf);
  let s2 = warmUp(bytes, a2 - warm, a2, delta, classOf);
  let s3 = warmUp(bytes, a3 - warm, a3, delta, classOf);
  let n0 = 0;
  let n1 = cap;
  let n2 = 2 * cap;
  let n3 = 3 * cap;
  // The last quarter is the shortest (by at most 3): all four chains step together over its length.
  const len3 = to - a3;
  for (let k = 0; k < len3; k++) {
    s0 = delta[s0 + classOf[bytes[a0 + k]!]!]!;
    s1 = delta[s1 + classOf[bytes[a1 + k]!]!]!;
    s2 = delta[s2 + classOf[bytes[a2 + k]!]!]!;
    s3 = delta[s3 + classOf[bytes[a3 + k]!]!]!;
    if ((s0 | s1 | s2 | s3) < 0) {
      if (s0 < 0) {
        s0 = ~s0;
        raw[n0++] = a0 + k + 1;
        raw[n0++] = s0;
      }
      if (s1 < 0) {
        s1 = ~s1;
        raw[n1++] = a1 + k + 1;
        raw[n1++] = s1;
      }
      if (s2 < 0) {
        s2 = ~s2;
        raw[n2++] = a2 + k + 1;
        raw[n2++] = s2;
      }
      if (s3 < 0) {
        s3 = ~s3;
        raw[n3++] = a3 + k + 1;
        raw[n3++] = s3;
      }
    }
  }
  ends[0] = runBytes(bytes, a0 + len3, a1, s0, delta, classOf, raw, n0);
  ends[1] = runBytes(bytes, a1 + len3, a2, s1, delta, classOf, raw, n1);
  ends[2] = runBytes(bytes, a2 + len3, a3, s2, delta, classOf, raw, n2);
  ends[3] = n3;
}

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
