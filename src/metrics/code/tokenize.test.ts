import ts from "typescript";
import { describe, expect, it } from "vitest";
import type { TokenizeOptions } from "./tokenize";
import { TokenTable, tokenize } from "./tokenize";

const K = ts.SyntaxKind;
const ids = (text: string, options?: TokenizeOptions, table = new TokenTable()) => [
  ...tokenize(text, table, options).ids,
];

describe("tokenize", () => {
  it("ignores comments, whitespace and line breaks", () => {
    expect(ids("a  + /* c */ b // d\n")).toEqual(ids("a+b"));
    expect(ids("a\n+\nb")).toHaveLength(3);
  });

  it("tells a regular expression from a division by the token before it", () => {
    const division = ids("x = a / b / c;");
    expect(division.filter((id) => id === K.SlashToken)).toHaveLength(2);
    const regex = ids("x = /ab+c/g.test(s); y = x.default / 2; z = (1) / /q/.source;", {
      ignoreLiterals: false,
    });
    expect(regex.filter((id) => id === K.SlashToken)).toHaveLength(2);
    // `/ab+c/g` was one literal: the identifiers after it are `test` and `s`, not `c` and `g`
    expect(ids("/ab+c/g.test(s)", { ignoreLiterals: false })).toHaveLength(6);
  });

  it("resumes template text after each substitution, even with braces inside it", () => {
    const table = new TokenTable();
    const tokens = ids("const t = `a${ { b: 1 }.b }c${d}e`; next", {}, table);
    expect(tokens).toEqual([
      K.ConstKeyword,
      table.idOf("t"),
      K.EqualsToken,
      K.TemplateHead,
      K.OpenBraceToken,
      table.idOf("b"),
      K.ColonToken,
      9_000,
      K.CloseBraceToken,
      K.DotToken,
      table.idOf("b"),
      K.TemplateMiddle,
      table.idOf("d"),
      K.TemplateTail,
      K.SemicolonToken,
      table.idOf("next"),
    ]);
  });

  it("drops import declarations but keeps dynamic import and import.meta", () => {
    const table = new TokenTable();
    const tokens = ids(
      'import { a } from "x";\nimport "y"\nimport type * as t from "z";\nconst z = import("q");',
      {},
      table,
    );
    expect(tokens[0]).toBe(K.ConstKeyword);
    expect(tokens).toContain(K.ImportKeyword);
    expect(ids("import.meta.url")).toHaveLength(5);
    expect(ids('import x = require("y");')).toContain(K.EqualsToken);
  });

  it("normalises literals by default and identifiers on request", () => {
    expect(ids('f("a", 1)')).toEqual(ids("f('b', 2.5)"));
    const table = new TokenTable();
    const exact = { ignoreLiterals: false };
    expect(ids('f("a")', exact, table)).not.toEqual(ids('f("b")', exact, table));
    expect(ids('f("a")', exact, table)).toEqual(ids('f("a")', exact, table));
    expect(ids("a.b(c)", {}, table)).not.toEqual(ids("x.y(z)", {}, table));
    expect(ids("a.b(c)", { ignoreIdentifiers: true })).toEqual(ids("x.y(z)", { ignoreIdentifiers: true }));
    expect(ids("this.#a", { ignoreIdentifiers: true })).toEqual(ids("this.#b", { ignoreIdentifiers: true }));
  });

  it("records start and end lines, a multi-line template spanning several", () => {
    const s = tokenize("a\n\nb = `x\ny\nz`;\n", new TokenTable());
    expect([...s.startLines]).toEqual([1, 3, 3, 3, 5]);
    expect([...s.endLines]).toEqual([1, 3, 3, 5, 5]);
  });
});
