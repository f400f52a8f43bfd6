import { describe, expect, it } from "vitest";
import { defaultSecretsConfig } from "../rules";
import { compileConfig } from "./compile";
import { detectSecrets } from "./detect";
import { fingerprintV2 } from "../fingerprint";
import { redact, toFindings } from "./findings";

const token = "ghp_" + "aB3dE6gH9jK2mN5pQ8sT1vW4yZ7bC0eF3hJ6";

describe("findings", () => {
  it("shows a 4-character prefix only from 16 characters (a quarter at most)", () => {
    expect(redact(token)).toBe("ghp_****");
    expect(redact("abcdefghijklmnop")).toBe("abcd****");
    expect(redact("abcdefghijklmno")).toBe("****");
    expect(redact("Winter2024!")).toBe("****");
    expect(redact("abc")).toBe("****");
    expect(redact("\nMIIEabcdefghijklmno")).toBe(" MII****");
  });

  it("fingerprints file, rule, context and occurrence (and the commit in history), not the value", () => {
    expect(fingerprintV2({ file: "a.ts" }, "github-pat", 'const t = "\0";', 0)).toMatch(
      /^a\.ts:github-pat:[0-9a-f]{32}$/,
    );
    expect(fingerprintV2({ file: "a.ts", commit: "abc" }, "r", "x", 0)).toMatch(/^abc:a\.ts:r:[0-9a-f]{32}$/);
    expect(fingerprintV2({ file: "a.ts" }, "r", "x", 1)).not.toBe(
      fingerprintV2({ file: "a.ts" }, "r", "x", 0),
    );
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
    const [moved] = run(`// one\n// two\n// top\n  const t = "${token}"; // ${token.slice(0, 12)}`);
    expect(moved!.fingerprint).toBe(f!.fingerprint);
    expect(moved!.line).toBe(4);
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
