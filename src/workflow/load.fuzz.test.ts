/**
 * Fuzzes the workflow loader: malformed YAML and random mutations of valid workflows must give either
 * a workflow or located `SLUICE_E_*` problems, quickly, and never throw or hang (DESIGN.md principle
 * 6). Cases come from a seeded generator; a failure names the seed and case and shows the input.
 * Replay: SLUICE_FUZZ_SEED=<seed> npx vitest run src/workflow/load.fuzz.test.ts
 * Cases that could hang (alias bombs) run in a child process with a hard timeout, so a regression
 * fails the test instead of freezing the suite.
 */
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { errorCodes } from "../core/errors";
import type { Problem } from "../core/errors";
import { initRepo } from "../../test/helpers/git-repo";
import { readStore, storePath } from "../../test/helpers/run-store";
import { collect, spawnSluice } from "../../test/helpers/sluice-cli";
import { mulberry32, picker, showInput, truncations } from "../../test/helpers/fuzz";
import { parseWorkflowText } from "./load";

const SEED = Number(process.env.SLUICE_FUZZ_SEED ?? 20261122) >>> 0;
/** Generous for a 2-core machine under load; a healthy parse of these inputs takes milliseconds. */
const CASE_BUDGET_MS = 2000;
/** A hanging case is killed after this long (child-process cases only). */
const HANG_TIMEOUT_MS = 6000;
/** `sluice run` on a malformed workflow is killed after this long. */
const CLI_TIMEOUT_MS = 12_000;
const FILE = ".github/workflows/fuzz.yml";
/** A repository holding the reusable workflow `dispatch` calls, so the unmutated workflows are valid. */
const fuzzRepo = mkdtempSync(path.join(tmpdir(), "sluice-fuzz-repo-"));
const ABS = path.join(fuzzRepo, FILE);
mkdirSync(path.dirname(ABS), { recursive: true });
writeFileSync(
  path.join(fuzzRepo, ".github/workflows/build.yml"),
  "on:\n  workflow_call:\n    inputs:\n      level: {type: string}\njobs:\n  b:\n    runs-on: x\n    steps:\n      - run: echo\n",
);
afterAll(() => rmSync(fuzzRepo, { recursive: true, force: true }));

const ci = `# CI for the service
name: CI — café ✓
on:
  push:
    branches: [main, "releases/**"]
    paths-ignore: ["**.md"]
  pull_request:
    types: [opened, synchronize]
env:
  NODE_ENV: test
  GREETING: "hello ${"${{ github.actor }}"}"
defaults:
  run:
    shell: bash
concurrency:
  group: ci-${"${{ github.ref }}"}
  cancel-in-progress: true
jobs:
  build:
    name: build (${"${{ matrix.node }}"})
    runs-on: ubuntu-latest
    timeout-minutes: 10
    strategy:
      fail-fast: false
      matrix:
        node: [18, 20]
        include:
          - node: 22
            experimental: true
    outputs:
      version: ${"${{ steps.ver.outputs.version }}"}
    steps:
      - uses: actions/checkout@v4
      - uses: actions/setup-node@v4
        with:
          node-version: ${"${{ matrix.node }}"}
      - id: ver
        run: |
          echo "version=1.2.3" >> "$GITHUB_OUTPUT"
          echo done
      - name: Test
        if: ${"${{ success() && matrix.node != 18 }}"}
        continue-on-error: ${"${{ matrix.experimental == true }}"}
        env:
          CI: "true"
        run: npm test
  deploy:
    needs: [build]
    if: github.event_name == 'push' && startsWith(github.ref, 'refs/heads/main')
    runs-on: ubuntu-latest
    environment: production
    steps:
      - run: echo "deploying ${"${{ needs.build.outputs.version }}"}"
`;

const dispatch = `name: Release
on:
  workflow_dispatch:
    inputs:
      level:
        description: Bump level
        required: true
        default: patch
        type: choice
        options: [patch, minor, major]
      dry-run:
        type: boolean
        default: false
  workflow_call:
    inputs:
      level:
        type: string
jobs:
  call:
    uses: ./.github/workflows/build.yml
    with:
      level: ${"${{ inputs.level }}"}
    secrets: inherit
  release:
    needs: call
    runs-on: ubuntu-latest
    steps:
      - run: echo ${"${{ inputs.level }}"} ${"${{ inputs.dry-run }}"}
        working-directory: ./pkg
        shell: bash
`;

const anchors = `on: [push]
jobs:
  one:
    runs-on: &os ubuntu-latest
    env: &env
      A: "1"
      B: '2'
    steps:
      - &step
        run: echo one
  two:
    runs-on: *os
    env: *env
    steps:
      - *step
      - run: >
          folded
          text
`;

const valid = { ci, dispatch, anchors };

// ---- generator ---------------------------------------------------------------------------------

/** A per-case generator: the same (seed, category, index) always yields the same input. */
function caseRandom(category: string, index: number): Rng {
  let h = SEED ^ 0x9e3779b9;
  for (const ch of `${category}#${index}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  const next = mulberry32(h);
  return { next, int: picker(next), pick: (xs) => xs[Math.floor(next() * xs.length)]! };
}

interface Rng {
  next(): number;
  int(n: number): number;
  pick<T>(xs: readonly T[]): T;
}

const structural = [
  ":",
  "-",
  "[",
  "]",
  "{",
  "}",
  "&",
  "*",
  "!",
  "|",
  ">",
  "'",
  '"',
  "#",
  "?",
  ",",
  "%",
  "@",
  "`",
  "\\",
];
const tokens = [
  "",
  "~",
  "null",
  "true",
  "no",
  "0x1F",
  "1e999",
  "-.inf",
  "[",
  "]",
  "{}",
  "[]",
  "{",
  "*x",
  "&y",
  "!!binary",
  "!custom",
  "'",
  '"',
  "|",
  ">-",
  "- ",
  "? ",
  ": ",
  "#",
  "%YAML 1.2",
  "---",
  "...",
  "<<: *x",
  "\t",
  "\u0000",
  "\ufeff",
  "💥",
  "a".repeat(300),
];
const garbageExpressions = [
  "${{",
  "}}",
  "${{ }}",
  "${{ github. }}",
  "${{ fromJSON( }}",
  "${{ a == }}",
  "${{ 'unterminated }}",
  "${{ format('{0}') }}",
  "${{ ${{ x }} }}",
  "${{ toJSON(github) ]] }}",
  "${{ matrix.node[ }}",
  "${{ !!!! }}",
  "${{ 1 +++ 2 }}",
  "${{ hashFiles(**) }}",
  "${{ secrets.* }}",
  "${{ contains(, ) }}",
  "${{ github.event.inputs['x }}",
  "${{ (((((((((( }}",
  "${{ steps.*.outputs }}",
  "${{ 0x }}",
];

function randomText(rng: Rng, maxLength: number): string {
  let out = "";
  const length = rng.int(maxLength + 1);
  for (let i = 0; i < length; i++) {
    const r = rng.next();
    if (r < 0.3) out += String.fromCharCode(0x20 + rng.int(0x5f));
    else if (r < 0.5) out += rng.pick(structural);
    else if (r < 0.62) out += rng.pick(["\n", " ", "  ", "\t", "\r\n", "\r"]);
    else if (r < 0.7) out += String.fromCharCode(rng.int(0x20));
    else if (r < 0.8) out += String.fromCharCode(0x80 + rng.int(0x80));
    else if (r < 0.9) out += String.fromCharCode(rng.pick([0xd800, 0xdfff, 0xfffe, 0x2028, 0x85, 0xa0]));
    else out += rng.pick(["é", "✓", "😀", "ｘ", "\u200b"]);
  }
  return out;
}

function mutateLines(text: string, rng: Rng): string {
  const lines = text.split("\n");
  const edits = 1 + rng.int(4);
  for (let e = 0; e < edits; e++) {
    const i = rng.int(lines.length);
    const line = lines[i] ?? "";
    switch (rng.int(7)) {
      case 0:
        lines.splice(i, 1);
        break;
      case 1:
        lines.splice(i, 0, line);
        break;
      case 2: {
        const j = rng.int(lines.length);
        [lines[i], lines[j]] = [lines[j] ?? "", line];
        break;
      }
      case 3: {
        const indent = /^ */.exec(line)![0].length;
        const delta = rng.pick([-4, -2, -1, 1, 2, 3]);
        lines[i] = " ".repeat(Math.max(0, indent + delta)) + line.trimStart();
        break;
      }
      case 4: {
        // Replace the scalar after `key:` or `- ` with a random token.
        const m = /^(\s*(?:- )?[^:#]*:\s?|\s*- )(.*)$/.exec(line);
        lines[i] = m ? m[1] + rng.pick(tokens) : rng.pick(tokens) + line;
        break;
      }
      case 5: {
        const at = rng.int(line.length + 1);
        lines[i] = line.slice(0, at) + rng.pick(garbageExpressions) + line.slice(at);
        break;
      }
      default: {
        // Replace the key.
        lines[i] = line.replace(
          /^(\s*(?:- )?)[^:\s][^:]*:/,
          (_, lead: string) => `${lead}${rng.pick(tokens)}:`,
        );
      }
    }
  }
  return lines.join("\n");
}

function insertBrackets(text: string, rng: Rng): string {
  let out = text;
  const count = 1 + rng.int(5);
  for (let k = 0; k < count; k++) {
    const at = rng.int(out.length + 1);
    out =
      out.slice(0, at) +
      rng.pick(["[", "]", "{", "}", "(", ")", '"', "'", "${{", "}}", "[[", "{{"]) +
      out.slice(at);
  }
  return out;
}

function insertTabs(text: string, rng: Rng): string {
  const lines = text.split("\n");
  const count = 1 + rng.int(3);
  for (let k = 0; k < count; k++) {
    const i = rng.int(lines.length);
    const line = lines[i] ?? "";
    lines[i] =
      rng.next() < 0.6 ? line.replace(/^ +/, (s) => "\t".repeat(Math.max(1, s.length >> 1))) : `${line}\t`;
  }
  if (rng.next() < 0.3) {
    const at = rng.int(text.length);
    return lines.join("\n").slice(0, at) + "\t" + lines.join("\n").slice(at);
  }
  return lines.join("\n");
}

function nestingCases(): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  for (const depth of [50, 500, 5000, 20000]) {
    out.push([`flow sequence ${depth}`, "[".repeat(depth) + "]".repeat(depth)]);
    out.push([`unclosed flow sequence ${depth}`, "[".repeat(depth)]);
    out.push([`flow mapping ${depth}`, "{a: ".repeat(depth) + "1" + "}".repeat(depth)]);
    out.push([`inline dashes ${depth}`, "- ".repeat(depth) + "x"]);
  }
  for (const depth of [50, 300, 2000]) {
    out.push([
      `block mapping ${depth}`,
      Array.from({ length: depth }, (_, i) => `${" ".repeat(i)}a:`).join("\n"),
    ]);
    out.push([
      `block sequence ${depth}`,
      Array.from({ length: depth }, (_, i) => `${" ".repeat(i * 2)}- `).join("\n"),
    ]);
  }
  for (const depth of [100, 1000, 3000]) {
    const nested = "[".repeat(depth) + "1" + "]".repeat(depth);
    out.push([`nested env value ${depth}`, ci.replace("NODE_ENV: test", `NODE_ENV: ${nested}`)]);
    out.push([`nested matrix ${depth}`, ci.replace("node: [18, 20]", `node: ${nested}`)]);
    out.push([
      `nested expression ${depth}`,
      ci.replace("success() &&", `${"(".repeat(depth)}true${")".repeat(depth)} &&`),
    ]);
  }
  return out;
}

function yamlFeatureCases(): Array<[string, string]> {
  const small = (levels: number) => aliasBomb(levels, 4);
  return [
    ["undefined alias as a value", ci.replace("runs-on: ubuntu-latest", "runs-on: *nope")],
    ["undefined alias as a step", anchors.replace("- *step", "- *nope")],
    ["undefined alias as the document", "*nope"],
    ["self-referencing anchor", ci.replace("env:\n  NODE_ENV: test", "env: &e\n  NODE_ENV: *e")],
    ["alias as a key", anchors.replace('A: "1"', '*os : "1"')],
    ["merge key", anchors.replace("  two:\n    runs-on: *os", "  two:\n    <<: *env\n    runs-on: *os")],
    ["anchor redefined", anchors.replace("env: *env", "env: &os\n      C: '3'")],
    ["small alias expansion (4^3)", small(3)],
    ["alias expansion (4^6)", small(6)],
    ["number as a key", ci.replace("  NODE_ENV: test", "  0x1F: test")],
    ["boolean as a key", dispatch.replace("        default: patch", "        true: patch")],
    ["null as a key", ci.replace("  NODE_ENV: test", "  ~: test")],
    ["sequence as a key", ci.replace("  NODE_ENV: test", "  [a, b]: test")],
    ["!!binary value", ci.replace("NODE_ENV: test", "NODE_ENV: !!binary aGVsbG8=")],
    ["empty !!binary as on:", anchors.replace("on: [push]", "on: !!binary")],
    ["comment only", "# nothing here yet\n"],
  ];
}

/** `levels` anchors, each a list of `width` aliases of the previous: width^levels nodes when expanded. */
function aliasBomb(levels: number, width: number): string {
  let s = `l0: &l0 [${Array(width).fill('"lol"').join(", ")}]\n`;
  for (let i = 1; i < levels; i++)
    s += `l${i}: &l${i} [${Array(width)
      .fill(`*l${i - 1}`)
      .join(", ")}]\n`;
  return `${s}on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    env: { LOL: *l${levels - 1} }\n    steps:\n      - run: echo\n`;
}

// ---- oracle ------------------------------------------------------------------------------------

interface Summary {
  workflow: boolean;
  problems: Problem[];
}

/** What is wrong with a parse result, or null when it keeps the loader's contract. */
function judge(content: string, result: Summary, ms: number): string | null {
  if (ms > CASE_BUDGET_MS) return `took ${Math.round(ms)} ms (budget ${CASE_BUDGET_MS} ms)`;
  const { workflow, problems } = result;
  if (workflow && problems.length > 0) return "returned a workflow and problems";
  if (!workflow && problems.length === 0) return "returned neither a workflow nor a problem";
  const lines = content.split(/\r\n|\r|\n/).length;
  for (const p of problems) {
    if (!p.code?.startsWith("SLUICE_E_") || !(p.code in errorCodes))
      return `unregistered code: ${JSON.stringify(p)}`;
    if (typeof p.message !== "string" || p.message.trim() === "")
      return `empty message: ${JSON.stringify(p)}`;
    if (p.location?.file !== FILE) return `problem not in the file: ${JSON.stringify(p)}`;
    const { line, column } = p.location;
    if (line !== undefined && !(Number.isInteger(line) && line >= 1 && line <= lines + 1))
      return `line out of range: ${JSON.stringify(p)}`;
    if (column !== undefined && !(Number.isInteger(column) && column >= 1))
      return `bad column: ${JSON.stringify(p)}`;
  }
  if (!workflow && content.trim() !== "" && !problems.some((p) => (p.location?.line ?? 0) >= 1)) {
    return `no problem has a line: ${JSON.stringify(problems)}`;
  }
  return null;
}

async function check(label: string, content: string): Promise<string | null> {
  const started = performance.now();
  let result: Summary;
  try {
    const parsed = await parseWorkflowText(content, FILE, ABS);
    result = { workflow: parsed.workflow !== null, problems: parsed.problems };
  } catch (err) {
    return `${label} (SLUICE_FUZZ_SEED=${SEED}): threw ${err instanceof Error ? err.stack : String(err)}\n  input: ${showInput(content, 1500)}`;
  }
  const issue = judge(content, result, performance.now() - started);
  return issue ? `${label} (SLUICE_FUZZ_SEED=${SEED}): ${issue}\n  input: ${showInput(content, 1500)}` : null;
}

/** Checks every case; returns the failures (at most a few shown in full, the rest counted). */
async function checkAll(cases: Iterable<[string, string]>): Promise<string[]> {
  const failures: string[] = [];
  for (const [label, content] of cases) {
    const failure = await check(label, content);
    if (failure) failures.push(failure);
  }
  // Show one case per distinct complaint (the same bug tends to fire many times), then a count.
  const distinct = new Map<string, string>();
  for (const f of failures) {
    const kind = f
      .replace(/^[^:]*: /, "")
      .split("\n")[0]!
      .replace(/\d+ ms/, "");
    if (!distinct.has(kind) && distinct.size < 6) distinct.set(kind, f);
  }
  const shown = [...distinct.values()];
  return failures.length > shown.length ? [...shown, `… ${failures.length} failing cases in all`] : shown;
}

function* generated(
  category: string,
  count: number,
  make: (rng: Rng) => string,
): Generator<[string, string]> {
  for (let i = 0; i < count; i++) yield [`${category} #${i}`, make(caseRandom(category, i))];
}

// ---- in-process cases --------------------------------------------------------------------------

describe(`workflow loader fuzz (seed ${SEED})`, () => {
  it("parses the unmutated workflows", async () => {
    for (const [name, text] of Object.entries(valid)) {
      const { workflow, problems } = await parseWorkflowText(text, FILE, ABS);
      expect(problems, name).toEqual([]);
      expect(workflow?.jobs.length, name).toBeGreaterThan(0);
    }
  });

  it("random text", async () => {
    expect(await checkAll(generated("random text", 400, (rng) => randomText(rng, 300)))).toEqual([]);
  });

  it("truncations at every 7th character and mid-UTF-8", async () => {
    const cases: Array<[string, string]> = [];
    for (const [name, text] of Object.entries(valid)) {
      for (const [at, prefix] of truncations(text, 7, { inclusive: true }))
        cases.push([`${name} cut at ${at}`, prefix]);
      const bytes = Buffer.from(text, "utf8");
      for (let at = 3; at < bytes.length; at += 97)
        cases.push([`${name} cut at byte ${at}`, bytes.subarray(0, at).toString("utf8")]);
    }
    expect(await checkAll(cases)).toEqual([]);
  });

  it("unbalanced brackets and quotes", async () => {
    const fixed: Array<[string, string]> = [
      "[",
      "]",
      "{",
      "}",
      "[[[",
      "]]]",
      "{a: [",
      "{a: 1",
      "'",
      '"',
      "${{",
      "}}",
    ].map((s) => [`bare ${s}`, s]);
    const texts = Object.values(valid);
    const random = generated("brackets", 300, (rng) => insertBrackets(rng.pick(texts), rng));
    expect(await checkAll([...fixed, ...random])).toEqual([]);
  });

  it("tabs", async () => {
    const texts = Object.values(valid);
    expect(await checkAll(generated("tabs", 150, (rng) => insertTabs(rng.pick(texts), rng)))).toEqual([]);
  });

  it("deep nesting", async () => {
    expect(await checkAll(nestingCases())).toEqual([]);
  });

  it("anchors, aliases, tags and non-string keys", async () => {
    expect(await checkAll(yamlFeatureCases())).toEqual([]);
  });

  it("line mutations of valid workflows", async () => {
    const texts = Object.values(valid);
    expect(await checkAll(generated("mutation", 600, (rng) => mutateLines(rng.pick(texts), rng)))).toEqual(
      [],
    );
  });

  it("${{ }} garbage in valid workflows", async () => {
    const texts = Object.values(valid);
    const cases = generated("expression", 200, (rng) => {
      const lines = rng.pick(texts).split("\n");
      const i = rng.int(lines.length);
      const at = rng.int((lines[i] ?? "").length + 1);
      lines[i] = (lines[i] ?? "").slice(0, at) + rng.pick(garbageExpressions) + (lines[i] ?? "").slice(at);
      return lines.join("\n");
    });
    expect(await checkAll(cases)).toEqual([]);
  });
});

// ---- cases that could hang: a child process with a hard timeout ---------------------------------

const here = path.dirname(fileURLToPath(import.meta.url));
const RUNNER_SOURCE = `import { parseWorkflowText } from "./load";
let input = "";
for await (const chunk of process.stdin) input += chunk;
const started = performance.now();
const r = await parseWorkflowText(input, ${JSON.stringify(FILE)}, ${JSON.stringify(ABS)});
const ms = performance.now() - started;
process.stdout.write(JSON.stringify({ workflow: r.workflow !== null, problems: r.problems, ms }));`;
const scratch = mkdtempSync(path.join(tmpdir(), "sluice-fuzz-"));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

/** Runs parseWorkflowText on `content` in a fresh Node process; null when it had to be killed. */
function parseInChild(
  runner: string,
  content: string,
): Promise<{ result: (Summary & { ms: number }) | null; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [runner], { stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.setEncoding("utf8").on("data", (s: string) => (stdout += s));
    child.stderr.setEncoding("utf8").on("data", (s: string) => (stderr += s));
    const timer = setTimeout(() => child.kill("SIGKILL"), HANG_TIMEOUT_MS);
    child.on("close", (code) => {
      clearTimeout(timer);
      resolve({ result: code === 0 ? (JSON.parse(stdout) as Summary & { ms: number }) : null, stderr });
    });
    child.stdin.end(content);
  });
}

const bombs: Array<[string, string]> = [
  ["billion laughs (10^9 nodes)", aliasBomb(9, 10)],
  ["binary alias doubling (2^40 nodes)", aliasBomb(40, 2)],
];

const cliCases: Array<[string, string]> = [
  ["truncated", ci.slice(0, ci.indexOf("      - id: ver") + 12)],
  [
    "tab indentation",
    ci.replace("    runs-on: ubuntu-latest\n    timeout", "\truns-on: ubuntu-latest\n    timeout"),
  ],
  ["unbalanced bracket", ci.replace("node: [18, 20]", "node: [18, 20")],
  ["expression garbage", ci.replace("${{ matrix.node }}", "${{ matrix.node[ }}")],
  ["needs cycle", dispatch.replace("  call:\n", "  call:\n    needs: release\n")],
  ["alias bomb", aliasBomb(9, 10)],
];

// Concurrent: these wait on child processes, and a hang costs a timeout each.
describe.concurrent("cases that could hang, in child processes", () => {
  let runner = "";
  beforeAll(async () => {
    runner = path.join(scratch, "parse-runner.mjs");
    await build({
      stdin: { contents: RUNNER_SOURCE, resolveDir: here, loader: "ts" },
      outfile: runner,
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      banner: {
        js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);",
      },
      logLevel: "warning",
    });
  });

  it.each(bombs)(
    "alias bomb, %s: ends quickly with a located problem",
    { timeout: HANG_TIMEOUT_MS + 5000 },
    async (label, content) => {
      const { result, stderr } = await parseInChild(runner, content);
      expect(
        result,
        `${label}: killed after ${HANG_TIMEOUT_MS} ms or crashed (runaway alias expansion)\n${stderr.slice(-1000)}`,
      ).not.toBeNull();
      expect(judge(content, result!, result!.ms)).toBeNull();
      expect(result!.workflow).toBe(false);
    },
  );

  // End to end: the real CLI refuses to run, names file:line:col, exits 2 and records nothing.
  it.each(cliCases)(
    "sluice run, %s: exit 2, file:line:col, no run recorded",
    { timeout: CLI_TIMEOUT_MS + 10_000 },
    async (label, content) => {
      const repo = path.join(scratch, `repo-${label.replace(/\W+/g, "-")}`);
      mkdirSync(path.join(repo, ".github", "workflows"), { recursive: true });
      writeFileSync(path.join(repo, FILE), content);
      initRepo(repo);
      const child = spawnSluice(["run"], { cwd: repo });
      const timer = setTimeout(() => child.kill("SIGKILL"), CLI_TIMEOUT_MS);
      const result = await collect(child).finally(() => clearTimeout(timer));
      expect(result.signal, `${label}: sluice run was killed after ${CLI_TIMEOUT_MS} ms (hang)`).toBeNull();
      expect(result.code, `${label}\nstdout: ${result.stdout}\nstderr: ${result.stderr}`).toBe(2);
      expect(result.stderr).toMatch(new RegExp(`${FILE.replace(/[./]/g, "\\$&")}:\\d+:\\d+`));
      expect(readStore(repo).runs, `a run was recorded in ${storePath(repo)}`).toEqual([]);
    },
  );
});
