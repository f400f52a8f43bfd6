import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { SluiceError } from "../core/errors";
import { loadDotenvFile, parseDotenv } from "./dotenv";

function failure(text: string): SluiceError {
  try {
    parseDotenv(text, ".env");
  } catch (err) {
    if (err instanceof SluiceError) return err;
    throw err;
  }
  throw new Error("expected parseDotenv to throw");
}

describe("parseDotenv", () => {
  it("reads plain, exported, quoted and commented entries", () => {
    const text = [
      "# a comment",
      "",
      "PLAIN=value",
      "SPACED = spaced value  ",
      "export TOKEN=abc123",
      "EMPTY=",
      "HASH=pa#ss # trailing comment",
      "SINGLE='literal \\n $HOME' # comment",
      'DOUBLE="tab\\there \\"quoted\\" back\\\\slash \\q"',
      "  INDENTED=yes",
    ].join("\n");
    expect(parseDotenv(text, ".env")).toEqual({
      PLAIN: "value",
      SPACED: "spaced value",
      TOKEN: "abc123",
      EMPTY: "",
      HASH: "pa#ss",
      SINGLE: "literal \\n $HOME",
      DOUBLE: 'tab\there "quoted" back\\slash \\q',
      INDENTED: "yes",
    });
  });

  it("reads multi-line double-quoted values, \\n escapes and CRLF files", () => {
    const text = '\uFEFFKEY="-----BEGIN KEY-----\r\nabc\r\n-----END KEY-----"\r\nNEXT="a\\nb"\r\n';
    expect(parseDotenv(text, ".env")).toEqual({
      KEY: "-----BEGIN KEY-----\nabc\n-----END KEY-----",
      NEXT: "a\nb",
    });
  });

  it("keeps a key named __proto__ as an ordinary entry", () => {
    expect(Object.keys(parseDotenv("__proto__=x\n", ".env"))).toEqual(["__proto__"]);
  });

  it("collects every problem with its line and column", () => {
    const err = failure(
      ["OK=1", "no equals sign", "9BAD=x", "OK=2", '  Q="closed" junk', "=value"].join("\n"),
    );
    expect(err.code).toBe("SLUICE_E_SECRETS_FILE");
    expect(err.problems.map((p) => [p.code, p.location?.line, p.location?.column])).toEqual([
      ["SLUICE_E_SECRETS_FILE", 2, 1],
      ["SLUICE_E_SECRETS_FILE", 3, 1],
      ["SLUICE_E_SECRETS_FILE", 4, 1],
      ["SLUICE_E_SECRETS_FILE", 5, 13],
      ["SLUICE_E_SECRETS_FILE", 6, 1],
    ]);
    expect(err.location).toEqual({ file: ".env", line: 2, column: 1 });
  });

  it("reports an unterminated quote where it opens", () => {
    const err = failure('A=1\nB="starts here\nand never ends\n');
    expect(err.problems).toHaveLength(1);
    expect(err.problems[0]?.location).toEqual({ file: ".env", line: 2, column: 3 });
  });
});

describe("loadDotenvFile", () => {
  it("reads a file and reports a missing one as SLUICE_E_SECRETS_FILE", async () => {
    const dir = await mkdtemp(join(tmpdir(), "sluice-dotenv-"));
    try {
      await writeFile(join(dir, ".env"), "A=1\n");
      expect(await loadDotenvFile(join(dir, ".env"))).toEqual({ A: "1" });
      await expect(loadDotenvFile(join(dir, "missing.env"))).rejects.toMatchObject({
        code: "SLUICE_E_SECRETS_FILE",
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe("parseDotenv fuzz", () => {
  it("returns values or a located SluiceError for any input", () => {
    const alphabet = [
      "A",
      "b",
      "_",
      "1",
      "=",
      " ",
      "\t",
      "#",
      "'",
      '"',
      "\\",
      "n",
      "\n",
      "\r\n",
      "export ",
      "$",
      "é",
    ];
    let state = 7;
    // A small LCG: deterministic, so a failing input can be reproduced from its index.
    const next = (n: number): number => ((state = (state * 1103515245 + 12345) % 2147483648), state % n);
    const failures: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const text = Array.from({ length: next(40) }, () => alphabet[next(alphabet.length)]).join("");
      try {
        parseDotenv(text, ".env");
      } catch (err) {
        const located =
          err instanceof SluiceError &&
          err.code === "SLUICE_E_SECRETS_FILE" &&
          err.problems.length > 0 &&
          err.problems.every((p) => (p.location?.line ?? 0) > 0 && (p.location?.column ?? 0) > 0);
        if (!located) failures.push(`${i}: ${JSON.stringify(text)}: ${String(err)}`);
      }
    }
    expect(failures).toEqual([]);
  });
});
