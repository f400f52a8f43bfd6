import { describe, expect, it } from "vitest";
import { skipInstruction } from "./skip-instructions";

describe("skipInstruction", () => {
  it.each(["[skip ci]", "[ci skip]", "[no ci]", "[skip actions]", "[actions skip]"])(
    "finds %s anywhere in the message",
    (s) => {
      expect(skipInstruction(`docs: fix typo ${s}`)).toBe(`"${s}"`);
      expect(skipInstruction(`docs\n\nbody ${s} more`)).toBe(`"${s}"`);
    },
  );

  it("matches the documented spellings only", () => {
    expect(skipInstruction("skip ci")).toBeUndefined();
    expect(skipInstruction("[skip-ci]")).toBeUndefined();
    expect(skipInstruction("[SKIP CI]")).toBeUndefined();
  });

  it("finds a skip-checks trailer at the end of the message", () => {
    expect(skipInstruction("Update docs\n\nskip-checks: true")).toBe('trailer "skip-checks: true"');
    expect(skipInstruction("Update docs\n\n\nskip-checks:true\n")).toBe('trailer "skip-checks:true"');
    expect(skipInstruction("Update\n\nBody.\n\nSigned-off-by: A <a@b>\nskip-checks: true")).toBe(
      'trailer "skip-checks: true"',
    );
  });

  it("ignores skip-checks that is not the last trailer, is the subject, or says false", () => {
    expect(skipInstruction("Update\n\nskip-checks: true\nSigned-off-by: A <a@b>")).toBeUndefined();
    expect(skipInstruction("skip-checks: true")).toBeUndefined();
    expect(skipInstruction("Update\n\nskip-checks: false")).toBeUndefined();
    expect(skipInstruction("Update\n\nskip-checks:  true")).toBeUndefined();
  });
});
