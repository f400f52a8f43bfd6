import { describe, it, expect } from "vitest";
import { deepEqual, expandMatrix, matrixDisplaySuffix, MAX_MATRIX_COMBINATIONS } from "./matrix";

const ok = (matrix: unknown) => {
  const result = expandMatrix(matrix);
  expect(result.problems).toEqual([]);
  return result.combinations;
};

describe("expandMatrix: product and order", () => {
  it("builds the cartesian product with the first key varying slowest", () => {
    expect(ok({ version: [10, 12, 14], os: ["ubuntu-latest", "windows-latest"] })).toEqual([
      { version: 10, os: "ubuntu-latest" },
      { version: 10, os: "windows-latest" },
      { version: 12, os: "ubuntu-latest" },
      { version: 12, os: "windows-latest" },
      { version: 14, os: "ubuntu-latest" },
      { version: 14, os: "windows-latest" },
    ]);
  });

  it("expands a single vector", () => {
    expect(ok({ node: [18, 20] })).toEqual([{ node: 18 }, { node: 20 }]);
  });

  it("keeps object values whole", () => {
    const cfg = [{ os: "a", cc: "gcc" }, { os: "b" }];
    expect(ok({ config: cfg })).toEqual([{ config: cfg[0] }, { config: cfg[1] }]);
  });

  it("does not modify its input", () => {
    const matrix = { a: [1, 2], include: [{ a: 1, b: 2 }], exclude: [{ a: 2 }] };
    const copy = structuredClone(matrix);
    ok(matrix);
    expect(matrix).toEqual(copy);
  });
});

describe("expandMatrix: exclude", () => {
  it("follows GitHub's example (partial entries, 12 - 3 = 9 jobs)", () => {
    const combos = ok({
      os: ["macos-latest", "windows-latest"],
      version: [12, 14, 16],
      environment: ["staging", "production"],
      exclude: [
        { os: "macos-latest", version: 12, environment: "production" },
        { os: "windows-latest", version: 16 },
      ],
    });
    expect(combos).toHaveLength(9);
    expect(combos).not.toContainEqual({ os: "macos-latest", version: 12, environment: "production" });
    expect(combos).not.toContainEqual({ os: "windows-latest", version: 16, environment: "staging" });
    expect(combos).toContainEqual({ os: "macos-latest", version: 12, environment: "staging" });
  });

  it("compares object values structurally", () => {
    const combos = ok({
      config: [{ os: "a" }, { os: "b" }],
      n: [1, 2],
      exclude: [{ config: { os: "a" }, n: 1 }],
    });
    expect(combos).toEqual([
      { config: { os: "a" }, n: 2 },
      { config: { os: "b" }, n: 1 },
      { config: { os: "b" }, n: 2 },
    ]);
  });

  it("reports exclude keys that are not matrix keys", () => {
    const r = expandMatrix({ os: ["a"], exclude: [{ platform: "a" }] });
    expect(r.combinations).toEqual([]);
    expect(r.problems).toEqual(["Matrix exclude key 'platform' does not match any key within the matrix"]);
  });

  it("ignores an empty exclude entry", () => {
    expect(ok({ os: ["a", "b"], exclude: [{}] })).toHaveLength(2);
  });

  it("reports a matrix whose combinations are all excluded", () => {
    const r = expandMatrix({ os: ["a"], exclude: [{ os: "a" }] });
    expect(r.combinations).toEqual([]);
    expect(r.problems).toHaveLength(1);
  });
});

describe("expandMatrix: include", () => {
  it("follows GitHub's fruit/animal example", () => {
    expect(
      ok({
        fruit: ["apple", "pear"],
        animal: ["cat", "dog"],
        include: [
          { color: "green" },
          { color: "pink", animal: "cat" },
          { fruit: "apple", shape: "circle" },
          { fruit: "banana" },
          { fruit: "banana", animal: "cat" },
        ],
      }),
    ).toEqual([
      { fruit: "apple", animal: "cat", color: "pink", shape: "circle" },
      { fruit: "apple", animal: "dog", color: "green", shape: "circle" },
      { fruit: "pear", animal: "cat", color: "pink" },
      { fruit: "pear", animal: "dog", color: "green" },
      { fruit: "banana" },
      { fruit: "banana", animal: "cat" },
    ]);
  });

  it("follows GitHub's os/node example (npm: 6 on one combination)", () => {
    expect(
      ok({
        os: ["windows-latest", "ubuntu-latest"],
        node: [14, 16],
        include: [{ os: "windows-latest", node: 16, npm: 6 }],
      }),
    ).toEqual([
      { os: "windows-latest", node: 14 },
      { os: "windows-latest", node: 16, npm: 6 },
      { os: "ubuntu-latest", node: 14 },
      { os: "ubuntu-latest", node: 16 },
    ]);
  });

  it("follows GitHub's example adding a new combination", () => {
    expect(
      ok({
        os: ["windows-latest", "ubuntu-latest"],
        node: [14, 16],
        include: [{ os: "windows-latest", node: 17 }],
      }),
    ).toEqual([
      { os: "windows-latest", node: 14 },
      { os: "windows-latest", node: 16 },
      { os: "ubuntu-latest", node: 14 },
      { os: "ubuntu-latest", node: 16 },
      { os: "windows-latest", node: 17 },
    ]);
  });

  it("uses the includes as combinations when there are no vectors", () => {
    expect(
      ok({
        include: [
          { site: "production", datacenter: "site-a" },
          { site: "staging", datacenter: "site-b" },
        ],
      }),
    ).toEqual([
      { site: "production", datacenter: "site-a" },
      { site: "staging", datacenter: "site-b" },
    ]);
  });

  it("re-adds an excluded combination, after exclude", () => {
    expect(ok({ os: ["a", "b"], exclude: [{ os: "b" }], include: [{ os: "b" }] })).toEqual([
      { os: "a" },
      { os: "b" },
    ]);
  });

  it("adds to every combination when the include has no matrix keys", () => {
    expect(ok({ os: ["a", "b"], include: [{ experimental: true }] })).toEqual([
      { os: "a", experimental: true },
      { os: "b", experimental: true },
    ]);
  });

  it("matches object-valued matrix keys structurally", () => {
    expect(ok({ cfg: [{ os: "a" }, { os: "b" }], include: [{ cfg: { os: "b" }, extra: 1 }] })).toEqual([
      { cfg: { os: "a" } },
      { cfg: { os: "b" }, extra: 1 },
    ]);
  });

  it("keeps an include that fits nowhere even if it equals another include", () => {
    expect(ok({ include: [{ a: 1 }, { a: 1 }] })).toEqual([{ a: 1 }, { a: 1 }]);
  });
});

describe("expandMatrix: problems", () => {
  it("reports a matrix that is not a mapping", () => {
    expect(expandMatrix("${{ fromJSON(x) }}").problems).toEqual(["Matrix must be a mapping"]);
    expect(expandMatrix(["a"]).problems).toEqual(["Matrix must be a mapping"]);
    expect(expandMatrix(null).problems).toEqual(["Matrix must be a mapping"]);
  });

  it("reports vectors that are not sequences", () => {
    const r = expandMatrix({ os: "ubuntu-latest", node: [1] });
    expect(r.problems).toEqual(["Matrix vector 'os' must be a sequence"]);
    expect(r.combinations).toEqual([]);
  });

  it("reports empty vectors as GitHub does", () => {
    expect(expandMatrix({ os: [], node: [1] }).problems).toEqual([
      "Matrix vector 'os' does not contain any values",
    ]);
  });

  it("reports an empty matrix", () => {
    expect(expandMatrix({}).problems).toHaveLength(1);
    expect(expandMatrix({ include: [] }).problems).toHaveLength(1);
  });

  it("reports malformed include and exclude", () => {
    expect(expandMatrix({ a: [1], include: { a: 1 } }).problems).toEqual([
      "Matrix include must be a sequence of mappings",
    ]);
    expect(expandMatrix({ a: [1], exclude: ["x"] }).problems).toEqual([
      "Matrix exclude entry 1 must be a mapping",
    ]);
  });

  it("allows exactly 256 combinations and reports 257", () => {
    const values = (n: number) => Array.from({ length: n }, (_, i) => i);
    expect(ok({ a: values(16), b: values(16) })).toHaveLength(MAX_MATRIX_COMBINATIONS);
    const r = expandMatrix({ a: values(16), b: values(16), include: [{ a: 99 }] });
    expect(r.combinations).toEqual([]);
    expect(r.problems[0]).toContain("257");
  });

  it("counts the limit after exclude", () => {
    const values = (n: number) => Array.from({ length: n }, (_, i) => i);
    expect(ok({ a: values(257), exclude: [{ a: 0 }] })).toHaveLength(256);
  });

  it("refuses to build an enormous product", () => {
    const ten = Array.from({ length: 10 }, (_, i) => i);
    const r = expandMatrix({ a: ten, b: ten, c: ten, d: ten, e: ten, f: ten, g: ten, h: ten });
    expect(r.combinations).toEqual([]);
    expect(r.problems[0]).toContain("100000000");
  });
});

describe("deepEqual", () => {
  it("compares JSON-like values", () => {
    expect(deepEqual({ a: [1, { b: 2 }] }, { a: [1, { b: 2 }] })).toBe(true);
    expect(deepEqual({ a: 1 }, { a: 1, b: undefined })).toBe(false);
    expect(deepEqual([1, 2], [1, 2, 3])).toBe(false);
    expect(deepEqual(16, "16")).toBe(false);
    expect(deepEqual(null, {})).toBe(false);
    expect(deepEqual([], {})).toBe(false);
  });
});

describe("matrixDisplaySuffix", () => {
  it("joins values in key order", () => {
    expect(matrixDisplaySuffix({ os: "ubuntu-latest", node: 14 })).toBe("(ubuntu-latest, 14)");
    expect(matrixDisplaySuffix({ os: "windows-latest", node: 16, npm: 6 })).toBe("(windows-latest, 16, 6)");
  });

  it("shows object leaves, booleans and null", () => {
    expect(matrixDisplaySuffix({ cfg: { name: "Linux", cc: ["gcc", "clang"] }, x: true, y: null })).toBe(
      "(Linux, gcc, clang, true, )",
    );
  });

  it("is empty for an empty combination", () => {
    expect(matrixDisplaySuffix({})).toBe("");
  });
});
