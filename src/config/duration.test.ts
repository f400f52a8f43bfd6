import { describe, expect, it } from "vitest";
import { durationSchema, parseDuration } from "./duration";

describe("parseDuration", () => {
  it.each([
    ["500ms", 500],
    ["30s", 30_000],
    ["5m", 300_000],
    ["1h30m", 5_400_000],
    ["1.5s", 1500],
    ["90", 90_000],
    [" 2m ", 120_000],
  ])("reads %s", (text, ms) => expect(parseDuration(text)).toBe(ms));

  it.each(["", "s", "5x", "5 m", "-1s", "1m 30s", "ms5"])("rejects %j", (text) => {
    expect(parseDuration(text)).toBeNull();
  });

  it("reads numbers as seconds and reports bad strings", () => {
    expect(durationSchema().parse(2)).toBe(2000);
    const bad = durationSchema().safeParse("soon");
    expect(bad.success).toBe(false);
    expect(bad.error?.issues[0]?.message).toContain("not a duration");
  });
});
