/**
 * Seeded input mutation for the report parsers' fuzz tests (junit.fuzz.test.ts,
 * cobertura.fuzz.test.ts). Framework-free so that a failing seed can be replayed from a script.
 */
import { isSluiceError } from "../../../core/errors";

/** mulberry32: small, fast, and the same sequence for the same seed on every machine. */
export function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// Characters that change XML's structure, plus a few that make odd names, numbers and text.
const alphabet = [
  "<",
  ">",
  "/",
  "&",
  ";",
  '"',
  "'",
  "=",
  "!",
  "?",
  "[",
  "]",
  "-",
  "#",
  "x",
  " ",
  "\n",
  "\t",
  "\r",
  "0",
  "9",
  ".",
  ",",
  "a",
  "é",
  "\u0000",
  "\uFEFF",
  "\uD800",
  "&amp;",
  "&#x",
  "<![CDATA[",
  "]]>",
  "<!--",
  "-->",
  "</",
  "/>",
];

/** `input` with 1–4 random edits: replace, insert, delete, or duplicate a slice. */
export function mutate(input: string, rnd: () => number): string {
  let s = input;
  const edits = 1 + Math.floor(rnd() * 4);
  for (let e = 0; e < edits; e++) {
    const at = Math.floor(rnd() * (s.length + 1));
    const token = alphabet[Math.floor(rnd() * alphabet.length)] as string;
    const kind = rnd();
    if (kind < 0.4) s = s.slice(0, at) + token + s.slice(at + 1);
    else if (kind < 0.7) s = s.slice(0, at) + token + s.slice(at);
    else if (kind < 0.85) s = s.slice(0, at) + s.slice(at + 1 + Math.floor(rnd() * 20));
    else {
      const len = Math.floor(rnd() * 200);
      s = s.slice(0, at) + s.slice(at, at + len) + s.slice(at);
    }
  }
  return s;
}

export type Outcome = { ok: true; ms: number } | { ok: false; ms: number; line: number; column: number };

/**
 * Runs `parse` and classifies the result. Anything thrown that is not a located
 * `SLUICE_E_REPORT_PARSE` for `file` is rethrown, annotated with the input, so that the test fails
 * with something replayable.
 */
export function outcome(
  parse: (content: string, file: string) => unknown,
  input: string,
  file: string,
): Outcome {
  const start = performance.now();
  try {
    parse(input, file);
    return { ok: true, ms: performance.now() - start };
  } catch (err) {
    const ms = performance.now() - start;
    const loc = isSluiceError(err) ? err.location : undefined;
    if (
      isSluiceError(err) &&
      err.code === "SLUICE_E_REPORT_PARSE" &&
      loc?.file === file &&
      Number.isInteger(loc.line) &&
      (loc.line as number) >= 1 &&
      Number.isInteger(loc.column) &&
      (loc.column as number) >= 1
    ) {
      return { ok: false, ms, line: loc.line as number, column: loc.column as number };
    }
    const shown = input.length > 400 ? `${input.slice(0, 400)}… (${input.length} chars)` : input;
    throw new Error(`unexpected ${String(err)} for input ${JSON.stringify(shown)}`, { cause: err });
  }
}
