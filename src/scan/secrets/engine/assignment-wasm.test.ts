import { isAscii } from "node:buffer";
import { describe, expect, it } from "vitest";
import { ASSIGNMENT_REACH, VALUE_MIN } from "./assignment-wasm";
import { KeywordMatcher } from "./keyword-matcher";

const isIdentifier = (c: string) => /^[0-9A-Za-z_.-]$/.test(c);
const isBlank = (c: string) => /^[ \t\n\v\f\r]$/.test(c);

/**
 * The confirmation as it was written in JavaScript over strings (UTF-16 units): the WebAssembly
 * version over UTF-8 bytes must agree with it everywhere.
 */
function assignmentFollows(text: string, from: number): boolean {
  const limit = Math.min(text.length, from + ASSIGNMENT_REACH);
  let i = from;
  while (i < limit && isIdentifier(text[i]!)) i++;
  if (i < limit && `"']`.includes(text[i]!)) i++;
  while (i < limit && isBlank(text[i]!)) i++;
  if (i >= limit || !"=:|?".includes(text[i]!)) return false;
  let run = 0;
  for (; i < text.length; i++) {
    if (isBlank(text[i]!)) run = 0;
    else if ("=:|?>".includes(text[i]!)) run++;
    else break;
  }
  for (; i < text.length && run < VALUE_MIN && !isBlank(text[i]!); i++) run++;
  return run >= VALUE_MIN;
}

/** Every `token` (any case) that an assignment follows, by brute force. */
function expected(text: string): Map<number, number[]> {
  const starts: number[] = [];
  const lower = text.toLowerCase();
  for (let i = lower.indexOf("token"); i !== -1; i = lower.indexOf("token", i + 1))
    if (assignmentFollows(text, i + 5)) starts.push(i);
  return starts.length > 0 ? new Map([[0, starts]]) : new Map();
}

const matcher = () => new KeywordMatcher([{ keywords: ["token"], assignment: true }]);

describe("the assignment check in WebAssembly", () => {
  it("accepts an operator within reach and a long enough value, also across lines and CRLF", () => {
    const m = matcher();
    const cases: [string, boolean][] = [
      ["token=abcdefgh", true],
      // The operator counts towards the value's run, as a value may start with one.
      ["token=abcdefg", true],
      ["token=abcdef", false],
      ["token = 'abcdefgh'", true],
      ['"token": "abcdefgh"', true],
      ["token]  :=\r\n  abcdefgh", true],
      ["token ==abcdefg", true],
      ["token =\r\n\r\n", false],
      ["tokenCount = 12345678", true],
      [`token${"x".repeat(ASSIGNMENT_REACH - 1)}=abcdefgh`, true],
      [`token${"x".repeat(ASSIGNMENT_REACH)}=abcdefgh`, false],
      ["token(x) = abcdefgh", false],
      ["token: string", false],
      ["token", false],
      ["token=", false],
    ];
    for (const [text, hit] of cases) {
      expect(m.scanString(text).size > 0, text).toBe(hit);
      expect(assignmentFollows(text, 5), `reference: ${text}`).toBe(hit);
    }
  });

  it("counts the value in UTF-16 units, as the regex does", () => {
    const m = matcher();
    // é is one unit (two bytes), 😀 two units (four bytes); `=` counts as one.
    expect(m.scanString("token=éééééé").size).toBe(0);
    expect(m.scanString("token=ééééééé").size).toBe(1);
    expect(m.scanString("token=😀😀😀").size).toBe(0);
    expect(m.scanString("token=😀😀😀a").size).toBe(1);
    expect(m.scanString("é token=😀😀😀a")).toEqual(new Map([[0, [2]]]));
  });

  it("agrees with the JavaScript version on random text, at every distance from the end", () => {
    const m = matcher();
    const pieces = ["token", "TOKEN", "tok", "=", ":", "|", "?", ">", " ", "\n", "\r\n", '"', "'", "]"];
    pieces.push("a", "Z", "9", "_", "-", ".", "(", ";", "é", "中", "😀", "\ud800", "abcdefgh");
    let seed = 5;
    const rnd = (n: number) => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % n;
    for (let round = 0; round < 2000; round++) {
      const text = Array.from({ length: 1 + rnd(24) }, () => pieces[rnd(pieces.length)]).join("");
      const want = expected(text);
      expect(m.scanString(text), JSON.stringify(text)).toEqual(want);
      if (isAscii(Buffer.from(text))) expect(m.scanBytes(Buffer.from(text, "latin1"))).toEqual(want);
      else if (!text.includes("\ud800")) expect(m.scanUtf8(Buffer.from(text))).toEqual(want);
    }
  });
});
