/** Checks the loader adds to the parser's: what GitHub rejects when it reads a workflow. */
import { describe, expect, it } from "vitest";
import { parseWorkflowText } from "./load";

const FILE = ".github/workflows/ci.yml";

async function problems(text: string) {
  const r = await parseWorkflowText(text, FILE, `/repo/${FILE}`);
  return r.problems.map((p) => ({
    code: p.code,
    message: p.message,
    at: `${p.location?.line}:${p.location?.column}`,
  }));
}

const job = `jobs:
  build:
    runs-on: ubuntu-latest
    steps:
      - run: echo hi
`;

describe("a filter and its -ignore form for one event", () => {
  it.each(["branches", "tags", "paths"])("rejects %s with its -ignore form, at the second key", async (f) => {
    const text = `on:\n  push:\n    ${f}: [a]\n    ${f}-ignore: [b]\n${job}`;
    expect(await problems(text)).toEqual([
      {
        code: "SLUICE_E_WORKFLOW_SCHEMA",
        message: `you may only define one of \`${f}\` and \`${f}-ignore\` for a single event (on.push)`,
        at: "4:5",
      },
    ]);
  });

  it("reports each event on its own, whichever key comes first", async () => {
    const text = `on:
  push:
    branches-ignore: [a]
    branches: [b]
  pull_request:
    paths: [x]
    branches: [main]
    paths-ignore: [y]
${job}`;
    expect((await problems(text)).map((p) => [p.at, p.message])).toEqual([
      ["4:5", "you may only define one of `branches` and `branches-ignore` for a single event (on.push)"],
      ["8:5", "you may only define one of `paths` and `paths-ignore` for a single event (on.pull_request)"],
    ]);
  });

  it("accepts one filter of each kind, and the same filter on different events", async () => {
    const text = `on:
  push:
    branches: [main]
    tags-ignore: [v0*]
    paths-ignore: [docs/**]
  pull_request:
    branches-ignore: [wip/**]
${job}`;
    expect(await problems(text)).toEqual([]);
  });
});

describe("static matrices", () => {
  const withMatrix = (matrix: string) => `on: push
jobs:
  build:
    runs-on: ubuntu-latest
    strategy:
      matrix:
${matrix}
    steps:
      - run: echo \${{ matrix.a }}
`;

  it("rejects a matrix whose every combination is excluded, at the matrix", async () => {
    const text = withMatrix("        a: [1, 2]\n        exclude: [{ a: 1 }, { a: 2 }]");
    expect(await problems(text)).toEqual([
      {
        code: "SLUICE_E_WORKFLOW_INVALID",
        message: "Matrix does not contain any combinations: every combination is excluded",
        at: "7:9",
      },
    ]);
  });

  it("points at an empty vector and at an unknown exclude key", async () => {
    const text = withMatrix("        a: [1]\n        b: []\n        exclude:\n          - c: 1");
    expect(await problems(text)).toEqual([
      {
        code: "SLUICE_E_WORKFLOW_INVALID",
        message: "Matrix vector 'b' does not contain any values",
        at: "8:12",
      },
      {
        code: "SLUICE_E_WORKFLOW_INVALID",
        message: "Matrix exclude key 'c' does not match any key within the matrix",
        at: "10:13",
      },
    ]);
  });

  it("accepts include re-adding an excluded combination", async () => {
    const text = withMatrix("        a: [1]\n        exclude: [{ a: 1 }]\n        include: [{ a: 1 }]");
    expect(await problems(text)).toEqual([]);
  });

  it("leaves matrices with expressions to run time", async () => {
    const text = withMatrix(`        a: [1]\n        exclude: \${{ fromJSON('[{"a":1}]') }}`);
    expect(await problems(text)).toEqual([]);
    const vector = withMatrix(`        a: \${{ fromJSON('[]') }}`);
    expect(await problems(vector)).toEqual([]);
  });
});
