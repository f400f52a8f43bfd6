/**
 * Damaged reports: every golden fixture is truncated at many offsets and edited at random (seeded,
 * so a failure replays from its seed). A parser may accept the damaged text or reject it, but only
 * with SLUICE_E_REPORT_PARSE located in the file: never another exception, and never slowly.
 */
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import { reportParsers } from "../registry";
import type { ReportFormat } from "../types";

const root = fileURLToPath(new URL("../../../test/fixtures/reports/", import.meta.url));

const formats: ReportFormat[] = [
  "lcov",
  "istanbul-summary",
  "istanbul-final",
  "sarif",
  "eslint",
  "tsc",
  "npm-audit",
  "k6",
  "autocannon",
];

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
  for (let i = 1 + pick(4); i > 0; i--) {
    const at = pick(out.length + 1);
    const char = alphabet[pick(alphabet.length)]!;
    switch (pick(5)) {
      case 0:
        out = out.slice(0, at) + out.slice(at + 1 + pick(8));
        break;
      case 1:
        out = out.slice(0, at) + char + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at) + char + out.slice(at + 1);
        break;
      case 3: {
        // Swap a line with another: records out of order, values moved between keys.
        const lines = out.split("\n");
        const a = pick(lines.length);
        const b = pick(lines.length);
        [lines[a], lines[b]] = [lines[b]!, lines[a]!];
        out = lines.join("\n");
        break;
      }
      default: {
        // Replace a number with another kind of value.
        const m = /\d+/.exec(out.slice(at));
        if (m) {
          const start = at + m.index;
          const values = ["null", '"x"', "-1", "1e999", "{}", "[]", "0.5"];
          out = out.slice(0, start) + values[pick(values.length)] + out.slice(start + m[0].length);
        }
      }
    }
  }
  return out;
}

/** Parses and returns what happened; fails the test on anything but a located parse error. */
function attempt(format: ReportFormat, text: string, label: string): "ok" | "rejected" {
  const t0 = performance.now();
  try {
    reportParsers[format].parse(text, "damaged");
    return "ok";
  } catch (err) {
    if (!isSluiceError(err)) throw new Error(`${label}: ${String(err)}`, { cause: err });
    expect(err.code, label).toBe("SLUICE_E_REPORT_PARSE");
    expect(err.location?.file, label).toBe("damaged");
    expect(err.location?.line, label).toBeGreaterThanOrEqual(1);
    return "rejected";
  } finally {
    expect(performance.now() - t0, `${label} took too long`).toBeLessThan(500);
  }
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
    for (let at = 0; at < text.length; at += step)
      outcomes.add(attempt(format, text.slice(0, at), `cut at ${at}`));
    // Cut JSON never parses; cut line formats may (a shorter file is still a file), but most offsets
    // of a tracefile or summary must be caught as truncated.
    if (format !== "tsc") expect(outcomes.has("rejected")).toBe(true);
  });

  it.each(files.map((f) => [path.basename(f), f]))("%s edited at random", (_name, file) => {
    const text = readFileSync(file, "utf8");
    for (let seed = 1; seed <= 300; seed++)
      tally[attempt(format, mutate(text, random(seed)), `seed ${seed}`)]++;
    // The edits must exercise the rejecting path too, or this test proves little (tsc output without
    // a `Found N errors` line has nothing to contradict: any text is some list of diagnostics).
    if (format !== "tsc" || text.includes("Found ")) expect(tally.rejected).toBeGreaterThan(0);
  });
});
