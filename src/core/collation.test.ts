import { describe, expect, it } from "vitest";
import { compareRoot, defaultCollationIsRoot, isPrintableAscii } from "./collation";

/** ICU's root collation, as `localeCompare` applies it under C, POSIX and English locales. */
const icu = new Intl.Collator("und");
const sign = (n: number) => Math.sign(n);

/** Seeded, so a failure replays. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2 ** 31;
    return state / 2 ** 31;
  };
}

describe("compareRoot", () => {
  const printable = Array.from({ length: 0x7f - 0x20 }, (_, i) => String.fromCharCode(0x20 + i));

  it("orders every pair of printable ASCII characters as ICU does", () => {
    for (const a of printable)
      for (const b of printable)
        expect([a, b, sign(compareRoot(a, b))]).toEqual([a, b, sign(icu.compare(a, b))]);
  });

  it("orders random strings as ICU does, case and length included", () => {
    const next = random(4);
    // A small alphabet makes shared prefixes and case-only differences common.
    const alphabet = ["a", "A", "b", "B", "-", "_", ".", "@", "/", "%", "0", "9", "~", " ", ":", "+"];
    const word = () =>
      Array.from(
        { length: Math.floor(next() * 7) },
        () => alphabet[Math.floor(next() * alphabet.length)],
      ).join("");
    for (let i = 0; i < 20000; i++) {
      const a = word();
      const b = next() < 0.3 ? a.toUpperCase() : word();
      expect([a, b, sign(compareRoot(a, b))]).toEqual([a, b, sign(icu.compare(a, b))]);
    }
  });

  it("sorts package URLs as localeCompare does under the test's locale", () => {
    const purls = [
      "pkg:npm/%40types/node@20.11.0",
      "pkg:npm/@types/node@20.11.0",
      "pkg:npm/a_b@1.0.0",
      "pkg:npm/a-b@1.0.0",
      "pkg:npm/A-b@1.0.0",
      "pkg:npm/a.b@1.0.0",
      "pkg:npm/ab@1.0.0",
      "pkg:npm/ab@1.0.0-rc.1",
      "pkg:npm/ab@1.0.0+build",
      "pkg:pypi/zope-interface@6.0",
      "root:app",
    ];
    const expected = [...purls].sort((a, b) =>
      defaultCollationIsRoot() ? a.localeCompare(b) : icu.compare(a, b),
    );
    expect([...purls].reverse().sort(compareRoot)).toEqual(expected);
  });

  it("accepts printable ASCII only", () => {
    expect(isPrintableAscii("pkg:npm/%40a/b@1.0.0 ~")).toBe(true);
    expect(isPrintableAscii("caf\u00e9")).toBe(false);
    expect(isPrintableAscii("a\tb")).toBe(false);
  });
});

describe("defaultCollationIsRoot", () => {
  it("follows ICU's choice of LC_ALL, then LC_MESSAGES, then LANG", () => {
    expect(defaultCollationIsRoot({}, "linux")).toBe(true);
    expect(defaultCollationIsRoot({ LANG: "C.UTF-8" }, "linux")).toBe(true);
    expect(defaultCollationIsRoot({ LANG: "en_GB.UTF-8" }, "linux")).toBe(true);
    expect(defaultCollationIsRoot({ LANG: "POSIX" }, "linux")).toBe(true);
    expect(defaultCollationIsRoot({ LANG: "da_DK.UTF-8" }, "linux")).toBe(false);
    expect(defaultCollationIsRoot({ LANG: "en_US.UTF-8", LC_MESSAGES: "cs_CZ.UTF-8" }, "linux")).toBe(false);
    expect(defaultCollationIsRoot({ LANG: "da_DK.UTF-8", LC_ALL: "C" }, "linux")).toBe(true);
    expect(defaultCollationIsRoot({ LANG: "da_DK.UTF-8", LC_ALL: "" }, "linux")).toBe(true);
    expect(defaultCollationIsRoot({ LANG: "C.UTF-8" }, "win32")).toBe(false);
  });
});
