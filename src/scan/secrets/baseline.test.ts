import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import { parseBaseline, readBaseline, writeBaseline } from "./baseline";

describe("baseline", () => {
  it("reads Sluice's format, a plain array and a saved report", () => {
    expect(parseBaseline('{"fingerprints":["a","b"]}', "b.json")).toEqual(new Set(["a", "b"]));
    expect(parseBaseline('["a"]', "b.json")).toEqual(new Set(["a"]));
    expect(parseBaseline('{"findings":[{"fingerprint":"c"},{"x":1}]}', "b.json")).toEqual(new Set(["c"]));
  });

  it.each(["{", '{"fingerprints": 3}', "null"])("rejects %j with a located error", (text) => {
    try {
      parseBaseline(text, "b.json");
      throw new Error("accepted");
    } catch (err) {
      expect(isSluiceError(err) && err.code).toBe("SLUICE_E_SECRETS_CONFIG");
      expect(isSluiceError(err) && err.location?.file).toBe("b.json");
    }
  });

  it("writes sorted, deduplicated fingerprints; a missing file is an error unless optional", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "sluice-baseline-"));
    try {
      const file = path.join(dir, "nested", "baseline.json");
      expect(readBaseline(file, true)).toEqual(new Set());
      const err = (() => {
        try {
          return readBaseline(file);
        } catch (e) {
          return e;
        }
      })();
      expect(isSluiceError(err) && [err.code, err.exitCode]).toEqual(["SLUICE_E_SECRETS_CONFIG", 2]);
      expect(isSluiceError(err) && err.message).toContain("does not exist");
      writeBaseline(file, ["b", "a", "b"]);
      expect(JSON.parse(readFileSync(file, "utf8"))).toEqual({
        tool: "sluice",
        kind: "secrets",
        version: 2,
        fingerprints: ["a", "b"],
      });
      expect(readBaseline(file)).toEqual(new Set(["a", "b"]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
