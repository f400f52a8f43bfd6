import { describe, expect, it } from "vitest";
import { comparePep440, normalizePep440, parsePep440 } from "./pep440";

describe("PEP 440", () => {
  it("orders the specification's example sequence", () => {
    // PEP 440, "Summary of permitted suffixes and relative ordering", plus epochs and locals.
    const ordered = [
      "1.dev0",
      "1.0.dev456",
      "1.0a1",
      "1.0a2.dev456",
      "1.0a12.dev456",
      "1.0a12",
      "1.0b1.dev456",
      "1.0b2",
      "1.0b2.post345.dev456",
      "1.0b2.post345",
      "1.0rc1.dev456",
      "1.0rc1",
      "1.0",
      "1.0+abc.5",
      "1.0+abc.7",
      "1.0+5",
      "1.0.post456.dev34",
      "1.0.post456",
      "1.0.15",
      "1.1.dev1",
      "2!0.1",
    ];
    for (let i = 0; i < ordered.length; i++) {
      for (let j = 0; j < ordered.length; j++) {
        expect(Math.sign(comparePep440(ordered[i]!, ordered[j]!)!), `${ordered[i]} vs ${ordered[j]}`).toBe(
          Math.sign(i - j),
        );
      }
    }
  });

  it("treats trailing zeros and spellings as the same version", () => {
    expect(comparePep440("1.0", "1.0.0")).toBe(0);
    expect(comparePep440("3.2", "3.2.0")).toBe(0);
    expect(comparePep440("1.0-ALPHA.1", "1.0a1")).toBe(0);
    expect(comparePep440("1.0c1", "1.0rc1")).toBe(0);
    expect(comparePep440("1.0-1", "1.0.post1")).toBe(0);
  });

  it("normalises as the specification's rules say", () => {
    const cases: [string, string][] = [
      ["v1.0", "1.0"],
      ["1.0-ALPHA.1", "1.0a1"],
      ["1.0a", "1.0a0"],
      ["1.0.preview_2", "1.0rc2"],
      ["1.0-r4", "1.0.post4"],
      ["1.0.post", "1.0.post0"],
      ["1.0-dev", "1.0.dev0"],
      ["1.0+ubuntu-1_2", "1.0+ubuntu.1.2"],
      ["1!2.0", "1!2.0"],
      [" 2.25.1 ", "2.25.1"],
    ];
    for (const [input, out] of cases) expect(normalizePep440(input), input).toBe(out);
  });

  it("rejects versions PEP 440 does not define", () => {
    for (const v of ["", "1.0.x", "abc", "1.0+", "1..0", "2.0.0-beta-foo-bar"])
      expect(parsePep440(v), v).toBeUndefined();
    expect(comparePep440("1.0", "latest")).toBeUndefined();
  });
});
