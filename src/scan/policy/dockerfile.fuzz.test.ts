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

// mulberry32
function random(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function mutate(text: string, rnd: () => number): string {
  const pick = (n: number): number => Math.floor(rnd() * n);
  let out = text;
  for (let i = 1 + pick(6); i > 0; i--) {
    const at = pick(out.length + 1);
    const token = tokens[pick(tokens.length)]!;
    if (pick(3) === 0) out = out.slice(0, at) + out.slice(at + 1 + pick(10));
    else out = out.slice(0, at) + token + out.slice(at);
  }
  return out;
}

function check(text: string, label: string): void {
  const lineCount = text.split(/\r\n|\r|\n/).length;
  let input;
  try {
    input = readDockerfile(text, "Dockerfile");
  } catch (err) {
    throw new Error(`${label}: the reader threw on ${JSON.stringify(text.slice(0, 200))}`, { cause: err });
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
      for (let cut = 0; cut <= seed.length; cut += 3) check(seed.slice(0, cut), `fixture ${n} cut at ${cut}`);
    }
  });

  it("reads randomly edited fixtures", () => {
    const started = Date.now();
    for (let seed = 1; seed <= 1500; seed++) {
      const rnd = random(seed);
      check(mutate(seeds[seed % seeds.length]!, rnd), `seed ${seed}`);
    }
    expect(Date.now() - started).toBeLessThan(20_000);
  });

  it("reads random token soup", () => {
    for (let seed = 1; seed <= 1500; seed++) {
      const rnd = random(seed * 7919);
      let text = "";
      for (let i = Math.floor(rnd() * 60); i > 0; i--) text += tokens[Math.floor(rnd() * tokens.length)];
      check(text, `soup ${seed}`);
    }
  });

  it("stays linear on pathological input", () => {
    const started = Date.now();
    check("RUN a \\\n".repeat(20_000), "long continuation");
    check("RUN <<EOF\n" + "x\n".repeat(20_000), "unterminated here-document");
    check(`CMD ${"[".repeat(5_000)}`, "deep brackets");
    check(`ENV ${'a="'.repeat(5_000)}`, "open quotes");
    check("FROM a\n".repeat(5_000), "many stages");
    expect(Date.now() - started).toBeLessThan(5_000);
  });
});
