import { describe, expect, it } from "vitest";
import { GoRegexError, translateGoRegex } from "./go-regex";

function re(go: string): RegExp {
  const { source, flags } = translateGoRegex(go);
  return new RegExp(source, flags);
}

function rejects(go: string): GoRegexError {
  try {
    translateGoRegex(go);
  } catch (err) {
    expect(err).toBeInstanceOf(GoRegexError);
    return err as GoRegexError;
  }
  throw new Error(`${go} was accepted`);
}

describe("translateGoRegex", () => {
  it("turns a leading (?i) into the i flag", () => {
    expect(translateGoRegex("(?i)secret[a-z]+")).toEqual({ source: "secret[a-z]+", flags: "i" });
    expect(re("(?i)secret").test("SeCrEt")).toBe(true);
  });

  it("expands a scoped (?i:…) so the rest stays case-sensitive", () => {
    const r = re("(?i:token)_[A-Z]{3}");
    expect(r.flags).not.toContain("i");
    expect(r.test("TOKEN_ABC")).toBe(true);
    expect(r.test("token_ABC")).toBe(true);
    expect(r.test("token_abc")).toBe(false);
  });

  it("applies (?i) in the middle until the end of the enclosing group", () => {
    const r = re("a((?i)b)c");
    expect(r.test("aBc")).toBe(true);
    expect(r.test("aBC")).toBe(false);
    expect(re("(?i)ab(?-i)c").test("ABc")).toBe(true);
    expect(re("(?i)ab(?-i)c").test("ABC")).toBe(false);
  });

  it("folds case inside classes under a scoped (?i)", () => {
    const r = re("x(?i:[a-c]+)y");
    expect(r.test("xAbCy")).toBe(true);
    expect(r.test("XAy")).toBe(false);
  });

  it("drops group names but keeps them as capture groups", () => {
    const m = re("(?P<key>[a-z]+)=(?<value>\\d+)").exec("abc=42");
    expect(m?.[1]).toBe("abc");
    expect(m?.[2]).toBe("42");
    // RE2 allows a name twice; JavaScript (Node 20) does not, so names cannot be kept.
    expect(() => re("(?P<x>a)|(?P<x>b)")).not.toThrow();
  });

  it("translates \\A and \\z to the start and end of the text", () => {
    const r = re("\\Aabc\\z");
    expect(r.test("abc")).toBe(true);
    expect(r.test("abc\n")).toBe(false);
    expect(r.test("xabc")).toBe(false);
  });

  it("keeps (?s) and (?m) meanings without JS flags", () => {
    expect(re("a.b").test("a\nb")).toBe(false);
    expect(re("(?s)a.b").test("a\nb")).toBe(true);
    expect(re("(?m)^b$").test("a\nb\nc")).toBe(true);
    expect(re("^b$").test("a\nb\nc")).toBe(false);
  });

  it("translates POSIX classes, \\Q…\\E, octal, hex and Unicode escapes", () => {
    expect(re("^[[:alpha:]]+[[:digit:]]$").test("abc1")).toBe(true);
    expect(re("^[[:^digit:]]+$").test("abc")).toBe(true);
    expect(re("^[[:^digit:]]+$").test("ab1")).toBe(false);
    expect(re("\\Qa.b*c\\E").test("a.b*c")).toBe(true);
    expect(re("\\Qa.b*c\\E").test("axbbc")).toBe(false);
    expect(re("\\101\\x42\\x{43}").test("ABC")).toBe(true);
    const u = translateGoRegex("\\pL+\\p{Greek}");
    expect(u.flags).toContain("u");
    expect(new RegExp(u.source, u.flags).test("abcλ")).toBe(true);
  });

  it("treats a { that opens no repetition as a literal, like RE2", () => {
    expect(re("a{b").test("a{b")).toBe(true);
    expect(re("a{,3}").test("a{,3}")).toBe(true);
    expect(re("^a{2,3}$").test("aaa")).toBe(true);
  });

  it("escapes punctuation so the result also compiles with the u flag", () => {
    const { source } = translateGoRegex("\\-\\_\\#[\\-\\]]");
    expect(() => new RegExp(source + "\\p{L}", "u")).not.toThrow();
  });

  it("translates a gitleaks-style generic rule", () => {
    const r = re(
      `(?i)(?:key|api|token|secret|password)(?:[0-9a-z\\-_\\t .]{0,20})(?:[\\s|']|[\\s|"]){0,3}(?:=|>|:{1,3}=|\\|\\|:|<=|=>|:|\\?=)(?:'|\\"|\\s|=|\\x60){0,5}([0-9a-z\\-_.=]{10,150})(?:['|\\"|\\n|\\r|\\s|\\x60|;]|$)`,
    );
    expect(r.exec(`API_TOKEN = "abcdef123456"`)?.[1]).toBe("abcdef123456"); // sluice:allow
  });

  it.each([
    ["(?=a)", "lookahead"],
    ["(?<!a)b", "lookbehind"],
    ["(a)\\1", "backreferences"],
    ["(?U)a+", "ungreedy"],
    ["a\\C", "escape"],
    ["a{1001}", "1000"],
    ["(abc", "missing closing )"],
    ["abc)", "unexpected )"],
    ["[abc", "missing closing ]"],
    ["*a", "missing argument"],
    ["a**", "nested repetition"],
    ["[z-a]", "range"],
    ["\\", "trailing backslash"],
    ["(?x)a", "unknown flag"],
  ])("rejects %s", (go, message) => {
    expect(rejects(go).message).toContain(message);
  });

  it("reports the offset of the offending token", () => {
    expect(rejects("abc(?=x)").offset).toBe(3);
    expect(rejects("abc\\1").offset).toBe(3);
  });
});
