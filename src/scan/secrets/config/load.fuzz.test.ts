import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { SluiceError } from "../../../core/errors";
import { compileConfig } from "../engine/compile";
import { defaultSecretsConfig } from "../rules";
import { resolveGitleaksConfig } from "./resolve";

const fixtures = new URL("../../../../test/fixtures/scan/secrets/gitleaks/", import.meta.url);
const seeds = ["extend-default.toml", "conditions.toml", "custom-only.toml", "invalid-rules.toml"].map(
  (name) => readFileSync(new URL(name, fixtures), "utf8"),
);

// Characters that change TOML's structure or a Go regex's meaning.
const alphabet = [
  ..."[]{}=\"'#\n\\.,(?)*+|^$:-_0aZ",
  "'''",
  '"""',
  "\t",
  "\u00e9",
  "(?i)",
  "(?P<",
  "\\z",
  "[[rules]]",
];

// mulberry32, seeded, so a failure can be replayed from its seed.
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
  let out = text;
  const edits = 1 + Math.floor(rnd() * 4);
  for (let i = 0; i < edits; i++) {
    const at = Math.floor(rnd() * (out.length + 1));
    const op = rnd();
    const piece = alphabet[Math.floor(rnd() * alphabet.length)]!;
    if (op < 0.4) out = out.slice(0, at) + piece + out.slice(at);
    else if (op < 0.7) out = out.slice(0, at) + out.slice(at + 1 + Math.floor(rnd() * 8));
    else out = out.slice(0, at) + piece + out.slice(at + 1);
  }
  return out;
}

/** A config, or a located SLUICE_E_SECRETS_CONFIG: anything else is a crash. */
function check(text: string, label: string): void {
  try {
    const config = resolveGitleaksConfig({ text, file: "fuzz.toml" }, { defaults: defaultSecretsConfig() });
    // Whatever was accepted must compile: detection never meets an invalid pattern.
    compileConfig(config);
  } catch (err) {
    if (!(err instanceof SluiceError)) throw new Error(`${label}: crashed with ${String(err)}\n${text}`);
    expect(err.code, label).toBe("SLUICE_E_SECRETS_CONFIG");
    expect(err.location?.file, label).toBe("fuzz.toml");
    expect(err.location?.line, label).toBeGreaterThanOrEqual(1);
    for (const p of err.problems)
      expect(p.location?.line, `${label}: ${p.message}`).toBeGreaterThanOrEqual(1);
  }
}

describe("gitleaks config loader fuzz", () => {
  it("survives every truncation of the fixtures", () => {
    seeds.forEach((seed, s) => {
      for (let n = 0; n <= seed.length; n++) check(seed.slice(0, n), `seed ${s} truncated at ${n}`);
    });
  });

  it("survives random mutations", () => {
    for (let seed = 1; seed <= 1500; seed++) {
      const rnd = random(seed);
      const base = seeds[seed % seeds.length]!;
      check(mutate(base, rnd), `seed ${seed}`);
    }
  });
});
