import { describe, expect, it } from "vitest";
import { SluiceError } from "../core/errors";
import { parseConfig } from "./load";
import type { Edit, MutateOptions } from "../../test/helpers/fuzz";
import {
  duplicateLine,
  eachSeed,
  insertChar,
  mutate,
  removeUpTo,
  swapLines,
  truncate,
} from "../../test/helpers/fuzz";

const valid = `# yaml-language-server: $schema=schema/sluice.schema.json
version: 1
workflows:
  paths:
    - .sluice/workflows
    - ".github/workflows"
run:
  concurrency: 4
  shell: bash
  timeoutMinutes: 30
store: { type: sqlite, path: .sluice/sluice.db }
secrets:
  file: .env.secrets
vars: &vars
  REGION: eu-west-1
  REPLICAS: 3
env:
  NODE_ENV: 'test'
  MULTI: |
    line one
    line two
`;

// Characters that change YAML's structure, plus a few that make odd scalars.
const alphabet = [
  ":",
  "-",
  "[",
  "]",
  "{",
  "}",
  "&",
  "*",
  "!",
  "|",
  ">",
  "'",
  '"',
  "#",
  "\n",
  " ",
  "\t",
  "%",
  "@",
  "`",
  "?",
  ",",
  "\\",
  "0",
  "a",
  "\u00e9",
  "\r",
];

const insertSpaces: Edit = (text, { at, pick }) => text.slice(0, at) + " ".repeat(pick(4)) + text.slice(at);

// The character is drawn only by the insertion, so that each seed keeps naming the same case.
const mutation: MutateOptions = {
  edits: [removeUpTo(8), insertChar, truncate, swapLines, duplicateLine, insertSpaces],
  charFirst: false,
};

describe("parseConfig fuzz", () => {
  it("accepts the unmutated file", async () => {
    expect((await parseConfig(valid, "sluice.yml")).run.concurrency).toBe(4);
  });

  it("returns a config or a located SluiceError for any mutation", async () => {
    let errors = 0;
    const failures: string[] = [];
    const cases: Array<{ text: string; label: string }> = [];
    eachSeed(2000, (rnd, label) => cases.push({ text: mutate(valid, rnd, alphabet, mutation), label }));
    for (const { text, label } of cases) {
      const lines = text.split("\n").length;
      try {
        await parseConfig(text, "sluice.yml");
      } catch (err) {
        errors++;
        if (!(err instanceof SluiceError)) {
          failures.push(`${label}: threw ${String(err)}`);
          continue;
        }
        const wellFormed =
          (err.code === "SLUICE_E_YAML" || err.code === "SLUICE_E_CONFIG") &&
          err.problems.length > 0 &&
          (err.location?.line ?? 0) > 0 &&
          err.problems.every(
            (p) =>
              p.location?.file === "sluice.yml" &&
              (p.location.line ?? 0) > 0 &&
              (p.location.line ?? 0) <= lines + 1 &&
              (p.location.column ?? 0) > 0,
          );
        if (!wellFormed)
          failures.push(`${label}: ${JSON.stringify({ code: err.code, problems: err.problems })}`);
      }
    }
    expect(failures).toEqual([]);
    // Guards the generator itself: mutations that never break anything would test nothing.
    expect(errors).toBeGreaterThan(500);
  });
});
