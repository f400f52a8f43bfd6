/**
 * The keyword automaton's byte loops as a small WebAssembly module, assembled here from opcodes
 * (wasm-encoding.ts).
 *
 * Why hand-written WebAssembly rather than JavaScript loops: the DFA walk was ~45 % of a tree scan,
 * and V8 cannot drop the bounds checks of three typed-array loads per byte; the same loop in
 * WebAssembly runs ~2–3× faster on Node 20 (measured on bench/secrets). It is small enough to read:
 * the walking loops below, which record (end address, state) pairs, then the generic rule's
 * assignment check over those pairs (assignment-wasm.ts); no imports.
 *
 * Memory layout (byte addresses): CLASS_AT holds the 256 character classes as i32, already
 * multiplied by 4; ENDS_AT and STARTS_AT what run4 leaves and keeps; PARAMS_AT, KIND_AT and
 * UNITS_AT what the check needs (assignment-wasm.ts); DELTA_AT the transition table as i32, where a state is its table offset
 * in bytes (state index × classes × 4) and a state that reports keywords is stored bitwise-negated,
 * so a step is `state = delta[state + class[byte]]` and one sign test. The caller places the state
 * flags, the output pairs and the scanned bytes after the table.
 */
import { assignBody, confirmBody } from "./assignment-wasm";
import { DFA_MODULE_NARROW, DFA_MODULE_WIDE } from "./dfa-wasm-module";
import {
  ADD,
  CALL,
  GE_U,
  I32,
  LOAD8U,
  LT_S,
  LT_U,
  OR,
  SHL,
  SHR_S,
  TEE,
  XOR,
  block,
  body,
  brIf,
  get,
  i32,
  ifThen,
  inc,
  load,
  loop,
  name,
  section,
  set,
  store,
  u32,
  vec,
} from "./wasm-encoding";

/** Where the class table starts (256 × i32). */
export const CLASS_AT = 0;
/** Where run4 leaves its four final states and four output ends (8 × i32). */
export const ENDS_AT = 1024;
/** Where run4 keeps its four output starts while it loops (4 × i32). */
const STARTS_AT = 1056;
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
  /**
   * One chain over [from, to) from `state`; (end address, state) pairs go from `at`, confirmed;
   * returns their end.
   */
  run1(from: number, to: number, state: number, at: number): number;
  /**
   * By stride (the same order as STRIDES): four chains over [p + k × stride, p + (k + 1) × stride) from states s0..s3, writing
   * pairs from o0..o3; leaves the four final states, then the four ends of the confirmed pairs, at
   * ENDS_AT.
   */
  run4: readonly Run4[];
}

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

/** Function indexes in the module (see encodeModule). */
const CONFIRM = 6;
const ASSIGN = 7;

/** `if (state < 0) state = ~state, then …`: what the loops do when a state reports keywords. */
const ifReports = (state: number, ...code: number[][]) => [
  ...get(state),
  ...i32(0),
  LT_S,
  ...ifThen([...get(state), ...i32(-1), XOR, ...set(state)], ...code),
];

/** If `state` reports: un-negate it, store (ptr + offset + 1, state) at `out`, advance `out` by 8. */
function record(state: number, ptr: number, out: number, offset = 0): number[] {
  return ifReports(
    state,
    [...get(out), ...get(ptr), ...i32(offset + 1), ADD, ...store(0)],
    [...get(out), ...get(state), ...store(4)],
    [...get(out), ...i32(8), ADD, ...set(out)],
  );
}

/**
 * `record` for run4, whose output pointers live in memory at `slot` rather than in locals: the loop
 * then holds only its four states, the pointer and the end in registers (with the outputs as locals
 * too, the optimising compiler spilled and reloaded on every iteration). `tmp` is a scratch local.
 */
function recordAt(state: number, ptr: number, slot: number, offset: number, tmp: number): number[] {
  return ifReports(
    state,
    [...i32(0), ...load(slot), TEE, tmp, ...get(ptr), ...i32(offset + 1), ADD, ...store(0)],
    [...get(tmp), ...get(state), ...store(4)],
    [...i32(0), ...get(tmp), ...i32(8), ADD, ...store(slot)],
  );
}

/** `do { … ptr++ } while (ptr < end)` over locals `ptr` and `end`, skipped when ptr ≥ end already. */
const walk = (ptr: number, end: number, ...code: number[][]) =>
  block(
    [...get(ptr), ...get(end), GE_U],
    brIf(0),
    loop(...code, inc(ptr), [...get(ptr), ...get(end), LT_U], brIf(0)),
  );

/** warm(from 0, to 1) -> state (local 2). */
const warmBody = (narrow: boolean) =>
  body(
    1,
    // A reporting state is negated: un-negate without a branch (s ^ (s >> 31)).
    walk(0, 1, step(narrow, 2, 0), [...get(2), ...get(2), ...i32(31), SHR_S, XOR, ...set(2)]),
    get(2),
  );

/** run1(from 0, to 1, state 2, at 3) -> the end of the confirmed pairs; local 4 the pairs' start. */
const run1Body = (narrow: boolean) =>
  body(1, get(3), set(4), walk(0, 1, step(narrow, 2, 0), record(2, 0, 3)), [
    ...get(4),
    ...get(3),
    CALL,
    CONFIRM,
  ]);

/**
 * run4 over four chains `stride` bytes apart, `stride` bytes each: run4(p 0, s0..s3 = 1..4,
 * o0..o3 = 5..8), locals: 9 the end, 10 scratch. A constant stride lets every chain address its byte
 * as one pointer plus a constant offset, so one increment serves all four. The output pointers are
 * kept in memory, at ENDS_AT + 16 (where run4 leaves them), their starts at STARTS_AT.
 */
function run4Body(narrow: boolean, stride: number): number[] {
  const chains = [0, 1, 2, 3];
  const outSlot = (k: number) => ENDS_AT + 16 + 4 * k;
  return body(
    2,
    ...chains.map((k) => [
      ...[...i32(STARTS_AT + 4 * k), ...get(5 + k), ...store(0)],
      ...[...i32(outSlot(k)), ...get(5 + k), ...store(0)],
    ]),
    [...get(0), ...i32(stride), ADD, ...set(9)],
    loop(
      ...chains.map((k) => step(narrow, 1 + k, 0, k * stride)),
      // Any chain in a reporting state (rare): record each that is.
      [...get(1), ...get(2), OR, ...get(3), OR, ...get(4), OR, ...i32(0), LT_S],
      ifThen(...chains.map((k) => recordAt(1 + k, 0, outSlot(k), k * stride, 10))),
      inc(0),
      [...get(0), ...get(9), LT_U],
      brIf(0),
    ),
    ...chains.map((k) => [...i32(ENDS_AT + 4 * k), ...get(1 + k), ...store(0)]),
    // Then each chain's pairs are confirmed (assignment-wasm.ts), outside the hot loop.
    ...chains.map((k) => [
      ...i32(outSlot(k)),
      ...[...i32(0), ...load(STARTS_AT + 4 * k), ...i32(0), ...load(outSlot(k))],
      ...[CALL, CONFIRM, ...store(0)],
    ]),
  );
}

/** The module's bytes, assembled: what dfa-wasm-module.ts holds, checked by dfa-wasm.test.ts. */
export function encodeModule(narrow: boolean): Uint8Array {
  const types = vec([
    [0x60, 2, I32, I32, 1, I32],
    [0x60, 4, I32, I32, I32, I32, 1, I32],
    [0x60, 9, ...Array<number>(9).fill(I32), 0],
  ]);
  // Function indexes: warm 0, run1 1, run4 2–5, CONFIRM 6, ASSIGN 7.
  const bodies = [
    warmBody(narrow),
    run1Body(narrow),
    ...STRIDES.map((k) => run4Body(narrow, k)),
    confirmBody(ASSIGN),
    assignBody(),
  ];
  return Uint8Array.from([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...section(1, types),
    ...section(3, vec([[0], [1], ...STRIDES.map(() => [2]), [0], [0]])),
    // One memory, one page to start; the matcher grows it to fit its tables and the files.
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
 * below 64), else as i32. The bytes come ready-made from dfa-wasm-module.ts: assembling them here
 * (`encodeModule`) took ≈ 7 ms of cold JavaScript at the start of every scan and in every worker.
 */
export function instantiateDfa(narrow: boolean): DfaExports {
  const wasm = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;
  let module = compiled.get(narrow);
  if (!module) {
    const bytes = Buffer.from(narrow ? DFA_MODULE_NARROW : DFA_MODULE_WIDE, "base64");
    compiled.set(narrow, (module = new wasm.Module(bytes)));
  }
  const e = new wasm.Instance(module, {}).exports;
  return {
    memory: e.memory as DfaExports["memory"],
    warm: e.warm as DfaExports["warm"],
    run1: e.run1 as DfaExports["run1"],
    run4: STRIDES.map((k) => e[`run4_${k}`] as Run4),
  };
}
