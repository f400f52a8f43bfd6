/** Load-time checks of local reusable workflow calls: what GitHub rejects before any job runs. */
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { parseWorkflowText } from "./load";
import { MAX_WORKFLOW_LEVELS } from "./reusable-calls";

const repo = mkdtempSync(path.join(tmpdir(), "sluice-calls-"));
afterAll(() => rmSync(repo, { recursive: true, force: true }));
const CALLER = ".github/workflows/ci.yml";

function write(rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(repo, rel)), { recursive: true });
  writeFileSync(path.join(repo, rel), text);
}

async function problems(text: string, file = CALLER) {
  const r = await parseWorkflowText(text, file, path.join(repo, file));
  if (r.problems.length === 0) expect(r.workflow).not.toBeNull();
  else expect(r.workflow).toBeNull();
  return r.problems.map((p) => `${p.location?.line}:${p.location?.column} ${p.code} ${p.message}`);
}

const run = `    runs-on: ubuntu-latest\n    steps:\n      - run: echo\n`;

write(
  ".github/workflows/reuse.yml",
  `on:
  workflow_call:
    inputs:
      name: {type: string, required: true}
      count: {type: number}
      flag: {type: boolean}
      level: {type: string, required: true, default: low}
    secrets:
      TOKEN: {required: true}
      OPTIONAL:
jobs:
  go:
${run}`,
);

/** A caller with one job calling reuse.yml with these extra lines under it. */
const call = (lines: string) => `on: push\njobs:\n  call:\n    uses: ./.github/workflows/reuse.yml\n${lines}`;
const valid = `    with:\n      name: a\n      level: high\n    secrets:\n      TOKEN: x\n`;

describe("inputs and secrets of a call", () => {
  it("accepts a call that matches, names in any case, literals of each type", async () => {
    const text = call(
      `    with:\n      NAME: a\n      Level: 7\n      count: 2\n      flag: true\n    secrets:\n      token: x\n      optional: y\n`,
    );
    expect(await problems(text)).toEqual([]);
  });

  it("checks literals only: ${{ }} values are checked when the job runs", async () => {
    const text = call(
      `    with:\n      name: a\n      level: b\n      count: \${{ github.run_number }}\n      flag: \${{ github.ref == 'x' }}\n    secrets:\n      TOKEN: \${{ secrets.T }}\n`,
    );
    expect(await problems(text)).toEqual([]);
  });

  it("reports wrong-typed literals at the value, with the run-time rule", async () => {
    const text = call(
      `    with:\n      name: a\n      level: b\n      count: many\n      flag: maybe\n    secrets:\n      TOKEN: x\n`,
    );
    expect(await problems(text)).toEqual([
      `8:14 SLUICE_E_INPUT input "count" must be a number, got "many"`,
      `9:13 SLUICE_E_INPUT input "flag" must be a boolean (true or false), got "maybe"`,
    ]);
  });

  it("requires required inputs, a default notwithstanding; at with:, or at uses: without it", async () => {
    expect(await problems(call(`    with:\n      name: a\n    secrets:\n      TOKEN: x\n`))).toEqual([
      `5:5 SLUICE_E_INPUT input "level" is required by ./.github/workflows/reuse.yml, but not provided while calling`,
    ]);
    expect(await problems(call(`    secrets:\n      TOKEN: x\n`))).toEqual([
      `4:11 SLUICE_E_INPUT input "name" is required by ./.github/workflows/reuse.yml, but not provided while calling`,
      `4:11 SLUICE_E_INPUT input "level" is required by ./.github/workflows/reuse.yml, but not provided while calling`,
    ]);
  });

  it("reports undeclared inputs and secrets at their keys", async () => {
    const text = call(`${valid}      EXTRA: z\n`.replace("level: high\n", "level: high\n      bogus: 1\n"));
    expect(await problems(text)).toEqual([
      `8:7 SLUICE_E_INPUT invalid input, "bogus" is not defined in the referenced workflow ./.github/workflows/reuse.yml (declared: name, count, flag, level)`,
      `11:7 SLUICE_E_REUSABLE_WORKFLOW invalid secret, "EXTRA" is not defined in the referenced workflow ./.github/workflows/reuse.yml (declared: TOKEN, OPTIONAL)`,
    ]);
  });

  it("requires required secrets, at secrets: or at uses:", async () => {
    const without = `    with:\n      name: a\n      level: b\n`;
    expect(await problems(call(without))).toEqual([
      `4:11 SLUICE_E_REUSABLE_WORKFLOW secret "TOKEN" is required by ./.github/workflows/reuse.yml, but not provided while calling`,
    ]);
    expect(await problems(call(`${without}    secrets:\n      OPTIONAL: x\n`))).toEqual([
      `8:5 SLUICE_E_REUSABLE_WORKFLOW secret "TOKEN" is required by ./.github/workflows/reuse.yml, but not provided while calling`,
    ]);
  });

  it("checks no secret with `secrets: inherit`", async () => {
    expect(await problems(call(`    with:\n      name: a\n      level: b\n    secrets: inherit\n`))).toEqual(
      [],
    );
  });

  it("says when the called workflow declares nothing", async () => {
    write(".github/workflows/bare.yml", `on: workflow_call\njobs:\n  go:\n${run}`);
    const text = `on: push\njobs:\n  call:\n    uses: ./.github/workflows/bare.yml\n    with:\n      a: 1\n    secrets:\n      B: x\n`;
    expect(await problems(text)).toEqual([
      `6:7 SLUICE_E_INPUT invalid input, "a" is not defined in the referenced workflow ./.github/workflows/bare.yml (it declares no inputs)`,
      `8:7 SLUICE_E_REUSABLE_WORKFLOW invalid secret, "B" is not defined in the referenced workflow ./.github/workflows/bare.yml (it declares no secrets)`,
    ]);
  });
});

describe("the called workflow", () => {
  const calling = (target: string) => `on: push\njobs:\n  call:\n    uses: ${target}\n`;

  it("must exist inside the repository", async () => {
    expect(await problems(calling("./.github/workflows/none.yml"))).toEqual([
      `4:11 SLUICE_E_REUSABLE_WORKFLOW error parsing called workflow "./.github/workflows/none.yml": workflow was not found (no file .github/workflows/none.yml)`,
    ]);
    expect(await problems(calling("./../outside.yml"))).toEqual([
      `4:11 SLUICE_E_REUSABLE_WORKFLOW error parsing called workflow "./../outside.yml": a local workflow must be a file inside the repository`,
    ]);
  });

  it("is read again when its text changed", async () => {
    write(".github/workflows/edited.yml", `on: push\njobs:\n  go:\n${run}`);
    const text = calling("./.github/workflows/edited.yml");
    expect(await problems(text)).toEqual([
      `4:11 SLUICE_E_REUSABLE_WORKFLOW error parsing called workflow "./.github/workflows/edited.yml": workflow is not reusable as it is missing a \`on.workflow_call\` trigger`,
    ]);
    write(".github/workflows/edited.yml", `on: [push, workflow_call]\njobs:\n  go:\n${run}`);
    expect(await problems(text)).toEqual([]);
  });

  it("must itself be valid: its first problem is told at the caller's uses:", async () => {
    write(".github/workflows/bad.yml", `on: workflow_call\njobs:\n  go:\n    runs-on: x\n    stepz: []\n`);
    const [only, ...rest] = await problems(calling("./.github/workflows/bad.yml"));
    expect(rest).toEqual([]);
    expect(only).toMatch(
      /^4:11 SLUICE_E_REUSABLE_WORKFLOW error parsing called workflow "\.\/\.github\/workflows\/bad\.yml": \.github\/workflows\/bad\.yml:\d+:\d+: .+/,
    );
  });

  it("is not checked when remote (owner/repo/…@ref) or when the repository root is unknown", async () => {
    expect(await problems(calling("octo/repo/.github/workflows/x.yml@v1"))).toEqual([]);
    const r = await parseWorkflowText(calling("./missing.yml"), "/elsewhere/ci.yml", "/elsewhere/ci.yml");
    expect(r.problems).toEqual([]);
  });
});

describe("nesting", () => {
  /** level<i>.yml calls level<i+1>.yml; the last one has a plain job. */
  function chain(prefix: string, levels: number): void {
    for (let i = 1; i <= levels; i++) {
      const body = i < levels ? `    uses: ./.github/workflows/${prefix}${i + 1}.yml\n` : run;
      write(`.github/workflows/${prefix}${i}.yml`, `on: [push, workflow_call]\njobs:\n  j:\n${body}`);
    }
  }

  it(`allows ${MAX_WORKFLOW_LEVELS} levels of workflows, the caller included, and no more`, async () => {
    chain("ok", MAX_WORKFLOW_LEVELS);
    const file = ".github/workflows/ok1.yml";
    expect(await problems(`on: push\njobs:\n  j:\n    uses: ./.github/workflows/ok2.yml\n`, file)).toEqual(
      [],
    );

    chain("deep", MAX_WORKFLOW_LEVELS + 1);
    const [only, ...rest] = await problems(
      `on: push\njobs:\n  j:\n    uses: ./.github/workflows/deep2.yml\n`,
      ".github/workflows/deep1.yml",
    );
    expect(rest).toEqual([]);
    expect(only).toContain(
      `4:11 SLUICE_E_REUSABLE_WORKFLOW error parsing called workflow "./.github/workflows/deep2.yml": calling it would exceed the limit of 10 levels of workflows: .github/workflows/deep1.yml → .github/workflows/deep2.yml → `,
    );
    expect(only).toMatch(/deep11\.yml$/);
  });

  it("reports a workflow calling itself, directly or through others", async () => {
    write(
      ".github/workflows/self.yml",
      `on: workflow_call\njobs:\n  me:\n    uses: ./.github/workflows/self.yml\n`,
    );
    expect(
      await problems(
        `on: workflow_call\njobs:\n  me:\n    uses: ./.github/workflows/self.yml\n`,
        ".github/workflows/self.yml",
      ),
    ).toEqual([
      `4:11 SLUICE_E_REUSABLE_WORKFLOW error parsing called workflow "./.github/workflows/self.yml": the calls form a cycle: .github/workflows/self.yml → .github/workflows/self.yml`,
    ]);
    write(".github/workflows/a.yml", `on: workflow_call\njobs:\n  b:\n    uses: ./.github/workflows/b.yml\n`);
    write(".github/workflows/b.yml", `on: workflow_call\njobs:\n  a:\n    uses: ./.github/workflows/a.yml\n`);
    expect(
      await problems(
        `on: push\njobs:\n  a:\n    uses: ./.github/workflows/a.yml\n  again:\n    uses: ./.github/workflows/a.yml\n`,
      ),
    ).toEqual([
      `4:11 SLUICE_E_REUSABLE_WORKFLOW error parsing called workflow "./.github/workflows/a.yml": the calls form a cycle: .github/workflows/a.yml → .github/workflows/b.yml → .github/workflows/a.yml`,
      `6:11 SLUICE_E_REUSABLE_WORKFLOW error parsing called workflow "./.github/workflows/a.yml": the calls form a cycle: .github/workflows/a.yml → .github/workflows/b.yml → .github/workflows/a.yml`,
    ]);
  });

  it("tells a problem further down at the uses: that leads to it", async () => {
    write(
      ".github/workflows/mid.yml",
      `on: workflow_call\njobs:\n  j:\n    uses: ./.github/workflows/gone.yml\n`,
    );
    expect(await problems(`on: push\njobs:\n  j:\n    uses: ./.github/workflows/mid.yml\n`)).toEqual([
      `4:11 SLUICE_E_REUSABLE_WORKFLOW error parsing called workflow "./.github/workflows/mid.yml": .github/workflows/mid.yml:4:11: error parsing called workflow "./.github/workflows/gone.yml": workflow was not found (no file .github/workflows/gone.yml)`,
    ]);
  });
});
