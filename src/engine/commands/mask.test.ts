import { describe, expect, it } from "vitest";
import { Masker } from "./mask";

describe("Masker", () => {
  it("returns text unchanged when nothing is registered", () => {
    expect(new Masker().mask("hello")).toBe("hello");
  });

  it("masks every occurrence, including inside other text with no separators", () => {
    const m = new Masker();
    m.add("s3cr3t");
    expect(m.mask("token=s3cr3t; again:s3cr3t!")).toBe("token=***; again:***!");
    expect(m.mask("xxs3cr3tyy")).toBe("xx***yy");
    expect(m.mask("s3cr3ts3cr3t")).toBe("***");
  });

  it("ignores empty and whitespace-only values", () => {
    const m = new Masker();
    m.add("");
    m.add("  \n\t ");
    expect(m.size).toBe(0);
    expect(m.mask("  a b  ")).toBe("  a b  ");
  });

  it("hides overlapping secrets completely", () => {
    const m = new Masker();
    m.add("abc");
    m.add("abcdef");
    m.add("efgh");
    expect(m.mask("x abcdefgh y")).toBe("x *** y");
    expect(m.mask("x abc y")).toBe("x *** y");
  });

  it("treats regex metacharacters literally", () => {
    const m = new Masker();
    m.add("a.b*c(d)$1");
    expect(m.mask("a.b*c(d)$1 aXbbc(d)$1")).toBe("*** aXbbc(d)$1");
  });

  it("registers each line of a multi-line secret", () => {
    const m = new Masker();
    m.add("-----BEGIN KEY-----\r\nAAAAline2\n\nline3\n");
    expect(m.mask("line: AAAAline2")).toBe("line: ***");
    expect(m.mask("-----BEGIN KEY-----")).toBe("***");
    expect(m.mask("line3")).toBe("***");
  });

  it("masks the JSON-escaped and URL-encoded forms", () => {
    const m = new Masker();
    m.add('pa"ss\\w/rd&x');
    expect(m.mask(JSON.stringify({ password: 'pa"ss\\w/rd&x' }))).toBe('{"password":"***"}');
    expect(m.mask(`https://h/?p=${encodeURIComponent('pa"ss\\w/rd&x')}`)).toBe("https://h/?p=***");
  });

  it("masks base64 forms at any alignment", () => {
    const m = new Masker();
    m.add("hunter2-password");
    for (const user of ["u", "us", "usr"]) {
      const header = Buffer.from(`${user}:hunter2-password`).toString("base64");
      expect(m.mask(`Authorization: Basic ${header}`)).not.toContain(header);
      expect(m.mask(`Authorization: Basic ${header}`)).toContain("***");
    }
  });

  it("affects only lines masked after a value is added", () => {
    const m = new Masker();
    const lines = ["one tok", "two tok", "three tok"];
    const out: string[] = [];
    lines.forEach((line, i) => {
      if (i === 1) m.add("tok");
      out.push(m.mask(line));
    });
    expect(out).toEqual(["one tok", "two ***", "three ***"]);
  });

  it("is idempotent for repeated adds", () => {
    const m = new Masker();
    m.add("value-1");
    const size = m.size;
    m.add("value-1");
    m.add("  value-1  ");
    expect(m.size).toBe(size);
  });

  it("masks a 10k-line stream correctly", () => {
    const m = new Masker();
    const secrets = Array.from({ length: 50 }, (_, i) => `secret-${i}-${"x".repeat(i % 7)}`);
    secrets.forEach((s) => m.add(s));
    let leaks = 0;
    let masked = 0;
    for (let i = 0; i < 10_000; i++) {
      const secret = secrets[i % secrets.length] ?? "";
      const line = i % 3 === 0 ? `line ${i}: value=${secret} done` : `line ${i}: nothing to see`;
      const out = m.mask(line);
      if (secrets.some((s) => out.includes(s))) leaks++;
      if (out.includes("***")) masked++;
      if (i % 3 !== 0) expect(out).toBe(line);
    }
    expect(leaks).toBe(0);
    expect(masked).toBe(3334);
  });
});
