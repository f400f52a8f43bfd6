import { describe, expect, it } from "vitest";
import { LineSplitter } from "./line-splitter";

describe("LineSplitter", () => {
  it("splits complete lines and keeps the partial one pending", () => {
    const s = new LineSplitter();
    expect(s.push("a\nb\npar")).toEqual(["a", "b"]);
    expect(s.push("tial")).toEqual([]);
    expect(s.push("\n")).toEqual(["partial"]);
    expect(s.flush()).toBeNull();
  });

  it("handles CRLF, including CR and LF in different chunks", () => {
    const s = new LineSplitter();
    expect(s.push("one\r\ntwo\r")).toEqual(["one"]);
    expect(s.push("\nthree")).toEqual(["two"]);
    expect(s.flush()).toBe("three");
  });

  it("keeps empty lines and lone CRs", () => {
    const s = new LineSplitter();
    expect(s.push("\n\n10%\r50%\r100%\n")).toEqual(["", "", "10%\r50%\r100%"]);
  });

  it("decodes multi-byte UTF-8 split across Buffer chunks", () => {
    const bytes = Buffer.from("héllo ✓ 😀\n", "utf8");
    const s = new LineSplitter();
    const lines: string[] = [];
    for (const byte of bytes) lines.push(...s.push(Buffer.from([byte])));
    expect(lines).toEqual(["héllo ✓ 😀"]);
    expect(s.flush()).toBeNull();
  });

  it("flushes the trailing partial line, stripping a final CR, and resets", () => {
    const s = new LineSplitter();
    s.push(Buffer.from("tail\r"));
    expect(s.flush()).toBe("tail");
    expect(s.flush()).toBeNull();
    expect(s.push("next\n")).toEqual(["next"]);
  });

  it("decodes an incomplete trailing sequence as a replacement character on flush", () => {
    const s = new LineSplitter();
    s.push(Buffer.from([0x61, 0xe2, 0x9c]));
    expect(s.flush()).toBe("a\uFFFD");
  });
});
