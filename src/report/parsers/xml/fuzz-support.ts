/**
 * XML input mutation and outcome checks for the report parsers' fuzz tests (junit.fuzz.test.ts,
 * cobertura.fuzz.test.ts), on test/helpers/fuzz.ts. Framework-free so that a failing seed can be
 * replayed from a script.
 */
import { isSluiceError } from "../../../core/errors";
import type { Random } from "../../../../test/helpers/fuzz";
import {
  caseFailure,
  duplicateUpTo,
  insertChar,
  mutate,
  removeUpTo,
  replaceChar,
  weighted,
} from "../../../../test/helpers/fuzz";

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

// Replace 40%, insert 30%, delete up to 20 characters 15%, repeat up to 199 characters 15%.
const edits = weighted([8, replaceChar], [6, insertChar], [3, removeUpTo(20)], [3, duplicateUpTo(200)]);

/** `input` with 1–4 random edits: replace, insert, delete, or duplicate a slice. */
export function mutateXml(input: string, rnd: Random): string {
  return mutate(input, rnd, alphabet, { edits });
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
    throw caseFailure("unexpected", err, input);
  }
}
