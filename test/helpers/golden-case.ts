/**
 * The golden corpus's case format (test/fixtures/workflows/<case>/expected.json) and the checks that
 * compare one `sluice run` against it. A case is data: the repository (the case directory, plus an
 * optional git history), the command line, and the outcome GitHub Actions documents for it.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { expect } from "vitest";
import type { RepoHistory } from "./git-repo";
import type { CliResult } from "./sluice-cli";
import { filesContaining, readStore, runLogText } from "./run-store";

export interface StepExpectation {
  outcome?: string;
  conclusion?: string;
  exitCode?: number | null;
}

export interface AnnotationExpectation {
  level?: string;
  /** A substring of the annotation's message. */
  message?: string;
  file?: string;
  line?: number;
  col?: number;
  endLine?: number;
  endColumn?: number;
  title?: string;
}

export interface JobExpectation {
  conclusion: string;
  /** Output values. With `outputsMatch`, the two together name every output the job has. */
  outputs?: Record<string, string>;
  /** Outputs whose values must match a regular expression. */
  outputsMatch?: Record<string, string>;
  /** Keyed by the step's `id:` or its display name. */
  steps?: Record<string, StepExpectation>;
  /** Step display names, in order, exactly (main steps and post steps). */
  stepNames?: string[];
  /** Each must match one annotation of the job. */
  annotations?: AnnotationExpectation[];
  /** Exactly this many annotations. */
  annotationCount?: number;
}

export interface GoldenCase {
  /** What GitHub Actions behaviour the case pins down (documentation only). */
  description: string;
  /** Checked by its own test in golden.test.ts (several processes at once), not by the generic one. */
  custom?: boolean;
  /** Arguments after `sluice run`. */
  args: string[];
  /** Extra environment of the sluice process. */
  env?: Record<string, string>;
  /** History after the initial commit of the case directory. */
  git?: RepoHistory;
  /** Earlier invocations in the same repository (e.g. to fill a cache); each must exit as given. */
  before?: Array<{ args: string[]; exitCode: number }>;
  exitCode: number;
  /** The overall conclusion of `--json` output. */
  conclusion?: string;
  /** Workflow paths that ran, exactly (any order). */
  workflowsRun?: string[];
  /** Per workflow path that ran: the run's conclusion. */
  runConclusions?: Record<string, string>;
  /** Workflow paths skipped by their triggers, exactly (any order). */
  skipped?: Array<{ workflow: string; reasonContains?: string }>;
  /** Keyed by job display name (matrix instances: `build (1, a)`; reusable: `caller / job`, `caller (1) / job`). */
  jobs?: Record<string, JobExpectation>;
  /** Exactly this many job results. */
  jobCount?: number;
  /** Per job id: the exact set of matrix cells its instances ran with. */
  matrices?: Record<string, Array<Record<string, unknown>>>;
  stdoutContains?: string[];
  stdoutNotContains?: string[];
  stderrContains?: string[];
  /** Regular expressions the standard error must match (e.g. `file:line:col: SLUICE_E_…`). */
  stderrMatches?: string[];
  /** Substrings of the stored logs (the store's step_logs) of the runs of the last invocation. */
  logContains?: string[];
  logNotContains?: string[];
  /** No run may be recorded at all (invalid configuration: nothing ran). */
  nothingRan?: boolean;
  /** With `--json` and exit 2: the error object's code, and the number of problems it locates. */
  jsonError?: { code: string; problems?: number };
  /** Values that must appear in no file under `.sluice/` (database, logs, summaries, scripts). */
  notStored?: string[];
  /** Files (relative to the repository; `{runId}` is the first run's id) and substrings they contain. */
  filesContain?: Record<string, string[]>;
}

export interface JsonReport {
  status: string;
  conclusion: string;
  runs: Array<{ runId: string; runNumber: number; workflow: string; conclusion: string }>;
  skipped: Array<{ workflow: string; reason: string }>;
  jobs: Array<{
    workflow: string;
    id: string;
    name: string;
    matrix: Record<string, unknown> | null;
    conclusion: string;
    outputs: Record<string, string>;
    steps: Array<{ id: string; name: string; outcome: string; conclusion: string; exitCode: number | null }>;
    annotations: Array<Record<string, unknown>>;
  }>;
}

export interface JsonError {
  status: "error";
  code: string;
  exitCode: number;
  message: string;
  problems: Array<{
    code: string;
    message: string;
    location?: { file: string; line?: number; column?: number };
  }>;
}

export function loadCase(dir: string): GoldenCase {
  return JSON.parse(readFileSync(path.join(dir, "expected.json"), "utf8")) as GoldenCase;
}

/** Compares one finished invocation with its case; `repo` is the repository it ran in. */
export function checkCase(c: GoldenCase, result: CliResult, repo: string): void {
  const context = `exit ${result.code}\nstderr:\n${result.stderr}\nstdout:\n${result.stdout.slice(0, 20_000)}`;
  expect(result.code, context).toBe(c.exitCode);
  for (const s of c.stdoutContains ?? []) expect(result.stdout, context).toContain(s);
  for (const s of c.stdoutNotContains ?? []) expect(result.stdout, context).not.toContain(s);
  for (const s of c.stderrContains ?? []) expect(result.stderr, context).toContain(s);
  for (const re of c.stderrMatches ?? []) expect(result.stderr, context).toMatch(new RegExp(re));

  const store = readStore(repo);
  if (c.nothingRan) expect(store.runs, "no run may be recorded").toEqual([]);

  const json =
    c.args.includes("--json") && result.stdout.trim().startsWith("{")
      ? (JSON.parse(result.stdout) as JsonReport | JsonError)
      : null;
  // --json always prints one object: the run's report, or the error that stopped it.
  if (c.args.includes("--json")) expect(json, context).not.toBeNull();
  const report = json && json.status !== "error" ? (json as JsonReport) : null;
  if (json?.status === "error") checkJsonError(c, json as JsonError, context);
  else if (c.jsonError) expect.fail(`expected a JSON error object\n${context}`);
  if (report) checkReport(c, report, context);

  const runIds = report ? report.runs.map((r) => r.runId) : store.runs.slice(-1).map((r) => r.id);
  const logs = runIds.map((id) => runLogText(store, id)).join("\n");
  for (const s of c.logContains ?? []) expect(logs, `stored logs should contain ${s}`).toContain(s);
  for (const s of c.logNotContains ?? [])
    expect(logs, `stored logs should not contain ${s}`).not.toContain(s);
  for (const secret of c.notStored ?? []) {
    expect(
      filesContaining(path.join(repo, ".sluice"), secret),
      `files under .sluice holding "${secret}"`,
    ).toEqual([]);
  }
  for (const [rel, needles] of Object.entries(c.filesContain ?? {})) {
    const file = path.join(repo, rel.replaceAll("{runId}", runIds[0] ?? ""));
    expect(existsSync(file), `${rel} should exist`).toBe(true);
    const text = readFileSync(file, "utf8");
    for (const n of needles) expect(text, `${rel} should contain ${n}`).toContain(n);
  }
}

/** `--json` on an error (docs/errors.md): its exit code and code, each problem naming its file. */
function checkJsonError(c: GoldenCase, error: JsonError, context: string): void {
  expect(error.exitCode, context).toBe(c.exitCode);
  if (c.jsonError) expect(error.code, context).toBe(c.jsonError.code);
  if (c.jsonError?.problems !== undefined) expect(error.problems, context).toHaveLength(c.jsonError.problems);
  for (const p of error.problems) {
    expect(p.code, context).toMatch(/^SLUICE_E_/);
    expect(p.location?.file, `problem with a file: ${JSON.stringify(p)}`).toBeTruthy();
  }
}

function checkReport(c: GoldenCase, report: JsonReport, context: string): void {
  if (c.conclusion !== undefined) expect(report.conclusion, context).toBe(c.conclusion);
  if (c.workflowsRun) expect(report.runs.map((r) => r.workflow).sort()).toEqual([...c.workflowsRun].sort());
  for (const [workflow, conclusion] of Object.entries(c.runConclusions ?? {})) {
    expect(report.runs.find((r) => r.workflow === workflow)?.conclusion, `run of ${workflow}`).toBe(
      conclusion,
    );
  }
  if (c.skipped) {
    expect(report.skipped.map((s) => s.workflow).sort()).toEqual(c.skipped.map((s) => s.workflow).sort());
    for (const s of c.skipped) {
      if (s.reasonContains)
        expect(report.skipped.find((r) => r.workflow === s.workflow)?.reason).toContain(s.reasonContains);
    }
  }
  if (c.jobCount !== undefined)
    expect(
      report.jobs.map((j) => j.name),
      context,
    ).toHaveLength(c.jobCount);
  for (const [name, want] of Object.entries(c.jobs ?? {})) {
    const matches = report.jobs.filter((j) => j.name === name);
    expect(
      matches.length,
      `exactly one job named "${name}" in ${report.jobs.map((j) => j.name).join(", ")}`,
    ).toBe(1);
    checkJob(name, want, matches[0]!);
  }
  for (const [id, cells] of Object.entries(c.matrices ?? {})) {
    const got = report.jobs.filter((j) => j.id === id).map((j) => j.matrix);
    expect(sortCells(got), `matrix of ${id}`).toEqual(sortCells(cells));
  }
}

function checkJob(name: string, want: JobExpectation, job: JsonReport["jobs"][number]): void {
  const where = `job "${name}": ${JSON.stringify(job, null, 2)}`;
  expect(job.conclusion, where).toBe(want.conclusion);
  if (want.outputs) {
    const named = [...Object.keys(want.outputs), ...Object.keys(want.outputsMatch ?? {})];
    expect(Object.keys(job.outputs).sort(), where).toEqual([...new Set(named)].sort());
    expect(job.outputs, where).toMatchObject(want.outputs);
  }
  for (const [k, re] of Object.entries(want.outputsMatch ?? {}))
    expect(job.outputs[k], where).toMatch(new RegExp(re));
  if (want.stepNames)
    expect(
      job.steps.map((s) => s.name),
      where,
    ).toEqual(want.stepNames);
  for (const [key, stepWant] of Object.entries(want.steps ?? {})) {
    const steps = job.steps.filter((s) => s.id === key || s.name === key);
    expect(steps.length, `exactly one step "${key}" in ${where}`).toBe(1);
    expect(steps[0]!, where).toMatchObject(stepWant);
  }
  if (want.annotationCount !== undefined) expect(job.annotations, where).toHaveLength(want.annotationCount);
  for (const a of want.annotations ?? []) {
    const { message, ...exact } = a;
    const found = job.annotations.some(
      (got) =>
        Object.entries(exact).every(([k, v]) => got[k] === v) &&
        (message === undefined || String(got.message).includes(message)),
    );
    expect(found, `annotation ${JSON.stringify(a)} in ${where}`).toBe(true);
  }
}

function sortCells(cells: Array<Record<string, unknown> | null>): string[] {
  return cells.map((c) => JSON.stringify(sortKeys(c))).sort();
}

function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys);
  if (v && typeof v === "object") {
    return Object.fromEntries(
      Object.keys(v)
        .sort()
        .map((k) => [k, sortKeys((v as Record<string, unknown>)[k])]),
    );
  }
  return v;
}
