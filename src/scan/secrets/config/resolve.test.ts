import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { isSluiceError } from "../../../core/errors";
import type { SluiceError } from "../../../core/errors";
import { compileConfig } from "../engine/compile";
import { detectSecrets } from "../engine/detect";
import { defaultSecretsConfig } from "../rules";
import type { SecretsConfig } from "../types";
import { resolveGitleaksConfig } from "./resolve";

const fixtures = new URL("../../../../test/fixtures/scan/secrets/gitleaks/", import.meta.url);
const read = (name: string) => readFileSync(new URL(name, fixtures), "utf8");
const rules = JSON.parse(readFileSync(new URL("../rules.json", fixtures), "utf8")) as Record<
  string,
  { samples: { text: string; secret: string }[] }
>;

function load(name: string, text = read(name)): SecretsConfig {
  return resolveGitleaksConfig({ text, file: name }, { defaults: defaultSecretsConfig() });
}

function fails(name: string, text = read(name)): SluiceError {
  try {
    load(name, text);
  } catch (err) {
    if (isSluiceError(err)) return err;
    throw err;
  }
  throw new Error(`${name} loaded`);
}

function scan(config: SecretsConfig, text: string, path = "src/app.ts", commit?: string): string[] {
  const d = compileConfig(config);
  return detectSecrets(d, text, path, commit).detections.map((f) => config.rules[f.ruleIndex]!.id);
}

const sample = (id: string) => rules[id]!.samples[0]!.text;

describe("[extend] useDefault", () => {
  const config = load("extend-default.toml");
  const ids = config.rules.map((r) => r.id);

  it("keeps the default rules, minus disabledRules, plus the file's own", () => {
    expect(ids).toContain("aws-access-key-id");
    expect(ids).toContain("acme-internal-token");
    expect(ids).not.toContain("jwt");
    expect(ids).not.toContain("sentry-dsn");
    expect(ids.length).toBe(defaultSecretsConfig().rules.length - 2 + 1);
    expect(scan(config, sample("jwt"))).toEqual([]);
  });

  it("runs the file's own rule, translated from Go syntax, with its secretGroup and severity", () => {
    const text = `const t = "ACME_0123456789abcdef0123456789abcdef";`;
    const d = compileConfig(config);
    const found = detectSecrets(d, text, "src/a.ts").detections;
    expect(found.map((f) => [config.rules[f.ruleIndex]!.id, f.secret])).toEqual([
      ["acme-internal-token", "ACME_0123456789abcdef0123456789abcdef"],
    ]);
    expect(config.rules.find((r) => r.id === "acme-internal-token")!.severity).toBe("critical");
  });

  it("merges a rule with a default id: the default regex stays, the allowlist is added", () => {
    const generic = config.rules.find((r) => r.id === "generic-secret")!;
    const original = defaultSecretsConfig().rules.find((r) => r.id === "generic-secret")!;
    expect(generic.regex).toEqual(original.regex);
    expect(generic.allowlists.length).toBe(original.allowlists.length + 1);
    const text = sample("generic-secret");
    expect(scan(config, text, "src/app.py")).toEqual(["generic-secret"]);
    expect(scan(config, text, "db/seeds/users.py")).toEqual([]);
  });

  it("adds a targetRules allowlist to the named rule only", () => {
    const demo = `token = "ghp_DEMO${"a1B2".repeat(8)}"`;
    expect(scan(config, demo)).toEqual([]);
    expect(scan(config, sample("github-pat"))).toEqual(["github-pat"]);
  });

  it("adds global allowlists ([[allowlists]] and legacy [allowlist]) to the defaults'", () => {
    expect(scan(config, sample("stripe-live-secret-key"), "third_party/sdk/client.js")).toEqual([]);
    expect(scan(config, sample("stripe-live-secret-key"), "node_modules/x/index.js")).toEqual([]);
    expect(scan(config, `x = ACME_fixture-only0123456789abcdef01234567`)).toEqual([]);
  });

  it("does not change the shared default rules", () => {
    expect(defaultSecretsConfig().rules.find((r) => r.id === "github-pat")!.allowlists).toEqual([]);
  });
});

describe("a config without [extend]", () => {
  const config = load("custom-only.toml");

  it("replaces the default rules", () => {
    expect(config.rules.map((r) => r.id)).toEqual(["internal-key", "forbidden-file"]);
    expect(scan(config, sample("github-pat"))).toEqual([]);
    expect(scan(config, "k = INTERNAL-A1B2C3D4E5F6G7H8")).toEqual(["internal-key"]);
  });

  it("applies entropy: a repetitive value is not a secret", () => {
    expect(scan(config, "k = INTERNAL-AAAAAAAAAAAAAAAA")).toEqual([]);
  });

  it("reports a path-only rule for the file itself", () => {
    expect(scan(config, "anything", "home/.ssh/id_rsa")).toEqual(["forbidden-file"]);
    expect(scan(config, "anything", "home/.ssh/id_rsa.pub")).toEqual([]);
  });
});

describe("allowlist conditions and targets", () => {
  const config = load("conditions.toml");

  it("AND needs every criterion: path and line", () => {
    expect(scan(config, "const t = 'tok_abc123def456'; // mock", "tests/a.test.ts")).toEqual([]);
    expect(scan(config, "const t = 'tok_abc123def456';", "tests/a.test.ts")).toEqual(["token-rule"]);
    expect(scan(config, "const t = 'tok_abc123def456'; // mock", "src/a.ts")).toEqual(["token-rule"]);
  });

  it("regexTarget = match tests the whole match, not only the secret", () => {
    expect(scan(config, "tok_sandbox12345")).toEqual([]);
  });

  it("stopwords are matched inside the secret, case-insensitively", () => {
    expect(scan(config, "tok_DEADBEEF1234")).toEqual([]);
  });

  it("commits only apply to findings from that commit", () => {
    const sha = "0123456789abcdef0123456789abcdef01234567";
    expect(scan(config, "tok_abc123def456", "a.ts", sha)).toEqual([]);
    expect(scan(config, "tok_abc123def456", "a.ts", "f".repeat(40))).toEqual(["token-rule"]);
  });
});

describe("invalid configs", () => {
  it("locates a TOML syntax error", () => {
    const err = fails("invalid-syntax.toml");
    expect(err.code).toBe("SLUICE_E_SECRETS_CONFIG");
    expect(err.location).toMatchObject({ file: "invalid-syntax.toml", line: 5 });
    expect(err.location?.column).toBeGreaterThan(0);
  });

  it("reports every problem at once, each located", () => {
    const err = fails("invalid-rules.toml");
    expect(err.code).toBe("SLUICE_E_SECRETS_CONFIG");
    const where = err.problems.map((p) => `${p.location?.line}:${p.location?.column} ${p.message}`);
    expect(where).toEqual([
      expect.stringMatching(/^7:1 rules\[0\]\.regex: invalid regex .*lookahead/),
      expect.stringMatching(/^9:1 rules\[1\]: a rule needs an id/),
      expect.stringMatching(/^16:1 rules\[2\]\.secretGroup: the regex has only 1 capture group/),
      expect.stringMatching(/^30:1 rules\[4\]\.allowlists\[0\]\.regexTarget: must be one of/),
      expect.stringMatching(/^33:3 rules\[4\]\.allowlists\[0\]\.regexes\[1\]: invalid regex/),
      expect.stringMatching(/^3:1 disabledRules names "no-such-rule"/),
      expect.stringMatching(/^18:1 rule "empty" has neither regex nor path/),
      expect.stringMatching(/^23:1 targetRules names "missing-rule"/),
    ]);
    expect(err.message).toMatch(/^invalid-rules\.toml:7:1: /);
  });

  it.each([
    ["[extend]\nurl = 'https://example.com/x.toml'\n", /URL is not supported/],
    ["[extend]\nuseDefault = true\npath = 'base.toml'\n", /both useDefault and path/],
    ["[extend]\npath = 'base.toml'\n", /cannot be read here/],
    ["[[rules]]\nid = 'a'\nregex = 'x'\n[[rules]]\nid = 'a'\nregex = 'y'\n", /defined twice/],
    ["[[rules]]\nid = 'a'\nregex = 'x'\nentropy = 'high'\n", /entropy: must be a non-negative number/],
    ["[[rules]]\nid = 'a'\nregex = 'x'\nkeywords = 'x'\n", /keywords: must be an array of strings/],
    [
      "[[rules]]\nid = 'a'\nregex = 'x'\n[[rules.allowlists]]\ndescription = 'empty'\n",
      /needs at least one of/,
    ],
    ["[[rules]]\nid = 'a'\nregex = 'x'\n[[rules.required]]\nid = 'b'\n", /composite rules/],
    ["rules = 3\n", /must be an array of tables/],
  ])("rejects %j", (text, message) => {
    const err = fails("inline.toml", text);
    expect(err.code).toBe("SLUICE_E_SECRETS_CONFIG");
    expect(err.problems.map((p) => p.message).join("\n")).toMatch(message);
    expect(err.location?.line).toBeGreaterThan(0);
  });
});
