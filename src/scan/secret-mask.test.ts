import { describe, expect, it } from "vitest";
import { SecretSet, attachSecrets, attachedSecrets, maskFindings, maskResults } from "./secret-mask";
import type { ScanFinding, ScanResult } from "./types";

const value = "Zq8vLm2xR7tYp4Kw9s";

function finding(message: string, snippet?: string, secret?: string): ScanFinding {
  const f: ScanFinding = { kind: "secrets", ruleId: "r", severity: "high", message, fingerprint: "fp" };
  if (snippet !== undefined) f.snippet = snippet;
  if (secret) attachSecrets(f, [secret]);
  return f;
}

describe("SecretSet", () => {
  it("finds and masks every occurrence, the longer value where two start together", () => {
    const set = new SecretSet([value, "Zq8vLm2x", "abc"]);
    expect(set.mask(`a ${value} b ${value}${value} c Zq8vLm2x`)).toBe("a Zq8v**** b Zq8v****Zq8v**** c ****");
    // Shorter than 4 characters: not searched for (it would mask ordinary words).
    expect(set.mask("abc")).toBe("abc");
  });

  it("masks overlapping occurrences as one stretch", () => {
    const set = new SecretSet(["aaaaaaaaaaaaaaaaaaaa"]);
    expect(set.mask("x" + "a".repeat(25) + "y")).toBe("xaaaa****y");
  });
});

describe("attached values", () => {
  it("stay out of JSON and structured clones", () => {
    const f = finding("m", "s", value);
    expect(attachedSecrets(f)).toEqual([value]);
    expect(JSON.stringify(f)).not.toContain(value);
    expect(attachedSecrets(structuredClone(f))).toEqual([]);
    expect(attachedSecrets({ ...f })).toEqual([]);
  });
});

describe("maskFindings and maskResults", () => {
  it("mask one finding's value in another finding's snippet (another file, another thread)", () => {
    const a = finding("Generic secret: ****", 'password = "****"', value);
    const b = finding("GitHub token: ghp_****", `token = "ghp_****" # old password ${value}`, "ghp_x");
    expect(maskFindings([a, b])).toEqual([value, "ghp_x"]);
    expect(b.snippet).toBe('token = "ghp_****" # old password Zq8v****');
  });

  it("mask the secrets scanner's values in every scanner's messages, snippets, notes and errors", () => {
    const secrets: ScanResult = {
      kind: "secrets",
      tool: { name: "sluice", version: "1" },
      rules: [],
      findings: [],
      stats: {},
    };
    attachSecrets(secrets, [value]);
    const policy: ScanResult = {
      ...secrets,
      kind: "policy",
      findings: [finding(`ENV PASSWORD=${value} sets a secret in the image`, `ENV PASSWORD=${value}`)],
      notes: [`note ${value}`],
      errors: [{ code: "SLUICE_E_POLICY", message: `rule failed on ${value}` }],
    };
    maskResults([secrets, policy]);
    expect(JSON.stringify(policy)).not.toContain(value);
    expect(policy.findings[0]!.snippet).toBe("ENV PASSWORD=Zq8v****");
  });
});
