/**
 * Load-time check of local reusable workflow calls (`jobs.<id>.uses: ./.github/workflows/x.yml`).
 * GitHub reads every called workflow when it reads the caller and rejects the whole workflow before
 * any job runs ("error parsing called workflow …: workflow is not reusable as it is missing a
 * `on.workflow_call` trigger"), so Sluice does too: the called file must exist, parse and declare
 * `on.workflow_call`; the call's inputs and secrets must match it (call-args.ts); calls must not form
 * a cycle nor nest deeper than GitHub allows. Problems are located in the calling file; a problem
 * further down the call tree is summed up at the `uses:` that leads to it. Remote calls
 * (`owner/repo/…@ref`) are not read here.
 */
import { readFile } from "node:fs/promises";
import path from "node:path";
import { isMapping } from "@actions/workflow-parser";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/index";
import type { Problem } from "../core/errors";
import { checkCallArguments } from "./call-args";
import type { WorkflowDef } from "./model";
import { literalString, mappingEntries, tokenLocation } from "./tokens";

/** GitHub.com: the top-level caller and up to nine levels of reusable workflows. */
export const MAX_WORKFLOW_LEVELS = 10;

/** A workflow file's parse without this check (load.ts), so callees are read as GitHub reads them. */
export interface SourceParse {
  workflow: WorkflowDef | null;
  problems: Problem[];
  tree?: TemplateToken;
}
export type ParseSource = (content: string, displayPath: string, absPath: string) => Promise<SourceParse>;

export interface CallNode {
  abs: string;
  /** Relative to the repository root. */
  path: string;
  workflow: WorkflowDef;
  tree: TemplateToken;
}

interface Edge {
  uses: TemplateToken;
  ref: string;
  callee: CallNode;
}

/** What lies below a workflow: how many levels it spans, a cycle, the first problem. */
interface Reach {
  /** Its deepest chain of calls, itself first (absolute paths). */
  deepest: string[];
  cycle?: string[];
  problem?: Problem;
}

interface Context {
  root: string;
  parse: ParseSource;
  /** Per checked tree: a workflow called from several places is walked once. */
  reached: Map<string, Reach>;
}

export async function checkReusableCalls(
  top: CallNode,
  repoRoot: string,
  parse: ParseSource,
): Promise<Problem[]> {
  const ctx: Context = { root: repoRoot, parse, reached: new Map() };
  const { problems, edges } = await directCalls(top, ctx);
  for (const edge of edges) {
    const r =
      edge.callee.abs === top.abs
        ? { deepest: [], cycle: [top.abs, top.abs] }
        : await reach(edge.callee, [top.abs, edge.callee.abs], ctx);
    const fail = (message: string) =>
      problems.push({
        code: "SLUICE_E_REUSABLE_WORKFLOW",
        message: `error parsing called workflow "${edge.ref}": ${message}`,
        location: tokenLocation(top.path, edge.uses),
      });
    if (r.cycle) fail(`the calls form a cycle: ${chain(r.cycle, ctx)}`);
    else if (1 + r.deepest.length > MAX_WORKFLOW_LEVELS)
      fail(
        `calling it would exceed the limit of ${MAX_WORKFLOW_LEVELS} levels of workflows: ${chain([top.abs, ...r.deepest], ctx)}`,
      );
    else if (r.problem) fail(placed(r.problem));
  }
  return problems.sort((a, b) => at(a) - at(b));
}

/** Walks the calls below `node`; `stack` is the chain that reached it, `node` last. */
async function reach(node: CallNode, stack: string[], ctx: Context): Promise<Reach> {
  const known = ctx.reached.get(node.abs);
  if (known) return known;
  const { problems, edges } = await directCalls(node, ctx);
  const out: Reach = { deepest: [node.abs], problem: problems[0] };
  for (const edge of edges) {
    const back = stack.indexOf(edge.callee.abs);
    const r: Reach =
      back >= 0
        ? { deepest: [], cycle: [...stack.slice(back), edge.callee.abs] }
        : await reach(edge.callee, [...stack, edge.callee.abs], ctx);
    if (1 + r.deepest.length > out.deepest.length) out.deepest = [node.abs, ...r.deepest];
    out.cycle ??= r.cycle;
    out.problem ??= r.problem;
  }
  // A cycle found from here is reachable from here whatever the entry, so the memo stays true.
  ctx.reached.set(node.abs, out);
  return out;
}

/** The local calls a workflow makes, and the problems each call has on its own. */
async function directCalls(node: CallNode, ctx: Context): Promise<{ problems: Problem[]; edges: Edge[] }> {
  const problems: Problem[] = [];
  const edges: Edge[] = [];
  for (const job of mappingEntries(mappingEntries(node.tree).get("jobs")).values()) {
    const uses = mappingEntries(job).get("uses");
    const ref = literalString(uses);
    if (!uses || !ref?.startsWith("./") || !isMapping(job)) continue;
    const fail = (message: string) =>
      problems.push({
        code: "SLUICE_E_REUSABLE_WORKFLOW",
        message: `error parsing called workflow "${ref}": ${message}`,
        location: tokenLocation(node.path, uses),
      });
    const abs = path.resolve(ctx.root, ref);
    const rel = path.relative(ctx.root, abs);
    if (rel === "" || rel.startsWith("..") || path.isAbsolute(rel)) {
      fail("a local workflow must be a file inside the repository");
      continue;
    }
    const parsed = await loadCallee(abs, rel, ctx.parse);
    if (!parsed) {
      fail(`workflow was not found (no file ${rel})`);
    } else if (!parsed.workflow || !parsed.tree) {
      const more = parsed.problems.length - 1;
      const first = parsed.problems[0];
      fail(
        first
          ? `${placed(first)}${more > 0 ? ` (and ${more} more problem${more === 1 ? "" : "s"})` : ""}`
          : `${rel} is invalid`,
      );
    } else if (!parsed.workflow.events.workflow_call) {
      fail("workflow is not reusable as it is missing a `on.workflow_call` trigger");
    } else {
      problems.push(...checkCallArguments({ file: node.path, job, uses }, parsed.workflow));
      edges.push({ uses, ref, callee: { abs, path: rel, workflow: parsed.workflow, tree: parsed.tree } });
    }
  }
  return { problems, edges };
}

/** Parses of called files, kept while their text is unchanged: many callers share a few callees. */
const callees = new Map<string, { content: string; parsed: SourceParse }>();

/** The called file's parse, or null when there is no such file. */
async function loadCallee(abs: string, rel: string, parse: ParseSource): Promise<SourceParse | null> {
  let content: string;
  try {
    content = await readFile(abs, "utf8");
  } catch {
    return null;
  }
  const hit = callees.get(abs);
  if (hit?.content === content) return hit.parsed;
  const parsed = await parse(content, rel, abs);
  callees.set(abs, { content, parsed });
  return parsed;
}

/** A called file's problem, told at the caller: where it is and what (the caller's code stands). */
function placed(p: Problem): string {
  const l = p.location;
  const where = l ? [l.file, l.line, l.column].filter((x) => x !== undefined).join(":") : "";
  return where ? `${where}: ${p.message}` : p.message;
}

function chain(files: string[], ctx: Context): string {
  return files.map((f) => path.relative(ctx.root, f)).join(" → ");
}

function at(p: Problem): number {
  return (p.location?.line ?? 0) * 100_000 + (p.location?.column ?? 0);
}
