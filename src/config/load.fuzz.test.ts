import { describe, expect, it } from "vitest";
import { SluiceError } from "../core/errors";
import { parseConfig } from "./load";

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

// A seeded generator (mulberry32) so that a failure can be replayed from its seed.
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
  const edits = 1 + pick(4);
  for (let i = 0; i < edits; i++) {
    const at = pick(out.length + 1);
    switch (pick(6)) {
      case 0:
        out = out.slice(0, at) + out.slice(at + 1 + pick(8));
        break;
      case 1:
        out = out.slice(0, at) + (alphabet[pick(alphabet.length)] ?? "") + out.slice(at);
        break;
      case 2:
        out = out.slice(0, at);
        break;
      case 3: {
        const lines = out.split("\n");
        const a = pick(lines.length);
        const b = pick(lines.length);
        [lines[a], lines[b]] = [lines[b] ?? "", lines[a] ?? ""];
        out = lines.join("\n");
        break;
      }
      case 4: {
        const lines = out.split("\n");
        const a = pick(lines.length);
        lines.splice(a, 0, lines[pick(lines.length)] ?? "");
        out = lines.join("\n");
        break;
      }
      default:
        out = out.slice(0, at) + " ".repeat(pick(4)) + out.slice(at);
    }
  }
  return out;
}

describe("parseConfig fuzz", () => {
  it("accepts the unmutated file", () => {
    expect(parseConfig(valid, "sluice.yml").run.concurrency).toBe(4);
  });

  it("returns a config or a located SluiceError for any mutation", () => {
    let errors = 0;
    const failures: string[] = [];
    for (let seed = 1; seed <= 2000; seed++) {
      const text = mutate(valid, random(seed));
      const lines = text.split("\n").length;
      try {
        parseConfig(text, "sluice.yml");
      } catch (err) {
        errors++;
        if (!(err instanceof SluiceError)) {
          failures.push(`seed ${seed}: threw ${String(err)}`);
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
          failures.push(`seed ${seed}: ${JSON.stringify({ code: err.code, problems: err.problems })}`);
      }
    }
    expect(failures).toEqual([]);
    // Guards the generator itself: mutations that never break anything would test nothing.
    expect(errors).toBeGreaterThan(500);
  });
});
