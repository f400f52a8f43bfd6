/**
 * The Dockerfile reader is total: the fixtures truncated at every offset, edited at random and
 * random token soup (seeded, so a failure replays from its seed) must all parse without throwing,
 * quickly, with instructions in order and inside the file — and the built-in rules must evaluate on
 * whatever comes out without an evaluation error.
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { readDockerfile } from "./dockerfile";
import { evaluatePolicy } from "./evaluate";
import { compiledBuiltinRules } from "./rules/index";
import {
  caseFailure,
  eachSeed,
  insertChar,
  mulberry32,
  mutate,
  removeUpTo,
  truncations,
  weighted,
  withinBudget,
} from "../../../test/helpers/fuzz";

const fixture = (name: string): string =>
  readFileSync(
    fileURLToPath(
      new URL(`../../../test/fixtures/scan/policy/repo/docker/${name}/Dockerfile`, import.meta.url),
    ),
    "utf8",
  );
const seeds = [fixture("good"), fixture("bad")];
const rules = compiledBuiltinRules().filter((r) => r.target === "dockerfile");

// Pieces that change how a Dockerfile is read.
const tokens = [
  "FROM ",
  "RUN ",
  "COPY ",
  "ADD ",
  "USER ",
  "HEALTHCHECK ",
  "ENV ",
  "ARG ",
  "ONBUILD ",
  " AS ",
  "--from=",
  "--platform=",
  "[",
  "]",
  '"',
  "'",
  "\\",
  "`",
  "\n",
  "\r\n",
  "\r",
  " ",
  "\t",
  "#",
  "# escape=`\n",
  "# syntax=x\n",
  "<<EOF",
  "<<-EOF",
  "EOF",
  "<<<",
  "$",
  "${",
  "}",
  ":-",
  "=",
  "@sha256:",
  ":latest",
  "scratch",
  "root",
  "NONE",
  "CMD ",
  "\u00e9",
  "\uFEFF",
];

// Mostly insertions: a third of the steps delete up to 10 characters instead.
const edits = weighted([1, removeUpTo(10)], [2, insertChar]);

function check(text: string, label: string): void {
  const lineCount = text.split(/\r\n|\r|\n/).length;
  let input;
  try {
    input = readDockerfile(text, "Dockerfile");
  } catch (err) {
    throw caseFailure(label, err, text);
  }
  let last = 0;
  for (const ins of input.instructions) {
    expect(ins.line, label).toBeGreaterThan(last);
    expect(ins.endLine, label).toBeGreaterThanOrEqual(ins.line);
    expect(ins.endLine, label).toBeLessThanOrEqual(lineCount);
    last = ins.endLine;
  }
  const errors = evaluatePolicy([input], rules).filter((f) => f.properties?.evaluationError);
  expect(errors, label).toEqual([]);
}

describe("Dockerfile reader fuzz", () => {
  it("reads every prefix of the fixtures", () => {
    for (const [n, seed] of seeds.entries()) {
      for (const [cut, prefix] of truncations(seed, 3, { inclusive: true }))
        check(prefix, `fixture ${n} cut at ${cut}`);
    }
  });

  it("reads randomly edited fixtures", () => {
    withinBudget(20_000, "1500 edited fixtures", () =>
      eachSeed(1500, (rnd, label, seed) =>
        check(mutate(seeds[seed % seeds.length]!, rnd, tokens, { edits, maxEdits: 6 }), label),
      ),
    );
  });

  it("reads random token soup", () => {
    for (let seed = 1; seed <= 1500; seed++) {
      const rnd = mulberry32(seed * 7919);
      let text = "";
      for (let i = Math.floor(rnd() * 60); i > 0; i--) text += tokens[Math.floor(rnd() * tokens.length)];
      check(text, `soup ${seed}`);
    }
  });

  it("stays linear on pathological input", () => {
    withinBudget(5_000, "pathological input", () => {
      check("RUN a \\\n".repeat(20_000), "long continuation");
      check("RUN <<EOF\n" + "x\n".repeat(20_000), "unterminated here-document");
      check(`CMD ${"[".repeat(5_000)}`, "deep brackets");
      check(`ENV ${'a="'.repeat(5_000)}`, "open quotes");
      check("FROM a\n".repeat(5_000), "many stages");
    });
  });
});
