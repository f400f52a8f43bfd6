/**
 * Damaged reports: every golden fixture is truncated at many offsets and edited at random (seeded,
 * so a failure replays from its seed). A parser may accept the damaged text or reject it, but only
 * with SLUICE_E_REPORT_PARSE located in the file: never another exception, and never slowly.
 */
import { FIXTURE_ROOT, SHARED_SUITE_FORMATS } from "./fixture-formats";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import { reportParsers } from "../registry";
import type { ReportFormat } from "../types";
import type { Edit } from "../../../test/helpers/fuzz";
import {
  caseFailure,
  eachSeed,
  insertChar,
  mutate,
  removeUpTo,
  replaceChar,
  swapLines,
  truncations,
  withinBudget,
} from "../../../test/helpers/fuzz";

const root = FIXTURE_ROOT;
const formats = SHARED_SUITE_FORMATS;

// Characters that change the structure of these formats, plus a few that make odd values.
const alphabet = [
  '"',
  "{",
  "}",
  "[",
  "]",
  ":",
  ",",
  "\n",
  "\r",
  " ",
  "-",
  "0",
  "9",
  "e",
  "\\",
  "\u00e9",
  "(",
  ")",
];

// Replaces a number with another kind of value.
const replaceNumber: Edit = (text, { at, pick }) => {
  const m = /\d+/.exec(text.slice(at));
  if (!m) return text;
  const start = at + m.index;
  const values = ["null", '"x"', "-1", "1e999", "{}", "[]", "0.5"];
  return text.slice(0, start) + values[pick(values.length)] + text.slice(start + m[0].length);
};

// Swapped lines put records out of order and move values between keys.
const edits = [removeUpTo(8), insertChar, replaceChar, swapLines, replaceNumber];

/** Parses and returns what happened; fails the test on anything but a located parse error. */
function attempt(format: ReportFormat, text: string, label: string): "ok" | "rejected" {
  return withinBudget(500, label, () => {
    try {
      reportParsers[format].parse(text, "damaged");
      return "ok";
    } catch (err) {
      if (!isSluiceError(err)) throw caseFailure(label, err);
      expect(err.code, label).toBe("SLUICE_E_REPORT_PARSE");
      expect(err.location?.file, label).toBe("damaged");
      expect(err.location?.line, label).toBeGreaterThanOrEqual(1);
      return "rejected";
    }
  });
}

describe.each(formats)("%s on damaged input", (format) => {
  const dir = path.join(root, format);
  const files = readdirSync(dir)
    .filter((f) => !f.endsWith(".expected.json"))
    .map((f) => path.join(dir, f));
  const tally = { ok: 0, rejected: 0 };

  it.each(files.map((f) => [path.basename(f), f]))("%s truncated at many offsets", (_name, file) => {
    const text = readFileSync(file, "utf8");
    const step = Math.max(1, Math.floor(text.length / 150));
    const outcomes = new Set<string>();
    for (const [at, prefix] of truncations(text, step)) outcomes.add(attempt(format, prefix, `cut at ${at}`));
    // Cut JSON never parses; cut line formats may (a shorter file is still a file), but most offsets
    // of a tracefile or summary must be caught as truncated.
    if (format !== "tsc") expect(outcomes.has("rejected")).toBe(true);
  });

  it.each(files.map((f) => [path.basename(f), f]))("%s edited at random", (_name, file) => {
    const text = readFileSync(file, "utf8");
    eachSeed(300, (rnd, label) => tally[attempt(format, mutate(text, rnd, alphabet, { edits }), label)]++);
    // The edits must exercise the rejecting path too, or this test proves little (tsc output without
    // a `Found N errors` line has nothing to contradict: any text is some list of diagnostics).
    if (format !== "tsc" || text.includes("Found ")) expect(tally.rejected).toBeGreaterThan(0);
  });
});
