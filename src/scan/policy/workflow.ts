/**
 * GitHub Actions workflows as policy subjects: the triggering events, permissions, jobs and steps,
 * with each `uses:` split into owner, repository and ref, and the `${{ }}` expressions a step pastes
 * into code it runs (a `run:` script, or actions/github-script's `script:`), which is where script
 * injection happens. Read with `yaml` alone: a policy must see workflows the runner would reject.
 */
import { childPath, parseYamlDocuments } from "./yaml-documents";
import type { LocationTable, PolicyScope, PolicySubject, Position } from "./types";

/** A parsed `uses:` reference. */
export interface ActionRef {
  /** `none` for a `run:` step; `builtin` for Sluice's own `sluice/*` steps, which are never fetched. */
  kind: "none" | "local" | "docker" | "builtin" | "remote";
  /** `owner/repo[/path]`, lower-cased, for remote and builtin actions; the path or image otherwise. */
  name: string;
  owner: string;
  repo: string;
  ref: string;
  /** Pinned to a full 40-hex commit SHA (or, for docker, a digest). */
  pinned: boolean;
}

export interface WorkflowStep {
  index: number;
  id: string;
  name: string;
  /** For messages: the name, else the id, else the action, else the first line of the script. */
  label: string;
  uses: string;
  run: string;
  shell: string;
  if: string;
  /** Inputs as strings (the runner passes every input as a string). */
  with: Record<string, string>;
  env: Record<string, unknown>;
  action: ActionRef;
  /** The text inside each `${{ }}` of code the step runs: `run:`, and github-script's `script:`. */
  expressions: string[];
  path: string;
}

export interface WorkflowJob {
  id: string;
  name: string;
  /** As written (`read-all`, `write-all`, `{}` or a map), or null when the job sets none. */
  permissions: unknown;
  runsOn: unknown;
  /** A reusable workflow call (`owner/repo/.github/workflows/x.yml@ref`), else `""`. */
  uses: string;
  action: ActionRef;
  if: string;
  steps: WorkflowStep[];
  path: string;
}

export interface WorkflowInput {
  target: "workflow";
  file: string;
  name: string;
  /** Event names of `on:`, whichever form it takes (string, list or map). */
  events: string[];
  on: unknown;
  /** As written, or null when the workflow sets none. */
  permissions: unknown;
  env: Record<string, unknown>;
  jobs: WorkflowJob[];
  locations: LocationTable;
  position: Position;
}

/** Parses a workflow file; null when it is not YAML holding a mapping. */
export function parseWorkflow(text: string, file: string): WorkflowInput | null {
  const doc = parseYamlDocuments(text).documents[0];
  if (!doc || !isRecord(doc.value)) return null;
  const w = doc.value;
  // YAML 1.1 readers turn a bare `on` key into `true`; `yaml` (1.2) keeps it, but be lenient.
  const on = w.on ?? w.true ?? null;
  const jobs = Object.entries(asRecord(w.jobs)).map(([id, job]) => readJob(id, asRecord(job)));
  return {
    target: "workflow",
    file,
    name: str(w.name),
    events: eventsOf(on),
    on,
    permissions: w.permissions ?? null,
    env: asRecord(w.env),
    jobs,
    locations: doc.locations,
    position: doc.locations.get("") ?? { line: 1, column: 1 },
  };
}

function readJob(id: string, job: Record<string, unknown>): WorkflowJob {
  const path = childPath("jobs", id);
  const steps = Array.isArray(job.steps) ? job.steps : [];
  return {
    id,
    name: str(job.name),
    permissions: job.permissions ?? null,
    runsOn: job["runs-on"] ?? null,
    uses: str(job.uses),
    action: parseUses(str(job.uses)),
    if: str(job.if),
    steps: steps.map((s, i) => readStep(asRecord(s), i, `${path}.steps[${i}]`)),
    path,
  };
}

function readStep(step: Record<string, unknown>, index: number, path: string): WorkflowStep {
  const uses = str(step.uses);
  const run = str(step.run);
  const withInputs = Object.fromEntries(Object.entries(asRecord(step.with)).map(([k, v]) => [k, str(v)]));
  const action = parseUses(uses);
  const code = [run];
  if (action.name === "actions/github-script") code.push(withInputs.script ?? "");
  const name = str(step.name);
  const id = str(step.id);
  return {
    index,
    id,
    name,
    label: name || id || uses || run.split("\n")[0]!.trim() || `#${index}`,
    uses,
    run,
    shell: str(step.shell),
    if: str(step.if),
    with: withInputs,
    env: asRecord(step.env),
    action,
    expressions: code.flatMap(expressionsIn),
    path,
  };
}

/** Splits a `uses:` value. */
export function parseUses(uses: string): ActionRef {
  const none: ActionRef = { kind: "none", name: "", owner: "", repo: "", ref: "", pinned: false };
  const text = uses.trim();
  if (text === "") return none;
  if (text.startsWith("./") || text.startsWith("../")) return { ...none, kind: "local", name: text };
  if (text.startsWith("docker://")) {
    return { ...none, kind: "docker", name: text.slice(9), pinned: /@sha256:[0-9a-f]{64}$/i.test(text) };
  }
  const at = text.lastIndexOf("@");
  const name = (at >= 0 ? text.slice(0, at) : text).toLowerCase();
  const ref = at >= 0 ? text.slice(at + 1) : "";
  const [owner = "", repo = ""] = name.split("/");
  return {
    kind: owner === "sluice" ? "builtin" : "remote",
    name,
    owner,
    repo,
    ref,
    pinned: /^[0-9a-f]{40}$/i.test(ref),
  };
}

/** The text inside each `${{ … }}` of `text`, trimmed. */
export function expressionsIn(text: string): string[] {
  return [...text.matchAll(/\$\{\{([\s\S]*?)\}\}/g)].map((m) => m[1]!.trim());
}

function eventsOf(on: unknown): string[] {
  if (typeof on === "string") return [on];
  if (Array.isArray(on)) return on.filter((e): e is string => typeof e === "string");
  return Object.keys(asRecord(on));
}

/** Subjects of one scope: the workflow, each job, or each step of each job. */
export function workflowSubjects(
  input: WorkflowInput,
  scope: PolicyScope,
  options: Record<string, unknown>,
): PolicySubject[] {
  const { locations, position, jobs, ...rest } = input;
  const workflow = { ...rest, jobs };
  const base = { target: "workflow" as const, scope, file: input.file, locations };
  const at = (path: string): Position => locations.get(path) ?? position;
  if (scope === "workflow") {
    return [{ ...base, object: "workflow", locationPath: "", position, vars: { workflow, options } }];
  }
  if (scope === "job") {
    return jobs.map((job) => ({
      ...base,
      object: job.path,
      locationPath: job.path,
      position: at(job.path),
      vars: { workflow, job, options },
    }));
  }
  if (scope !== "step") return [];
  return jobs.flatMap((job) =>
    job.steps.map((step) => ({
      ...base,
      // Ids and names survive inserting a step above; the index is the last resort.
      object: `${job.path}.steps[${step.id || step.name || step.index}]`,
      locationPath: step.path,
      position: at(step.path),
      vars: { workflow, job, step, options },
    })),
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

function asRecord(value: unknown): Record<string, unknown> {
  return isRecord(value) ? value : {};
}

function str(value: unknown): string {
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  return "";
}
