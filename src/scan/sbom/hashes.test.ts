import { createHash } from "node:crypto";
import { describe, expect, it } from "vitest";
import { parseIntegrity } from "./hashes";

const digest = (algorithm: string) => createHash(algorithm).update("x").digest();

describe("parseIntegrity", () => {
  it("decodes Subresource Integrity base64 to hex", () => {
    expect(parseIntegrity([`sha512-${digest("sha512").toString("base64")}`])).toEqual([
      { algorithm: "SHA-512", hex: digest("sha512").toString("hex") },
    ]);
  });

  it("reads several space-separated SRI tokens and pip's algorithm:hex, one per algorithm", () => {
    const sri = `sha1-${digest("sha1").toString("base64")} sha512-${digest("sha512").toString("base64")}`;
    const pip = [`sha256:${digest("sha256").toString("hex")}`, `sha256:${"0".repeat(64)}`];
    expect(parseIntegrity([sri, ...pip]).map((h) => h.algorithm)).toEqual(["SHA-1", "SHA-256", "SHA-512"]);
    expect(parseIntegrity(pip)).toEqual([{ algorithm: "SHA-256", hex: digest("sha256").toString("hex") }]);
  });

  it("skips malformed digests and unknown algorithms rather than emit a bad checksum", () => {
    expect(parseIntegrity(["sha512-dG9vc2hvcnQ=", "sha256:abc", "blake2b-AAAA", "nonsense", ""])).toEqual([]);
    expect(parseIntegrity(undefined)).toEqual([]);
  });
});
