import { describe, expect, it } from "vitest";
import { SluiceError } from "../../core/errors";
import { JsonInput, syntaxErrorOffset } from "./json-input";

function failure(fn: () => unknown): SluiceError {
  try {
    fn();
  } catch (err) {
    if (err instanceof SluiceError) return err;
    throw err;
  }
  throw new Error("expected a SluiceError");
}

describe("JsonInput", () => {
  it.each([
    ['{"a": 1,}', 8],
    ['{"a" 1}', 5],
    ["[1, 2", 5],
    ['{"a": "x\ny"}', 6],
    ["[tru]", 1],
    ["[1] 2", 4],
    ['"\\q"', 0],
    ["", 0],
    ["[01]", 2],
  ])("finds where %j goes wrong", (text, offset) => {
    expect(syntaxErrorOffset(text)).toBe(offset);
    expect(() => JSON.parse(text)).toThrow();
  });

  it("reports syntax errors at their line and column, and says when the text ends too early", () => {
    const err = failure(() => new JsonInput('{\n  "a": [1,\n  2 3]\n}', "r.json", "sarif"));
    expect(err.location).toEqual({ file: "r.json", line: 3, column: 5 });
    const cut = failure(() => new JsonInput('{\n  "a": [1,', "r.json", "sarif"));
    expect(cut.message).toContain("truncated");
    expect(cut.location).toEqual({ file: "r.json", line: 2, column: 11 });
  });

  it("survives deep nesting without overflowing the stack", () => {
    expect(syntaxErrorOffset("[".repeat(200_000))).toBe(200_000);
    const input = new JsonInput("[".repeat(5000) + "]".repeat(5000), "r.json", "eslint");
    expect(failure(() => input.object(input.root, [])).location).toEqual({
      file: "r.json",
      line: 1,
      column: 1,
    });
  });

  it("locates a value by its path, skipping strings with brackets and escapes", () => {
    const text = '{\n  "x": ["]", {"}": "\\"{"}],\n  "runs": [\n    {},\n    {"tool": 5}\n  ]\n}';
    const input = new JsonInput(text, "r.json", "sarif");
    expect(failure(() => input.fail(["runs", 1, "tool"], "bad")).location).toEqual({
      file: "r.json",
      line: 5,
      column: 14,
    });
    // A path that does not exist points at its deepest existing part.
    expect(failure(() => input.fail(["runs", 7, "tool"], "bad")).location).toEqual({
      file: "r.json",
      line: 3,
      column: 11,
    });
  });

  it("accepts a byte-order mark", () => {
    expect(new JsonInput('\ufeff{"a":1}', "r.json", "k6").root).toEqual({ a: 1 });
  });
});
