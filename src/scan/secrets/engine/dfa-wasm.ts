/**
 * The keyword automaton's byte loops as a small WebAssembly module, assembled here from opcodes.
 *
 * Why hand-written WebAssembly rather than the JavaScript loops (dfa-loops.ts): the DFA walk was
 * ~45 % of a tree scan, and V8 cannot drop the bounds checks of three typed-array loads per byte;
 * the same loop in WebAssembly runs ~2–3× faster on Node 20 (measured on bench/secrets). No
 * WebAssembly toolchain is a dependency, so the module is encoded by the few helpers below, and it is
 * small enough to read: three functions, no imports.
 *
 * Memory layout (byte addresses): CLASS_AT holds the 256 character classes as i32, already
 * multiplied by 4; DELTA_AT the transition table as i32, where a state is its table offset in bytes
 * (state index × classes × 4) and a state that reports keywords is stored bitwise-negated, so a step
 * is `state = delta[state + class[byte]]` and one sign test. The caller places the output pairs and
 * the scanned bytes after the table.
 */

/** Where the class table starts (256 × i32). */
export const CLASS_AT = 0;
/** Where run4 leaves its four final states and four output ends (8 × i32). */
export const ENDS_AT = 1024;
/** Where the transition table starts. */
export const DELTA_AT = 2048;

/** Strides of the four-chain loops, largest first: a block of 4 × stride bytes per call. */
export const STRIDES = [16384, 4096, 1024, 256] as const;

/** A four-chain loop: see `run4Body`. */
export type Run4 = (
  p: number,
  s0: number,
  s1: number,
  s2: number,
  s3: number,
  o0: number,
  o1: number,
  o2: number,
  o3: number,
) => void;

/** The module's functions. Addresses are byte addresses in `memory`. */
export interface DfaExports {
  memory: { readonly buffer: ArrayBuffer; grow(pages: number): number };
  /** The state after walking [from, to) from the root, without recording. */
  warm(from: number, to: number): number;
  /** One chain over [from, to) from `state`; (end address, state) pairs go from `at`; returns the end. */
  run1(from: number, to: number, state: number, at: number): number;
  /**
   * By stride: four chains over [p + k × stride, p + (k + 1) × stride) from states s0..s3, writing
   * pairs from o0..o3; leaves the four final states, then the four output ends, at ENDS_AT.
   */
  run4: ReadonlyMap<number, Run4>;
}

// Opcodes used below (WebAssembly core spec, binary format).
const I32 = 0x7f;
const VOID = 0x40;
const BLOCK = 0x02;
const LOOP = 0x03;
const IF = 0x04;
const END = 0x0b;
const BR_IF = 0x0d;
const GET = 0x20;
const SET = 0x21;
const LOAD = 0x28;
const LOAD8U = 0x2d;
const STORE = 0x36;
const CONST = 0x41;
const LT_S = 0x48;
const GE_U = 0x4f;
const LT_U = 0x49;
const ADD = 0x6a;
const OR = 0x72;
const XOR = 0x73;
const SHL = 0x74;
const SHR_S = 0x75;

/** Unsigned LEB128. */
function u32(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

/** Signed LEB128 of an i32. */
function s32(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

const get = (l: number) => [GET, l];
const set = (l: number) => [SET, l];
const i32 = (n: number) => [CONST, ...s32(n)];
/** i32.load / i32.store with a constant offset (alignment hint 4 bytes). */
const load = (offset: number) => [LOAD, 2, ...u32(offset)];
const store = (offset: number) => [STORE, 2, ...u32(offset)];

/**
 * state = delta[state + class[byte at ptr + offset]]: the one step of every loop. With `narrow`
 * classes (class × 4 fits a byte) the class table is read as bytes, saving a shift per byte.
 */
function step(narrow: boolean, state: number, ptr: number, offset = 0): number[] {
  const cls = narrow ? [LOAD8U, 0, ...u32(CLASS_AT)] : [...i32(2), SHL, ...load(CLASS_AT)];
  return [
    ...get(state),
    ...get(ptr),
    LOAD8U,
    0,
    ...u32(offset),
    ...cls,
    ADD,
    ...load(DELTA_AT),
    ...set(state),
  ];
}

/** If `state` reports: un-negate it, store (ptr + offset + 1, state) at `out`, advance `out` by 8. */
function record(state: number, ptr: number, out: number, offset = 0): number[] {
  return [
    ...get(state),
    ...i32(0),
    LT_S,
    IF,
    VOID,
    ...get(state),
    ...i32(-1),
    XOR,
    ...set(state),
    ...get(out),
    ...get(ptr),
    ...i32(offset + 1),
    ADD,
    ...store(0),
    ...get(out),
    ...get(state),
    ...store(4),
    ...get(out),
    ...i32(8),
    ADD,
    ...set(out),
    END,
  ];
}

const inc = (l: number) => [...get(l), ...i32(1), ADD, ...set(l)];

/** warm(from 0, to 1) -> state (local 2). */
const warmBody = (narrow: boolean) => [
  1,
  1,
  I32,
  BLOCK,
  VOID,
  ...get(0),
  ...get(1),
  GE_U,
  BR_IF,
  0,
  LOOP,
  VOID,
  ...step(narrow, 2, 0),
  // A reporting state is negated: un-negate without a branch (s ^ (s >> 31)).
  ...get(2),
  ...get(2),
  ...i32(31),
  SHR_S,
  XOR,
  ...set(2),
  ...inc(0),
  ...get(0),
  ...get(1),
  LT_U,
  BR_IF,
  0,
  END,
  END,
  ...get(2),
  END,
];

/** run1(from 0, to 1, state 2, at 3) -> at. */
const run1Body = (narrow: boolean) => [
  0,
  BLOCK,
  VOID,
  ...get(0),
  ...get(1),
  GE_U,
  BR_IF,
  0,
  LOOP,
  VOID,
  ...step(narrow, 2, 0),
  ...record(2, 0, 3),
  ...inc(0),
  ...get(0),
  ...get(1),
  LT_U,
  BR_IF,
  0,
  END,
  END,
  ...get(3),
  END,
];

/**
 * run4 over four chains `stride` bytes apart, `stride` bytes each: run4(p 0, s0..s3 = 1..4,
 * o0..o3 = 5..8), local 9 the end. A constant stride lets every chain address its byte as one
 * pointer plus a constant offset, so one increment serves all four.
 */
function run4Body(narrow: boolean, stride: number): number[] {
  const at =
    (k: number): ((state: number) => number[]) =>
    (state) =>
      step(narrow, state, 0, k * stride);
  return [
    1,
    1,
    I32,
    ...get(0),
    ...i32(stride),
    ADD,
    ...set(9),
    LOOP,
    VOID,
    ...at(0)(1),
    ...at(1)(2),
    ...at(2)(3),
    ...at(3)(4),
    // Any chain in a reporting state (rare): record each that is.
    ...get(1),
    ...get(2),
    OR,
    ...get(3),
    OR,
    ...get(4),
    OR,
    ...i32(0),
    LT_S,
    IF,
    VOID,
    ...[1, 2, 3, 4].flatMap((state, k) => record(state, 0, 5 + k, k * stride)),
    END,
    ...inc(0),
    ...get(0),
    ...get(9),
    LT_U,
    BR_IF,
    0,
    END,
    ...[1, 2, 3, 4, 5, 6, 7, 8].flatMap((l, k) => [...i32(ENDS_AT + 4 * k), ...get(l), ...store(0)]),
    END,
  ];
}

function section(id: number, body: number[]): number[] {
  return [id, ...u32(body.length), ...body];
}

function vec(items: number[][]): number[] {
  return [...u32(items.length), ...items.flat()];
}

const name = (s: string) => [...u32(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

function encodeModule(narrow: boolean): Uint8Array {
  const types = vec([
    [0x60, 2, I32, I32, 1, I32],
    [0x60, 4, I32, I32, I32, I32, 1, I32],
    [0x60, 9, ...Array<number>(9).fill(I32), 0],
  ]);
  const bodies = [warmBody(narrow), run1Body(narrow), ...STRIDES.map((k) => run4Body(narrow, k))];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, types),
    ...section(3, vec([[0], [1], ...STRIDES.map(() => [2])])),
    // One memory, one page to start; the matcher grows it to fit its table and the files.
    ...section(5, vec([[0x00, 1]])),
    ...section(
      7,
      vec([
        [...name("memory"), 0x02, 0],
        [...name("warm"), 0x00, 0],
        [...name("run1"), 0x00, 1],
        ...STRIDES.map((k, i) => [...name(`run4_${k}`), 0x00, 2 + i]),
      ]),
    ),
    ...section(10, vec(bodies.map((b) => [...u32(b.length), ...b]))),
  ]);
}

/** The part of the WebAssembly API used here (the project's TypeScript libs do not declare it). */
interface WasmApi {
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}

/** Compiled once per thread, for each width of the class table. */
const compiled = new Map<boolean, object>();

/**
 * A fresh instance (own memory). `narrow`: the class table holds class × 4 as bytes (every class
 * below 64), else as i32.
 */
export function instantiateDfa(narrow: boolean): DfaExports {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  let module = compiled.get(narrow);
  if (!module) compiled.set(narrow, (module = new wasm.Module(encodeModule(narrow))));
  const e = new wasm.Instance(module, {}).exports;
  return {
    memory: e.memory as DfaExports["memory"],
    warm: e.warm as DfaExports["warm"],
    run1: e.run1 as DfaExports["run1"],
    run4: new Map(STRIDES.map((k) => [k, e[`run4_${k}`] as Run4])),
  };
}
