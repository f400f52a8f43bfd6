/**
 * Just enough of the WebAssembly binary format (core spec, version 1) to assemble the keyword
 * automaton's small module by hand (dfa-wasm.ts, assignment-wasm.ts): opcodes, LEB128 integers and
 * sections. No WebAssembly toolchain is a dependency.
 */

// Value and block types.
export const I32 = 0x7f;
export const VOID = 0x40;

// Control.
export const BLOCK = 0x02;
export const LOOP = 0x03;
export const IF = 0x04;
export const ELSE = 0x05;
export const END = 0x0b;
export const BR = 0x0c;
export const BR_IF = 0x0d;
export const RETURN = 0x0f;
export const CALL = 0x10;

// Locals and memory.
export const GET = 0x20;
export const SET = 0x21;
export const TEE = 0x22;
export const LOAD = 0x28;
export const LOAD8U = 0x2d;
export const STORE = 0x36;
export const CONST = 0x41;

// i32 arithmetic and comparisons.
export const EQZ = 0x45;
export const EQ = 0x46;
export const NE = 0x47;
export const LT_S = 0x48;
export const LT_U = 0x49;
export const GT_U = 0x4b;
export const GE_S = 0x4e;
export const GE_U = 0x4f;
export const ADD = 0x6a;
export const AND = 0x71;
export const OR = 0x72;
export const XOR = 0x73;
export const SHL = 0x74;
export const SHR_S = 0x75;
export const SHR_U = 0x76;

/** Unsigned LEB128. */
export function u32(n: number): number[] {
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
export function s32(n: number): number[] {
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

export const get = (l: number): number[] => [GET, l];
export const set = (l: number): number[] => [SET, l];
export const i32 = (n: number): number[] => [CONST, ...s32(n)];
/** i32.load / i32.store with a constant offset (alignment hint 4 bytes). */
export const load = (offset: number): number[] => [LOAD, 2, ...u32(offset)];
export const store = (offset: number): number[] => [STORE, 2, ...u32(offset)];
/** i32.load8_u with a constant offset. */
export const load8 = (offset: number): number[] => [LOAD8U, 0, ...u32(offset)];
/** local += 1 */
export const inc = (l: number): number[] => [...get(l), ...i32(1), ADD, ...set(l)];

export function section(id: number, body: number[]): number[] {
  return [id, ...u32(body.length), ...body];
}

export function vec(items: number[][]): number[] {
  return [...u32(items.length), ...items.flat()];
}

export const name = (s: string): number[] => [...u32(s.length), ...Array.from(s, (c) => c.charCodeAt(0))];

// Structured control flow: each takes instruction sequences and wraps them.
export const block = (...code: number[][]): number[] => [BLOCK, VOID, ...code.flat(), END];
export const loop = (...code: number[][]): number[] => [LOOP, VOID, ...code.flat(), END];
/** `if (top of stack) { … }` */
export const ifThen = (...code: number[][]): number[] => [IF, VOID, ...code.flat(), END];
/** `if (top of stack) { then } else { otherwise }` */
export const ifElse = (then: number[][], otherwise: number[][]): number[] => [
  IF,
  VOID,
  ...then.flat(),
  ELSE,
  ...otherwise.flat(),
  END,
];
export const br = (depth: number): number[] => [BR, depth];
export const brIf = (depth: number): number[] => [BR_IF, depth];
/** A function body: `locals` i32 locals after the parameters, then the code. */
export const body = (locals: number, ...code: number[][]): number[] => [
  ...(locals > 0 ? [1, locals, I32] : [0]),
  ...code.flat(),
  END,
];
