import { describe, expect, it } from "vitest";
import type { RuleSpec, SecretsConfig } from "../types";
import { compileConfig } from "./compile";
import { detectSecrets } from "./detect";

function rule(partial: Partial<RuleSpec> & { id: string }): RuleSpec {
  return {
    description: partial.id,
    severity: "high",
    keywords: [],
    tags: [],
    allowlists: [],
    window: "file",
    ...partial,
  };
}

function detect(rules: RuleSpec[], text: string, path = "a.txt") {
  const config: SecretsConfig = { rules, allowlists: [], source: "test" };
  const d = compileConfig(config);
  return detectSecrets(d, text, path).detections.map((f) => ({
    id: rules[f.ruleIndex]!.id,
    secret: f.secret,
    at: f.secretStart,
  }));
}

const re = (source: string, flags = "") => ({ source, flags });

describe("detectSecrets", () => {
  it("takes secretGroup, else the first group that matched, else the whole match", () => {
    const text = "k=abc123 v=xyz";
    expect(
      detect([rule({ id: "g2", regex: re("k=(\\w+) v=(\\w+)"), secretGroup: 2 })], text)[0]!.secret,
    ).toBe("xyz");
    expect(detect([rule({ id: "first", regex: re("(?:(nope)|k=(\\w+))") })], text)[0]!.secret).toBe("abc123");
    expect(detect([rule({ id: "whole", regex: re("v=\\w+") })], text)[0]!.secret).toBe("v=xyz");
  });

  it("runs a rule only when one of its keywords occurs", () => {
    const r = rule({ id: "k", regex: re("secret-\\d+"), keywords: ["secret-"] });
    expect(detect([r], "secret-123")).toHaveLength(1);
    expect(detect([{ ...r, keywords: ["other"] }], "secret-123")).toHaveLength(0);
  });

  it("drops secrets at or below the rule's entropy", () => {
    const r = rule({ id: "e", regex: re("tok_(\\w+)"), entropy: 3 });
    expect(detect([r], "tok_aaaaaaaaaaaa")).toEqual([]);
    expect(detect([r], "tok_a1B2c3D4e5F6")).toHaveLength(1);
  });

  it("honours inline gitleaks:allow and sluice:allow", () => {
    const r = rule({ id: "x", regex: re("tok_\\w+") });
    const text = "a = tok_abc # gitleaks:allow\nb = tok_def // sluice:allow\nc = tok_ghi";
    expect(detect([r], text)).toEqual([{ id: "x", secret: "tok_ghi", at: text.indexOf("tok_ghi") }]);
  });

  it("runs line windows on the keyword's line only, and anchored rules at the keyword only", () => {
    const line = rule({ id: "line", regex: re("ctx=(\\d{4})"), keywords: ["ctx="], window: "line" });
    expect(detect([line], "ctx=1234\nother 5678\nctx=9999").map((f) => f.secret)).toEqual(["1234", "9999"]);
    const anchor = rule({ id: "anchor", regex: re("\\bid_(\\d+)"), keywords: ["id_"], window: "anchor" });
    expect(detect([anchor], "x id_1 yid_2 id_3").map((f) => f.secret)).toEqual(["1", "3"]);
  });

  it("keeps one finding per value: the earlier rule's, and never a generic one under a specific one", () => {
    const a = rule({ id: "a", regex: re("(K\\d{4})") });
    const b = rule({ id: "b", regex: re("(K\\d{4})") });
    const generic = rule({ id: "generic", regex: re("key = (\\S+)"), generic: true });
    expect(detect([a, b], "K1234").map((f) => f.id)).toEqual(["a"]);
    expect(detect([generic, a], "key = K1234").map((f) => f.id)).toEqual(["a"]);
    expect(detect([generic], "key = K1234").map((f) => f.id)).toEqual(["generic"]);
  });

  it("orders candidates and spans by offset, then rule, whichever rule's keyword comes first", () => {
    // The second rule's keyword comes first in the text; both find a value at the same offset.
    const rules = [
      rule({ id: "short", regex: re("(ab\\d\\d)"), keywords: ["ab"], window: "line" }),
      rule({ id: "long", regex: re("(ab\\d{4})"), keywords: ["zz"], window: "line" }),
    ];
    const d = compileConfig({ rules, allowlists: [], source: "test" });
    const result = detectSecrets(d, "x1 zz ab1234", "a.txt");
    expect(result.spans.map((s) => s.secret)).toEqual(["ab12", "ab1234"]);
    expect(result.detections.map((f) => rules[f.ruleIndex]!.id)).toEqual(["short", "long"]);
  });

  it("applies a rule's path and a path-only rule", () => {
    const onlyEnv = rule({ id: "env", regex: re("tok_\\w+"), path: re("\\.env$") });
    expect(detect([onlyEnv], "tok_a", "x.env")).toHaveLength(1);
    expect(detect([onlyEnv], "tok_a", "x.ts")).toHaveLength(0);
    const file = rule({ id: "file", path: re("(?:^|/)id_rsa$") });
    expect(detect([file], "whatever", "home/id_rsa")).toEqual([{ id: "file", secret: "", at: 0 }]);
  });
});
