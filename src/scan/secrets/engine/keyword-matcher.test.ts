import { describe, expect, it } from "vitest";
import { KeywordMatcher as Matcher } from "./keyword-matcher";

/** The matcher over plain keyword lists (one list per rule). */
class KeywordMatcher extends Matcher {
  constructor(lists: string[][]) {
    super(lists.map((keywords) => ({ keywords })));
  }
}

/** What the automaton must find: every case-insensitive occurrence, by brute force. */
function naive(keywords: string[][], text: string): Map<number, number[]> {
  const out = new Map<number, number[]>();
  const lower = text.toLowerCase();
  keywords.forEach((words, rule) => {
    const starts = new Set<number>();
    for (const w of words)
      for (let i = lower.indexOf(w); i !== -1; i = lower.indexOf(w, i + 1)) starts.add(i);
    if (starts.size > 0)
      out.set(
        rule,
        [...starts].sort((a, b) => a - b),
      );
  });
  return out;
}

function sorted(hits: Map<number, number[]>): Map<number, number[]> {
  return new Map([...hits].map(([k, v]) => [k, [...v].sort((a, b) => a - b)]));
}

describe("KeywordMatcher", () => {
  it("finds overlapping keywords of several rules, case-insensitively", () => {
    const m = new KeywordMatcher([["pass", "password"], ["word"], ["ghp_"], []]);
    const text = "My PASSWORD and ghp_x, passwords";
    const hits = m.scanString(text);
    expect(sorted(hits)).toEqual(naive([["pass", "password"], ["word"], ["ghp_"], []], text));
    expect(hits.get(0)).toEqual([3, 23]);
  });

  it("gives the same offsets on bytes as on the string for ASCII text", () => {
    const m = new KeywordMatcher([["akia"], ["-----begin rsa"], ["sk_live_"]]);
    const text = "x AKIA y\n-----BEGIN RSA PRIVATE KEY-----\nsk_live_abc akia";
    expect(m.scanBytes(Buffer.from(text, "latin1"))).toEqual(m.scanString(text));
  });

  it("ignores non-ASCII characters without losing its place", () => {
    const m = new KeywordMatcher([["token"]]);
    expect(m.scanString("tök token tokén")).toEqual(new Map([[0, [4]]]));
  });

  it("confirms exact-case keywords and assignment keywords", () => {
    const m = new Matcher([
      { keywords: ["SK"], exact: true },
      { keywords: ["token"], assignment: true },
    ]);
    // An assignment keyword also needs a value of 8 or more non-blank characters after it.
    const text =
      "task SK1 sk2 tokenCount = 12345678; token(x); api_token: y; token:=\n  'abcdefgh' token ==abcdefg token";
    expect(m.scanString(text)).toEqual(
      new Map([
        [0, [5]],
        [1, [13, 60, 81]],
      ]),
    );
    expect(m.scanBytes(Buffer.from(text))).toEqual(m.scanString(text));
  });

  it("agrees with a brute-force search on random text", () => {
    const keywords = [["ab", "abc"], ["bca", "c"], ["aaa"], ["cab", "b_c"]];
    const m = new KeywordMatcher(keywords);
    let seed = 7;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (let n = 0; n < 200; n++) {
      const text = Array.from({ length: 60 }, () => "abcAB_C x"[Math.floor(rnd() * 9)]).join("");
      expect(sorted(m.scanString(text)), text).toEqual(naive(keywords, text));
    }
  });

  it("walks large inputs in four interleaved chains without losing or doubling a keyword", () => {
    // Quarters and blocks of every stride (256 … 16384 bytes per chain) meet at multiples of 256.
    const keywords = [["ghp_"], ["password", "pass"], ["begin rsa private key"], ["sk"]];
    const m = new KeywordMatcher(keywords);
    let seed = 11;
    const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
    for (const length of [700, 1023, 1500, 4099, 5 * 1024 + 300, 65536 + 77, 3 * 65536 + 5]) {
      const chars = Array.from({ length }, () => "abcdefghijklmnopqrstuvwxyz _\n"[Math.floor(rnd() * 29)]);
      // Plant keywords everywhere, including across the quarter and block boundaries.
      const quarter = Math.ceil(Math.min(length, 65536) / 4);
      const spots = [quarter - 2, 2 * quarter - 5, 3 * quarter - 1, 65536 - 3, length - 6];
      for (let i = 0; i < 40; i++) spots.push(Math.floor(rnd() * (length - 30)));
      for (let b = 256; b < length; b += 256) spots.push(b - 1 - Math.floor(rnd() * 20));
      for (const at of spots) {
        const word = ["GHP_", "Password", "BEGIN RSA PRIVATE KEY", "sK"][Math.floor(rnd() * 4)]!;
        if (at >= 0 && at + word.length <= length)
          for (let j = 0; j < word.length; j++) chars[at + j] = word[j]!;
      }
      const text = chars.join("");
      expect(sorted(m.scanBytes(Buffer.from(text, "latin1"))), `length ${length}`).toEqual(
        naive(keywords, text),
      );
      expect(sorted(m.scanString(text)), `length ${length}`).toEqual(naive(keywords, text));
    }
  });

  it("scans in place what was read into its buffer, and copies other bytes", () => {
    const m = new KeywordMatcher([["token"]]);
    const text = "x".repeat(3000) + "TOKEN=1";
    const buffer = m.readBuffer(text.length);
    expect(buffer.length).toBeGreaterThanOrEqual(text.length);
    buffer.write(text, "latin1");
    expect(m.scanBytes(buffer.subarray(0, text.length))).toEqual(new Map([[0, [3000]]]));
    // Other bytes are copied into the same memory (over what was read there).
    expect(m.scanBytes(Buffer.from("a token"))).toEqual(new Map([[0, [2]]]));
    // The same Buffer serves while it is large enough; growing keeps what it holds.
    expect(m.readBuffer(10)).toBe(buffer);
    buffer.write(text, "latin1");
    const grown = m.readBuffer(buffer.length + 1);
    expect(grown === buffer).toBe(false);
    expect(grown.subarray(0, text.length).toString("latin1")).toBe(text);
  });

  it("gives string offsets after multi-byte characters, from strings and from UTF-8 bytes", () => {
    const keywords = [["token"], ["ghp_"], ["pass", "password"]];
    const m = new KeywordMatcher(keywords);
    const texts = [
      "é token ghp_x",
      "ü\r\n中文 password=1\r\n😀😀 token",
      "\ud800 token \udfff pass",
      "token at the start, 😀 then the end: ghp_",
      "😀".repeat(5000) + " token " + "é".repeat(70000) + " pass",
    ];
    for (const text of texts) {
      expect(sorted(m.scanString(text)), text.slice(0, 40)).toEqual(naive(keywords, text));
      if (!/[\ud800-\udfff](?![\udc00-\udfff])/.test(text))
        expect(sorted(m.scanUtf8(Buffer.from(text))!)).toEqual(naive(keywords, text));
    }
  });

  it("leaves bytes that are not valid UTF-8 to the decoded string", () => {
    const m = new KeywordMatcher([["token"]]);
    const bytes = Buffer.from([0xff, 0xfe, 0x20, ...Buffer.from("token")]);
    expect(m.scanUtf8(bytes)).toBeUndefined();
    const text = bytes.toString("utf8");
    expect(m.scanString(text)).toEqual(new Map([[0, [text.indexOf("token")]]]));
  });

  it("handles keyword sets with more than 64 character classes", () => {
    const printable = Array.from({ length: 94 }, (_, i) => String.fromCharCode(33 + i)).join("");
    const keywords = [[printable.toLowerCase().slice(0, 40)], [printable.slice(40).toLowerCase()], ["ok"]];
    const m = new KeywordMatcher(keywords);
    const text = `${"z".repeat(2000)}${printable}${"y".repeat(5000)} ok ${printable.slice(40)}`;
    expect(sorted(m.scanBytes(Buffer.from(text, "latin1")))).toEqual(naive(keywords, text));
  });
  it("tells the cases of short exact keywords' letters apart, and still folds every other keyword", () => {
    const m = new Matcher([
      { keywords: ["SK"], exact: true },
      { keywords: ["Q~"], exact: true },
      { keywords: ["token", "pass", "access_key", "sq"] },
      { keywords: ["sk_live_"], exact: true },
    ]);
    const alphabet = "sSkKqQ~toOTeEnNpPaAcC_yYlLiIvV_ ";
    let seed = 11;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) >>> 0) >>> 8) % alphabet.length;
    for (let round = 0; round < 200; round++) {
      let text = Array.from({ length: 200 }, () => alphabet[rnd()]).join("");
      text += " task SK TOKEN ToKeN PaSS ACCESS_KEY sQ Q~ q~ sk_live_ SK_LIVE_";
      const want = new Map<number, number[]>();
      const add = (rule: number, word: string, exact: boolean) => {
        const hay = exact ? text : text.toLowerCase();
        for (let i = hay.indexOf(word); i !== -1; i = hay.indexOf(word, i + 1)) {
          const list = want.get(rule) ?? [];
          if (!list.includes(i)) list.push(i);
          want.set(rule, list);
        }
      };
      add(0, "SK", true);
      add(1, "Q~", true);
      for (const w of ["token", "pass", "access_key", "sq"]) add(2, w, false);
      add(3, "sk_live_", true);
      const bytes = Buffer.from(text, "latin1");
      expect(sorted(m.scanString(text))).toEqual(sorted(want));
      expect(sorted(m.scanBytes(bytes))).toEqual(sorted(want));
    }
  });
});
