import { describe, expect, it } from "vitest";
import { parseEnvFile, parseKeyValueFile, parsePathFile } from "./file-commands";

describe("parseKeyValueFile", () => {
  it("parses NAME=value lines, value is everything after the first '='", () => {
    const r = parseKeyValueFile("A=1\nB=x=y\nC=\n");
    expect(r.problems).toEqual([]);
    expect(r.entries).toEqual([
      { name: "A", value: "1" },
      { name: "B", value: "x=y" },
      { name: "C", value: "" },
    ]);
  });

  it("parses the heredoc form without a trailing newline", () => {
    const r = parseKeyValueFile('JSON<<EOF\n{\n  "a": 1\n}\nEOF\nNEXT=ok\n');
    expect(r.problems).toEqual([]);
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
    expect(r.problems).toEqual([]);
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

  it("reports a missing closing delimiter", () => {
    const r = parseKeyValueFile("OK=1\nBAD<<EOF\nvalue\n");
    expect(r.entries).toEqual([{ name: "OK", value: "1" }]);
    expect(r.problems).toHaveLength(1);
    expect(r.problems[0]).toMatch(/line 2: .*delimiter 'EOF' not found/);
  });

  it("reports empty names, empty delimiters and lines of neither form, and keeps going", () => {
    const r = parseKeyValueFile("=v\n<<EOF\nX<<\nnonsense\nGOOD=1\n");
    expect(r.entries).toEqual([{ name: "GOOD", value: "1" }]);
    expect(r.problems).toHaveLength(4);
    expect(r.problems[0]).toMatch(/^line 1: /);
    expect(r.problems[3]).toMatch(/^line 4: /);
  });

  it("returns nothing for an empty file", () => {
    expect(parseKeyValueFile("")).toEqual({ entries: [], problems: [] });
  });
});

describe("parseEnvFile", () => {
  it("drops NODE_OPTIONS in any case and reports it like GitHub", () => {
    const r = parseEnvFile("node_options=--require x\nA=1\nNODE_OPTIONS<<E\n-r y\nE\n");
    expect(r.entries).toEqual([{ name: "A", value: "1" }]);
    expect(r.problems).toEqual([
      "Can't store node_options output parameter using '$GITHUB_ENV' command.",
      "Can't store NODE_OPTIONS output parameter using '$GITHUB_ENV' command.",
    ]);
  });
});

describe("parsePathFile", () => {
  it("returns trimmed non-empty lines in file order", () => {
    expect(parsePathFile("/opt/a\r\n\n  /opt/b  \n")).toEqual(["/opt/a", "/opt/b"]);
    expect(parsePathFile("")).toEqual([]);
  });
});
