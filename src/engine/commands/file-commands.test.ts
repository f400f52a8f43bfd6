import { describe, expect, it } from "vitest";
import { parseEnvFile, parseKeyValueFile, parsePathFile } from "./file-commands";

describe("parseKeyValueFile", () => {
  it("parses NAME=value lines, value is everything after the first '='", () => {
    const r = parseKeyValueFile("A=1\nB=x=y\nC=\n");
    expect(r.error).toBeNull();
    expect(r.entries).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "x=y" },
      { name: "C", value: "" },
    ]);
  });

  it("parses the heredoc form without a trailing newline", () => {
    const r = parseKeyValueFile('JSON<<EOF\n{\n  "a": 1\n}\nEOF\nNEXT=ok\n');
    expect(r.error).toBeNull();
    expect(r.entries).toEqual([
      { name: "JSON", value: '{\n  "a": 1\n}' },
      { name: "NEXT", value: "ok" },
    ]);
  });

  it("keeps empty lines inside a heredoc and allows an empty heredoc", () => {
    const r = parseKeyValueFile("A<<X\none\n\ntwo\nX\nB<<Y\nY");
    expect(r.entries).toEqual([
      { name: "A", value: "one\n\ntwo" },
      { name: "B", value: "" },
    ]);
  });

  it("accepts CRLF line endings", () => {
    const r = parseKeyValueFile("A=1\r\nM<<EOF\r\nx\r\ny\r\nEOF\r\n");
    expect(r.error).toBeNull();
    expect(r.entries).toEqual([
      { name: "A", value: "1" },
      { name: "M", value: "x\ny" },
    ]);
  });

  it("decides the form by whichever of '=' and '<<' comes first", () => {
    const r = parseKeyValueFile("A=b<<c\nD<<E=F\nx\nE=F\n");
    expect(r.entries).toEqual([
      { name: "A", value: "b<<c" },
      { name: "D", value: "x" },
    ]);
  });

  it("ignores empty lines and keeps repeated names in order", () => {
    const r = parseKeyValueFile("\nA=1\n\n\nA=2\n");
    expect(r.entries).toEqual([
      { name: "A", value: "1" },
      { name: "A", value: "2" },
    ]);
  });

  it("stops at a missing closing delimiter, keeping what came before", () => {
    const r = parseKeyValueFile("OK=1\nBAD<<EOF\nvalue\nLATER=2\n");
    expect(r.entries).toEqual([{ name: "OK", value: "1" }]);
    expect(r.error).toBe("Invalid value. Matching delimiter not found 'EOF'");
  });

  it("stops at the first line of neither form, with the runner's message", () => {
    const r = parseKeyValueFile("ok=1\n3.1.3\nlater=2\n");
    expect(r.entries).toEqual([{ name: "ok", value: "1" }]);
    expect(r.error).toBe("Invalid format '3.1.3'");
  });

  it.each([
    ["=v", "Invalid format '=v'. Name must not be empty"],
    ["<<EOF", "Invalid format '<<EOF'. Name must not be empty and delimiter must not be empty"],
    ["X<<", "Invalid format 'X<<'. Name must not be empty and delimiter must not be empty"],
  ])("rejects %s", (line, error) => {
    expect(parseKeyValueFile(`${line}\nGOOD=1\n`)).toEqual({ entries: [], error });
  });

  it("returns nothing for an empty file", () => {
    expect(parseKeyValueFile("")).toEqual({ entries: [], error: null });
  });
});

describe("parseEnvFile", () => {
  it("drops NODE_OPTIONS in any case and reports it like GitHub, without an error", () => {
    const r = parseEnvFile("node_options=--require x\nA=1\nNODE_OPTIONS<<E\n-r y\nE\n");
    expect(r.entries).toEqual([{ name: "A", value: "1" }]);
    expect(r.error).toBeNull();
    expect(r.blocked).toEqual([
      "Can't store node_options output parameter using '$GITHUB_ENV' command.",
      "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.",
    ]);
  });

  it("keeps the entries before an invalid line", () => {
    const r = parseEnvFile("VERSION=1\n2\nAFTER=3\n");
    expect(r.entries).toEqual([{ name: "VERSION", value: "1" }]);
    expect(r.error).toBe("Invalid format '2'");
  });
});

describe("parsePathFile", () => {
  it("returns trimmed non-empty lines in file order", () => {
    expect(parsePathFile("/opt/a\r\n\n  /opt/b  \n")).toEqual(["/opt/a", "/opt/b"]);
    expect(parsePathFile("")).toEqual([]);
  });
});
