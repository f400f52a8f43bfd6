/**
 * The threshold judge's spec parsing is total over condition text: seeded random edits of valid CEL
 * and threshold conditions, and random token soup, either parse or throw a SluiceError
 * (SLUICE_E_ANALYSIS_CONFIG) — never anything else. Whatever parses, `decide` evaluates without
 * throwing (judges are total), on samples with and without the metrics it names.
 */
import { describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import type { Measurement } from "../provider/types";
import { thresholdJudge } from "./threshold";
import type { ThresholdSpec } from "./threshold";
import type { Sample } from "./types";
import {
  caseFailure,
  eachSeed,
  insertChar,
  mutate,
  picker,
  removeUpTo,
  replaceChar,
  truncate,
  duplicateUpTo,
  weighted,
  withinBudget,
} from "../../../test/helpers/fuzz";

const seeds = [
  "canary.errorRate.rate < 0.05 && canary.latency.p95 < 500.0",
  'has(canary.latency.p95) ? canary["latency"].p95 <= baseline.latency.p95 * 1.2 : true',
  "canary.all(m, !('rate' in canary[m]) || canary[m].rate < 0.5) || size(baseline) == 0",
  "errorRate < 5% ",
  "canary.errorRate <= baseline.errorRate * 1.5 + 0.1%",
];
const tokens = [
  "canary",
  "baseline",
  ".",
  ".?",
  "errorRate",
  "latency",
  "p95",
  "rate",
  "[",
  "]",
  "(",
  ")",
  "{",
  "}",
  '"',
  "'",
  "\\",
  " ",
  "<",
  "<=",
  "==",
  "!",
  "&&",
  "||",
  "?",
  ":",
  "+",
  "-",
  "*",
  "/",
  "%",
  "0",
  "1",
  "1.5",
  "1e309",
  "0x1F",
  "1u",
  "has(",
  "size(",
  "all(",
  "in",
  "true",
  "null",
  "b'",
  'r"',
  '"""',
  "ms",
  "s",
  "\n",
  "\u00e9",
  "\u{1F600}",
];
const edits = weighted(
  [3, insertChar],
  [2, removeUpTo(4)],
  [2, replaceChar],
  [1, truncate],
  [1, duplicateUpTo(8)],
);

const at = new Date(0);
const full = (n: number): Measurement => ({
  phase: "ok",
  at,
  count: n,
  events: 1,
  samples: Array.from({ length: n }, (_, i) => i),
});
const samples: Array<[Sample, Sample]> = [
  [{ metrics: {} }, { metrics: {} }],
  [
    { metrics: { errorRate: full(50), latency: full(50) } },
    { metrics: { errorRate: full(30), latency: { phase: "error", error: "timeout", at } } },
  ],
];

function check(conditions: unknown[], label: string, input: string): void {
  let spec: ThresholdSpec;
  try {
    spec = withinBudget(500, label, () => thresholdJudge.parseSpec({ conditions }));
  } catch (err) {
    if (isSluiceError(err) && err.code === "SLUICE_E_ANALYSIS_CONFIG") return;
    throw caseFailure(label, err, input);
  }
  for (const [baseline, canary] of samples) {
    try {
      const r = thresholdJudge.decide(baseline, canary, spec);
      expect(["pass", "fail", "inconclusive"], label).toContain(r.verdict);
      expect(() => JSON.stringify(r.details), label).not.toThrow();
    } catch (err) {
      throw caseFailure(`${label} (decide)`, err, input);
    }
  }
}

describe("threshold judge spec fuzzing", () => {
  it("parses or rejects edited conditions, as CEL and as threshold strings", () => {
    eachSeed(400, (rnd, label) => {
      const pick = picker(rnd);
      const input = mutate(seeds[pick(seeds.length)]!, rnd, tokens, { edits, maxEdits: 5 });
      check([{ cel: input }], `${label} cel`, input);
      check([input], `${label} string`, input);
    });
  });

  it("parses or rejects random token soup", () => {
    eachSeed(300, (rnd, label) => {
      const pick = picker(rnd);
      const input = Array.from({ length: 1 + pick(24) }, () => tokens[pick(tokens.length)]!).join("");
      check([{ cel: input }, input], label, input);
    });
  });
});
