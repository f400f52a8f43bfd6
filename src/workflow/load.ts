/**
 * Loads GitHub Actions workflow files with GitHub's own parser, collecting every problem with its
 * file:line:column and a stable code, then builds Sluice's model (model.ts).
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { convertWorkflowTemplate, isBasicExpression, isLiteral } from "@actions/workflow-parser";
import type { WorkflowTemplate } from "@actions/workflow-parser";
import type { MappingToken, TemplateToken } from "@actions/workflow-parser/templates/tokens/index";
import type { TemplateValidationError } from "@actions/workflow-parser/templates/template-validation-error";
import { createError } from "../core/errors";
import type { ErrorCode, Problem } from "../core/errors";
import type { JobDef, RunDefaults, StepDef, WorkflowDef } from "./model";
import { literalString, mappingEntries, tokenLocation } from "./tokens";
import { parseWorkflowDocument } from "./document-reader";
import { checkFilterConflicts } from "./filter-conflicts";
import { checkStaticMatrices } from "./matrix-check";
import { findNeedsCycle } from "./needs-graph";
import { checkReusableCalls } from "./reusable-calls";
import type { SourceParse } from "./reusable-calls";
import { checkYamlShape, parseWorkflowYaml } from "./yaml-guard";

/** ErrorPolicy.TryConversion: convert even after parse errors so one pass reports every problem. */
const TRY_CONVERSION = 1;

export interface ParsedWorkflow {
  workflow: WorkflowDef | null;
  problems: Problem[];
}

/**
 * Parses workflow text. Never throws for bad input: problems are returned as data. Local reusable
 * workflows it calls are read too (reusable-calls.ts), from the repository root that `displayPath`
 * and `absPath` together give.
 * @param displayPath the path shown in problems (relative to the repository root)
 */
export async function parseWorkflowText(
  content: string,
  displayPath: string,
  absPath: string,
): Promise<ParsedWorkflow> {
  const { workflow, problems, tree } = await parseSource(content, displayPath, absPath);
  const root = repoRootOf(displayPath, absPath);
  if (!workflow || !tree || root === undefined) return { workflow, problems };
  const calls = await checkReusableCalls(
    { abs: path.resolve(absPath), path: displayPath, workflow, tree },
    root,
    parseSource,
  );
  return calls.length > 0 ? { workflow: null, problems: calls } : { workflow, problems };
}

/** The repository root: `absPath` without `displayPath`; unknown for a file outside the root. */
function repoRootOf(displayPath: string, absPath: string): string | undefined {
  if (path.isAbsolute(displayPath) || displayPath.startsWith("..")) return undefined;
  const up = displayPath.split(/[\\/]/).map(() => "..");
  const root = path.resolve(absPath, ...up);
  return path.resolve(root, displayPath) === path.resolve(absPath) ? root : undefined;
}

/** One file on its own, as GitHub's parser and Sluice's own load-time checks see it. */
async function parseSource(content: string, displayPath: string, absPath: string): Promise<SourceParse> {
  // One YAML parse serves both the shape check and GitHub's parser.
  const yaml = parseWorkflowYaml(content);
  const shape = checkYamlShape(yaml, displayPath);
  if (shape.length > 0) return { workflow: null, problems: shape };
  const parsed = parseWorkflowDocument(displayPath, yaml.doc, yaml.lineCounter);
  const parseErrors = parsed.context.errors.getErrors().length;
  let template: WorkflowTemplate | undefined;
  if (parsed.value) {
    template = await convertWorkflowTemplate(parsed.context, parsed.value, undefined, {
      errorPolicy: TRY_CONVERSION,
    });
  }
  const all = parsed.context.errors.getErrors();
  const problems = dedupe([
    ...all.slice(0, parseErrors).map((e) => toProblem(e, displayPath, classifyParseError(e.rawMessage))),
    ...all.slice(parseErrors).map((e) => toProblem(e, displayPath, classifyConvertError(e.rawMessage))),
  ]);
  const tree = parsed.value;
  if (tree) problems.push(...gitHubOnlyChecks(tree, displayPath, problems));
  if (!tree || !template || problems.length > 0) return { workflow: null, problems, tree };
  const workflow = buildModel(tree as MappingToken, template, displayPath, absPath);
  const cycle = findNeedsCycle(workflow.jobs);
  if (cycle) {
    const job = workflow.jobs.find((j) => j.id === cycle[0]);
    problems.push({
      code: "SLUICE_E_WORKFLOW_INVALID",
      message: `jobs form a dependency cycle through needs: ${cycle.join(" → ")}`,
      location: job?.location ?? { file: displayPath },
    });
    return { workflow: null, problems, tree };
  }
  return { workflow, problems, tree };
}

/** Reads and parses a workflow file; throws one SluiceError carrying every problem. */
export async function loadWorkflow(absPath: string, repoRoot: string): Promise<WorkflowDef> {
  const displayPath = path.relative(repoRoot, absPath) || absPath;
  let content: string;
  try {
    content = await readFile(absPath, "utf8");
  } catch (cause) {
    throw createError("SLUICE_E_WORKFLOW_NOT_FOUND", `cannot read workflow ${displayPath}`, {
      cause,
      location: { file: displayPath },
    });
  }
  const { workflow, problems } = await parseWorkflowText(content, displayPath, absPath);
  if (!workflow) throw workflowError(displayPath, problems);
  return workflow;
}

export function workflowError(displayPath: string, problems: Problem[]) {
  const first = problems[0];
  return createError(
    first?.code ?? "SLUICE_E_WORKFLOW_INVALID",
    `${displayPath} is invalid (${problems.length} problem${problems.length === 1 ? "" : "s"})`,
    {
      problems,
    },
  );
}

/** What GitHub rejects when it reads a workflow but the parser's schema lets through. */
function gitHubOnlyChecks(root: TemplateToken, file: string, found: Problem[]): Problem[] {
  // A matrix the parser already found fault with is not expanded again: one report per mistake.
  const reported = (token: TemplateToken) => found.some((p) => within(token, p.location));
  return [...checkFilterConflicts(root, file), ...checkStaticMatrices(root, file, reported)];
}

function within(token: TemplateToken, loc: Problem["location"]): boolean {
  const r = token.range;
  if (!r || loc?.line === undefined) return false;
  const at = [loc.line, loc.column ?? 1];
  const before = (a: number[], b: number[]) => a[0]! < b[0]! || (a[0] === b[0] && a[1]! <= b[1]!);
  return before([r.start.line, r.start.column], at) && before(at, [r.end.line, r.end.column]);
}

function classifyParseError(message: string): ErrorCode {
  if (/ at line \d+, column \d+/.test(message)) return "SLUICE_E_YAML";
  if (/expression|named-value|Unrecognized function|parameters|Unexpected symbol/i.test(message))
    return "SLUICE_E_EXPRESSION";
  return "SLUICE_E_WORKFLOW_SCHEMA";
}

function classifyConvertError(message: string): ErrorCode {
  // "Invalid cron expression" is a bad schedule value, not a ${{ }} expression.
  if (/\bcron\b/i.test(message)) return "SLUICE_E_WORKFLOW_SCHEMA";
  if (/Unexpected symbol|expression/i.test(message)) return "SLUICE_E_EXPRESSION";
  return "SLUICE_E_WORKFLOW_INVALID";
}

function toProblem(e: TemplateValidationError, file: string, code: ErrorCode): Problem {
  const start = e.range?.start;
  // YAML syntax messages embed a source excerpt after the first line; the location says where.
  const message = e.rawMessage.split("\n")[0]!.replace(/:$/, "");
  return { code, message, location: start ? { file, line: start.line, column: start.column } : { file } };
}

function dedupe(problems: Problem[]): Problem[] {
  const seen = new Set<string>();
  return problems.filter((p) => {
    // The converter re-reports expression errors the parser already found at the same place.
    const key =
      p.code === "SLUICE_E_EXPRESSION"
        ? `${p.location?.line}:${p.location?.column}`
        : `${p.location?.line}:${p.location?.column}:${p.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function buildModel(
  root: MappingToken,
  template: WorkflowTemplate,
  displayPath: string,
  absPath: string,
): WorkflowDef {
  const top = mappingEntries(root);
  const rawJobs = mappingEntries(top.get("jobs"));
  const jobs = template.jobs.map((job) => buildJob(job, rawJobs.get(job.id.value), displayPath));
  restoreNumberInputs(mappingEntries(top.get("on")), template.events);
  return {
    file: absPath,
    path: displayPath,
    name: literalString(top.get("name")) ?? displayPath,
    runName: top.get("run-name"),
    events: template.events,
    env: top.get("env"),
    defaults: readDefaults(top.get("defaults")),
    concurrency: top.get("concurrency"),
    callOutputs: mappingEntries(mappingEntries(top.get("on")).get("workflow_call")).get("outputs"),
    jobs,
  };
}

function buildJob(
  job: WorkflowTemplate["jobs"][number],
  raw: TemplateToken | undefined,
  file: string,
): JobDef {
  const m = mappingEntries(raw);
  const base = {
    id: job.id.value,
    name: m.get("name"),
    needs: (job.needs ?? []).map((n) => n.value),
    if: job.if.expression,
    strategy: m.get("strategy"),
    outputs: m.get("outputs"),
    concurrency: m.get("concurrency"),
    location: tokenLocation(file, job.id),
  };
  if (job.type === "reusableWorkflowJob") {
    const secrets = m.get("secrets");
    return {
      ...base,
      kind: "reusable",
      defaults: {},
      steps: [],
      uses: job.ref.value,
      with: m.get("with"),
      secrets: secrets && literalString(secrets) === "inherit" ? "inherit" : secrets,
    };
  }
  const rawSteps = m.get("steps");
  const steps: StepDef[] = job.steps.map((s, index) => {
    const raw =
      rawSteps && "get" in rawSteps
        ? (rawSteps as unknown as { get(i: number): TemplateToken }).get(index)
        : undefined;
    return buildStep(s, index, raw, file);
  });
  return {
    ...base,
    kind: "job",
    runsOn: m.get("runs-on"),
    env: m.get("env"),
    defaults: readDefaults(m.get("defaults")),
    timeoutMinutes: m.get("timeout-minutes"),
    continueOnError: m.get("continue-on-error"),
    environment: m.get("environment"),
    steps,
  };
}

export function buildStep(
  step: { id: string; if?: { expression: string } },
  index: number,
  raw: TemplateToken | undefined,
  file: string,
): StepDef {
  const m = mappingEntries(raw);
  return {
    id: step.id,
    hasUserId: m.has("id"),
    index,
    name: m.get("name"),
    if: step.if?.expression ?? "success()",
    run: m.get("run"),
    uses: literalString(m.get("uses")),
    with: m.get("with"),
    env: m.get("env"),
    shell: m.get("shell"),
    workingDirectory: m.get("working-directory"),
    timeoutMinutes: m.get("timeout-minutes"),
    continueOnError: m.get("continue-on-error"),
    location: tokenLocation(file, raw),
  };
}

/**
 * The parser's InputType has no `number`: it leaves such inputs untyped and drops their defaults.
 * Restore both from the YAML so `type: number` inputs are numbers, as on GitHub.
 */
function restoreNumberInputs(on: Map<string, TemplateToken>, events: WorkflowTemplate["events"]): void {
  for (const trigger of ["workflow_dispatch", "workflow_call"] as const) {
    const specs = (
      events[trigger] as { inputs?: Record<string, { type?: string; default?: unknown }> } | undefined
    )?.inputs;
    if (!specs) continue;
    for (const [name, raw] of mappingEntries(mappingEntries(on.get(trigger)).get("inputs"))) {
      const entries = mappingEntries(raw);
      const spec = specs[name];
      const fallback = entries.get("default");
      // workflow_call defaults may be expressions, which the converter drops; keep the token, the
      // caller evaluates it (run-reusable.ts).
      if (spec && fallback && isBasicExpression(fallback)) spec.default = fallback;
      if (!spec || literalString(entries.get("type")) !== "number") continue;
      spec.type = "number";
      if (fallback && isLiteral(fallback)) spec.default = fallback.toJSON();
    }
  }
}

function readDefaults(token: TemplateToken | undefined): RunDefaults {
  const run = mappingEntries(mappingEntries(token).get("run"));
  return { shell: run.get("shell"), workingDirectory: run.get("working-directory") };
}
