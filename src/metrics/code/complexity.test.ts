import { readFileSync } from "node:fs";
import { Linter } from "eslint";
import tseslint from "typescript-eslint";
import { describe, expect, it } from "vitest";
import { measureComplexity, measureFileComplexity } from "./complexity";

const fixtures = new URL("../../../test/fixtures/code-metrics/complexity/", import.meta.url);
const fixture = (name: string) => readFileSync(new URL(name, fixtures), "utf8");

/** Complexity of the only function in `code`. */
function only(code: string): number {
  const fns = measureFileComplexity("x.ts", code);
  expect(fns).toHaveLength(1);
  return fns[0]!.complexity;
}

describe("measureFileComplexity counting", () => {
  it.each([
    ["straight-line code", "function f() { return 1; }", 1],
    ["if / else if", "function f(a) { if (a) {} else if (!a) {} else {} }", 3],
    ["conditional expression", "function f(a) { return a ? 1 : 2; }", 2],
    ["cases but not default", "function f(a) { switch (a) { case 1: case 2: break; default: } }", 3],
    [
      "every loop",
      "function f(a) { for(;;){} for (const k in a){} for (const v of a){} while(a){} do{}while(a) }",
      6,
    ],
    ["catch, not try or finally", "function f() { try {} catch (e) {} finally {} }", 2],
    ["&&, ||, ??", "function f(a, b) { return (a && b) || (a ?? b); }", 4],
    ["logical assignments", "function f(a) { a ||= 1; a &&= 2; a ??= 3; }", 4],
    ["each ?. once", "function f(a) { return a?.b.c?.[0]?.(); }", 4],
    ["parameter and destructuring defaults", "function f(a = 1, { b = 2 } = {}, [c = 3] = []) {}", 6],
    [
      "assignment-pattern defaults",
      "function f(a, b) { [a = 1, [b = 2] = []] = []; ({ a = 3, k: b = 4 } = {}); }",
      6,
    ],
    ["for-of over an assignment pattern", "function f(a) { for ([a = 1] of []) {} }", 3],
    [
      "no type-level constructs",
      "function f<T>(a: T extends string ? 1 : 2, o?: { p?: number }): void {}",
      1,
    ],
  ])("%s", (_, code, expected) => {
    expect(only(code)).toBe(expected);
  });

  it("measures nested functions on their own", () => {
    const fns = measureFileComplexity(
      "x.ts",
      "function outer(a) {\n  if (a) {}\n  return () => a ? 1 : 2;\n}",
    );
    expect(fns.map((f) => [f.name, f.complexity])).toEqual([
      ["outer", 2],
      ["<anonymous>@3", 2],
    ]);
  });

  it("names and kinds every unit of the fixture, with ESLint's head lines", () => {
    const fns = measureFileComplexity("constructs.ts", fixture("constructs.ts"));
    const byName = Object.fromEntries(fns.map((f) => [f.name, f.complexity]));
    expect(byName).toMatchObject({
      plain: 1,
      branches: 14,
      switching: 4,
      optionals: 7,
      defaults: 11,
      typed: 2,
      outer: 1,
      inner: 2,
      "Account.label": 2,
      "Account.handler": 2,
      "Account.<static>": 2,
      "Account.constructor": 3,
      "Account.positive": 2,
      "Account.amount": 2,
      "Account.deposit": 2,
      "Account.overload": 2,
      "api.get": 2,
      "api.post": 2,
      "api.put": 2,
      default: 2,
      "Anonymous.run": 2,
    });
    // trivial field initializers are not reported; overload signatures have no body
    expect(fns.filter((f) => f.name === "Account.balance" || f.name === "Account.registry")).toEqual([]);
    expect(fns.filter((f) => f.name === "Account.overload")).toHaveLength(1);
    const kinds = new Set(fns.map((f) => f.kind));
    for (const k of [
      "function",
      "method",
      "getter",
      "setter",
      "constructor",
      "arrow",
      "function-expression",
    ]) {
      expect(kinds).toContain(k);
    }
    expect(fns.find((f) => f.name.startsWith("<anonymous>@"))?.complexity).toBe(2);
  });

  it("measures JSX files and skips files that are not JS/TS source", () => {
    const fns = measureFileComplexity("component.jsx", fixture("component.jsx"));
    expect(fns.map((f) => [f.name, f.complexity])).toEqual([
      ["List", 4],
      ["<anonymous>@6", 3],
      ["Button", 1],
      ["<anonymous>@16", 3],
    ]);
    expect(measureFileComplexity("README.md", "function f() {}")).toEqual([]);
    expect(measureFileComplexity("types.d.ts", "declare function f(a?: number): void;")).toEqual([]);
  });

  it("still measures a file with syntax errors as far as it parses", () => {
    const fns = measureFileComplexity("broken.ts", "function ok(a) { return a || 1; }\nfunction bad( {");
    expect(fns[0]).toMatchObject({ name: "ok", complexity: 2 });
  });
});

describe("measureComplexity report", () => {
  it("gives max, average and the functions over a threshold, worst first", () => {
    const report = measureComplexity([
      { path: "a.ts", text: "function a(x) { if (x) {} if (!x) {} }\nfunction b() {}" },
      { path: "b.js", text: "const c = (x) => x && x.y;" },
      { path: "notes.txt", text: "function ignored(x) { if (x) {} }" },
    ]);
    expect(report.functions.map((f) => `${f.file}:${f.line} ${f.name}`)).toEqual([
      "a.ts:1 a",
      "a.ts:2 b",
      "b.js:1 c",
    ]);
    expect(report.max).toBe(3);
    expect(report.average).toBe(2);
    expect(report.overThreshold(1).map((f) => f.name)).toEqual(["a", "c"]);
    expect(report.overThreshold(3)).toEqual([]);
  });

  it("reports nothing for no files", () => {
    const report = measureComplexity([]);
    expect([report.functions, report.max, report.average]).toEqual([[], 0, 0]);
  });
});

/** ESLint's own figures: line → complexities, from `complexity: ["error", 0]` (every unit reported). */
function eslintComplexities(file: string, text: string): Map<number, number[]> {
  const linter = new Linter({ configType: "flat" });
  const isTs = file.endsWith(".ts");
  const messages = linter.verify(
    text,
    [
      {
        files: ["**/*.ts", "**/*.jsx"],
        languageOptions: isTs
          ? { parser: tseslint.parser as Linter.Parser }
          : { parserOptions: { ecmaFeatures: { jsx: true } } },
        rules: { complexity: ["error", 0] },
      },
    ],
    file,
  );
  // a parse failure or an unmatched config comes back as a message without a rule
  expect(messages.filter((m) => m.ruleId !== "complexity")).toEqual([]);
  const byLine = new Map<number, number[]>();
  for (const m of messages) {
    const value = Number(/complexity of (\d+)/.exec(m.message)?.[1]);
    // Sluice leaves out field initializers that branch nowhere (see measureUnit).
    if (/^Class field initializer/.test(m.message) && value === 1) continue;
    byLine.set(m.line, [...(byLine.get(m.line) ?? []), value].sort());
  }
  return byLine;
}

describe("agreement with ESLint's complexity rule", () => {
  it.each(["constructs.ts", "component.jsx"])("%s: every function, same line, same figure", (name) => {
    const text = fixture(name);
    const ours = new Map<number, number[]>();
    for (const f of measureFileComplexity(name, text)) {
      ours.set(f.line, [...(ours.get(f.line) ?? []), f.complexity].sort());
    }
    const theirs = eslintComplexities(name, text);
    expect(theirs.size).toBeGreaterThan(3);
    expect(ours).toEqual(theirs);
  });
});
