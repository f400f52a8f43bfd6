/**
 * The generic rule's keyword confirmation in WebAssembly, run over the pairs the automaton's loops
 * recorded before JavaScript sees them: `token`, `pass`, `secret`… occur in ordinary identifiers
 * (`tokenCount`, `validatePassword`) — ~270 000 raw hits on the benchmark's 100 MiB, ~90 % of all
 * raw hits — and only ~10 % of them are followed by an assignment of a long enough value. Checked
 * here, the others never reach JavaScript (before, each cost a call and a closure call per character
 * there: ~30 ms of the scan, plus the optimising compiler's time for that code).
 *
 * What it accepts (a superset of what the generic rule's regex accepts after its name): an
 * identifier tail, a closing quote or bracket, blanks, then `=`, `:`, `|` (of `||=`) or `?` (of
 * `?=`), all within ASSIGNMENT_REACH bytes of the keyword's end; then operator characters and blanks
 * (the regex's `\s*` may span lines) and a run of at least VALUE_MIN non-blank characters, counted in
 * UTF-16 units as the regex counts them. Operator characters after the last blank count towards the
 * run, since a value may start with one (`==` then `abc…`): never fewer than the regex's.
 */
import {
  ADD,
  AND,
  CALL,
  EQZ,
  GE_S,
  GE_U,
  GT_U,
  LT_U,
  NE,
  OR,
  RETURN,
  SHR_U,
  TEE,
  block,
  body,
  br,
  brIf,
  get,
  i32,
  ifElse,
  ifThen,
  inc,
  load,
  load8,
  loop,
  set,
  store,
} from "./wasm-encoding";

/** Two i32 the caller sets before a scan: where the state flags start, and the end of the data. */
export const PARAMS_AT = 1088;
/** 256 bytes: the character kinds below, by byte. */
export const KIND_AT = 1280;
/** 256 bytes: UTF-16 units a byte starts (0 for a UTF-8 continuation byte, 2 for a 4-byte lead). */
export const UNITS_AT = 1536;

/** How far past a keyword an assignment operator may sit: identifier tail, a quote, blanks. */
export const ASSIGNMENT_REACH = 48;
/** The generic rule's shortest value (`{8,256}`), quotes not counted. */
export const VALUE_MIN = 8;

const IDENT = 1;
const BLANK = 2;
const OPERATOR = 4;
const OPERATOR_RUN = 8;
const CLOSER = 16;

/** State flags (one byte per state, see `confirmBody`). */
export const FLAG_PLAIN = 0;
/** Some of the state's keywords need an assignment: the pair records whether one follows. */
export const FLAG_SOME_ASSIGNMENT = 1;
/** All of them do: without an assignment the pair is not recorded at all. */
export const FLAG_ALL_ASSIGNMENT = 2;

/** The KIND_AT and UNITS_AT tables. */
export function characterTables(): { kinds: Uint8Array; units: Uint8Array } {
  const kinds = new Uint8Array(256);
  const units = new Uint8Array(256);
  for (let c = 0; c < 256; c++) {
    const ch = String.fromCharCode(c);
    if (/[0-9A-Za-z_.-]/.test(ch)) kinds[c]! |= IDENT;
    if (c === 0x20 || (c >= 0x09 && c <= 0x0d)) kinds[c]! |= BLANK;
    if ("=:|?".includes(ch)) kinds[c]! |= OPERATOR | OPERATOR_RUN;
    if (ch === ">") kinds[c]! |= OPERATOR_RUN;
    if (`"']`.includes(ch)) kinds[c]! |= CLOSER;
    units[c] = c >= 0x80 && c < 0xc0 ? 0 : c >= 0xf0 ? 2 : 1;
  }
  return { kinds, units };
}

/** The kind bits of the byte at address local `l`, and-ed with `bits`. */
const kindOf = (l: number, bits: number) => [...get(l), ...load8(0), ...load8(KIND_AT), ...i32(bits), AND];

/** `while (local i < local limit && kind(i) & bits) i++` */
const skip = (i: number, limit: number, bits: number) =>
  block(loop([...get(i), ...get(limit), GE_U], brIf(1), kindOf(i, bits), [EQZ], brIf(1), inc(i), br(0)));

/** `return 0` */
const reject = [...i32(0), RETURN];

/**
 * assign(at 0: the keyword's end address, end 1: the data's end address) → 0 | 1. Locals: limit 2,
 * kind 3, run 4.
 */
export function assignBody(): number[] {
  return body(
    3,
    // limit = min(end, at + ASSIGNMENT_REACH)
    [...get(0), ...i32(ASSIGNMENT_REACH), ADD, TEE, 2, ...get(1), GT_U],
    ifThen(get(1), set(2)),
    skip(0, 2, IDENT),
    // One closing quote or bracket.
    [...get(0), ...get(2), LT_U],
    ifThen(kindOf(0, CLOSER), ifThen(inc(0))),
    skip(0, 2, BLANK),
    [...get(0), ...get(2), GE_U],
    ifThen(reject),
    kindOf(0, OPERATOR),
    [EQZ],
    ifThen(reject),
    // Operator characters count towards the run, a blank restarts it, anything else is the value.
    block(
      loop(
        [...get(0), ...get(1), GE_U],
        brIf(1),
        [...get(0), ...load8(0), ...load8(KIND_AT), TEE, 3, ...i32(BLANK), AND],
        ifElse([i32(0), set(4)], [[...get(3), ...i32(OPERATOR_RUN), AND, EQZ], brIf(2), inc(4)]),
        inc(0),
        br(0),
      ),
    ),
    // The value: non-blank characters until the run is long enough.
    block(
      loop(
        [...get(0), ...get(1), GE_U],
        brIf(1),
        [...get(4), ...i32(VALUE_MIN), GE_S],
        brIf(1),
        kindOf(0, BLANK),
        brIf(1),
        [...get(4), ...get(0), ...load8(0), ...load8(UNITS_AT), ADD, ...set(4)],
        inc(0),
        br(0),
      ),
    ),
    [...get(4), ...i32(VALUE_MIN), GE_S],
  );
}

/**
 * confirm(from 0, to 1) → end: the (end address, state) pairs the loops recorded in [from, to),
 * checked and compacted in place. A pair whose state's flag says every keyword needs an assignment,
 * and none follows, is dropped; the others are kept, with bit 0 of the state set when one follows
 * (states are multiples of 4). Returns the end of the kept pairs. Locals: write 2, end 3, state 4,
 * flag 5, ok 6.
 *
 * A pass of its own after each loop rather than a call where a pair is recorded: a call inside the
 * hot loop made the optimising compiler spill the chains' states to the stack on every iteration.
 * The flags table holds one byte per state at `flags + state / 4`: sparse, but no division.
 */
export function confirmBody(assign: number): number[] {
  return body(
    5,
    get(0),
    set(2),
    block(
      loop(
        [...get(0), ...get(1), GE_U],
        brIf(1),
        [...get(0), ...load(0), ...set(3), ...get(0), ...load(4), ...set(4), ...i32(0), ...set(6)],
        // flag = flags[state / 4]; ok = assign(end, data end) when the flag asks for it
        [...i32(0), ...load(PARAMS_AT), ...get(4), ...i32(2), SHR_U, ADD, ...load8(0), TEE, 5],
        ifThen([...get(3), ...i32(0), ...load(PARAMS_AT + 4), CALL, assign, ...set(6)]),
        // Kept unless every keyword of the state needs an assignment and none follows.
        [...get(5), ...i32(FLAG_ALL_ASSIGNMENT), NE, ...get(6), OR],
        ifThen(
          [...get(2), ...get(3), ...store(0)],
          [...get(2), ...get(4), ...get(6), OR, ...store(4)],
          [...get(2), ...i32(8), ADD, ...set(2)],
        ),
        [...get(0), ...i32(8), ADD, ...set(0)],
        br(0),
      ),
    ),
    get(2),
  );
}
