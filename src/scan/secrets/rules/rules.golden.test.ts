import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { compileConfig } from "../engine/compile";
import { detectSecrets } from "../engine/detect";
import { defaultSecretsConfig } from "./index";

/** test/fixtures/scan/secrets/rules.json: per rule, planted samples (with their secret) and traps. */
type Golden = Record<string, { samples: { text: string; secret: string }[]; traps: string[] }>;

const golden = JSON.parse(
  readFileSync(new URL("../../../../test/fixtures/scan/secrets/rules.json", import.meta.url), "utf8"),
) as Golden;
const config = defaultSecretsConfig();
const detector = compileConfig(config);

function found(text: string, path = "src/app.ts") {
  return detectSecrets(detector, text, path).detections.map((d) => ({
    ruleId: config.rules[d.ruleIndex]!.id,
    secret: d.secret,
  }));
}

describe("default rules", () => {
  it("has at least 40 kinds, unique ids, keywords, descriptions and severities", () => {
    const ids = config.rules.map((r) => r.id);
    expect(ids.length).toBeGreaterThanOrEqual(40);
    expect(new Set(ids).size).toBe(ids.length);
    for (const r of config.rules) {
      expect(r.keywords.length, r.id).toBeGreaterThan(0);
      expect(r.description.length, r.id).toBeGreaterThan(5);
      if (!r.exactKeywords)
        expect(
          r.keywords.every((k) => k === k.toLowerCase()),
          r.id,
        ).toBe(true);
    }
  });

  it("rates private keys and cloud keys critical", () => {
    const severity = (id: string) => config.rules.find((r) => r.id === id)!.severity;
    for (const id of [
      "private-key-rsa",
      "private-key-openssh",
      "aws-access-key-id",
      "aws-secret-access-key",
    ]) {
      expect(severity(id)).toBe("critical");
    }
  });

  it("has golden samples for every rule", () => {
    expect(Object.keys(golden).sort()).toEqual(config.rules.map((r) => r.id).sort());
  });

  describe.each(Object.entries(golden))("%s", (id, { samples, traps }) => {
    it.each(samples.map((s, i) => [i, s] as const))("detects sample %i", (_, sample) => {
      expect(found(sample.text)).toContainEqual({ ruleId: id, secret: sample.secret });
    });
    if (traps.length > 0) {
      it.each(traps.map((t, i) => [i, t] as const))("does not fire on trap %i", (_, trap) => {
        expect(found(trap).filter((f) => f.ruleId === id)).toEqual([]);
      });
    }
  });

  it("reports one finding per secret: generic gives way to the specific rule", () => {
    const token = golden["github-pat"]!.samples[0]!.secret;
    expect(found(`GITHUB_TOKEN = "${token}"`)).toEqual([{ ruleId: "github-pat", secret: token }]);
  });

  it("prefers the specific rule when two find the same value", () => {
    const sample = golden["google-ai-api-key"]!.samples[0]!;
    expect(found(sample.text).map((f) => f.ruleId)).toEqual(["google-ai-api-key"]);
  });

  it("fires on no trap of the whole set", () => {
    const all = Object.values(golden).flatMap((g) => g.traps);
    const hits = all.flatMap((t) => found(t).map((f) => ({ trap: t.slice(0, 60), ...f, secret: undefined })));
    expect(hits).toEqual([]);
  });
});
