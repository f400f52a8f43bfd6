import { describe, expect, it } from "vitest";
import { defaultSecretsConfig } from "../rules";
import type { RuleSpec, SecretsConfig } from "../types";
import { compileConfig } from "./compile";
import { detectSecrets } from "./detect";
import { fingerprintOf, hashSecret, redact, toFindings } from "./findings";

const token = "ghp_" + "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6";

describe("findings", () => {
  it("redacts to a short prefix, never more than a quarter of the value", () => {
    expect(redact(token)).toBe("ghp_****");
    expect(redact("abcdefgh")).toBe("ab****");
    expect(redact("abc")).toBe("****");
    expect(redact("\nMIIEabc")).toBe(" M****");
  });

  it("fingerprints file, rule and the secret's hash (and the commit in history)", () => {
    expect(fingerprintOf({ file: "a.ts" }, "github-pat", token)).toBe(`a.ts:github-pat:${hashSecret(token)}`);
    expect(fingerprintOf({ file: "a.ts", commit: "abc" }, "r", "s")).toBe(`abc:a.ts:r:${hashSecret("s")}`);
  });

  it("positions, snippets and messages without the value; the same fingerprint after lines move", () => {
    const config = defaultSecretsConfig();
    const d = compileConfig(config);
    const run = (text: string) =>
      toFindings(d, text, detectSecrets(d, text, "src/a.ts"), { file: "src/a.ts" });
    const [f] = run(`// top\nconst t = "${token}"; // ${token.slice(0, 12)}`);
    expect(f).toMatchObject({
      line: 2,
      column: 12,
      endLine: 2,
      endColumn: 52,
      message: expect.stringContaining("ghp_****"),
    });
    expect(f!.snippet).toBe(`const t = "ghp_****"; // ${token.slice(0, 12)}`);
    const [moved] = run(`// one\n// two\n// top\nconst t = "${token}";`);
    expect(moved!.fingerprint).toBe(f!.fingerprint);
    expect(moved!.line).toBe(4);
  });

  it("redacts spans that start together in rule order, whichever rule's keyword comes first", () => {
    const rule = (id: string, source: string, keyword: string): RuleSpec => ({
      id,
      description: id,
      severity: "high",
      regex: { source, flags: "" },
      keywords: [keyword],
      tags: [],
      allowlists: [],
      window: "line",
    });
    // The second rule's keyword comes first in the text; both find a value at the same offset.
    const config: SecretsConfig = {
      rules: [rule("short", "(ab\\d\\d)", "ab"), rule("long", "(ab\\d{4})", "zz")],
      allowlists: [],
      source: "test",
    };
    const d = compileConfig(config);
    const text = "x1 zz ab1234";
    const findings = toFindings(d, text, detectSecrets(d, text, "a.txt"), { file: "a.txt" });
    expect(findings.map((f) => [f.ruleId, f.snippet])).toEqual([
      ["short", "x1 zz a****a****"],
      ["long", "x1 zz a****a****"],
    ]);
  });

  it("maps diff fragment lines back to file lines", () => {
    const d = compileConfig(defaultSecretsConfig());
    const text = `added line\nconst t = "${token}";`;
    const [f] = toFindings(d, text, detectSecrets(d, text, "a.ts"), { file: "a.ts", lineNumbers: [10, 42] });
    expect(f!.line).toBe(42);
  });

  it("clips long lines around the secret", () => {
    const d = compileConfig(defaultSecretsConfig());
    const text = "x".repeat(500) + ` "${token}" ` + "y".repeat(500);
    const [f] = toFindings(d, text, detectSecrets(d, text, "a.min.js"), { file: "a.min.js" });
    expect(f!.snippet!.length).toBeLessThan(140);
    expect(f!.snippet).toMatch(/^…x+ "ghp_\*\*\*\*" y+…$/);
  });
});
