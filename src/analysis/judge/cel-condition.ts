/**
 * CEL conditions for the threshold judge: `{ cel: "canary.errorRate.rate < 0.05 && canary.latency.p95
 * < 500.0" }`, for what the threshold language (condition.ts) cannot say — `&&`/`||`, `has()`, `?:`,
 * macros over the metrics.
 *
 * Environment: two variables, `canary` and `baseline`, each a `map<string, map<string, double>>` from
 * metric name to the statistics its measurement has (measurement-stats.ts: `value`, `count`,
 * `events`, `rate`, `mean`, `min`, `max`, `median`, `p50`, `p90`, `p95`, `p99`). A statistic the
 * measurement lacks is absent, and so is a metric whose query failed: guard with `has()`, or reading
 * it is an evaluation error, which makes the condition inconclusive. Integer literals are read as
 * doubles (`doubleLiterals`, as in gate rules), since CEL has no implicit int→double conversion.
 *
 * minSamples: metrics named literally (`canary.latency`, `canary["error-rate"]`) are checked; when the
 * expression uses `canary` or `baseline` any other way (`canary.all(m, …)`, `"x" in canary`,
 * `canary[name]`), every metric of that version in the sample is checked, since any of them may be
 * read.
 */
import { Environment } from "@marcbachmann/cel-js";
import type { ASTNode } from "@marcbachmann/cel-js";
import { doubleLiterals } from "../../gate/rules";
import { observations, statsOf } from "./measurement-stats";
import { okMeasurement } from "./types";
import type { Sample } from "./types";

/** A CEL condition as written in the spec. */
export interface CelCondition {
  cel: string;
  /** Shown in results instead of the expression. */
  name?: string;
}

export type ConditionStatus = "passed" | "failed" | "inconclusive";

/** One CEL condition's entry in the judge's `details.conditions`. */
export interface CelConditionResult {
  kind: "cel";
  /** The name, or the expression. */
  condition: string;
  cel: string;
  status: ConditionStatus;
  /** The `version.metric.stat` paths the expression names, with the values it saw (null: absent). */
  values: Record<string, number | null>;
  message: string;
}

type Version = "canary" | "baseline";
type Program = (vars: Record<string, unknown>) => unknown;

interface Path {
  version: Version;
  metric: string;
  stat: string;
  text: string;
}

/** A compiled CEL condition and what it reads. */
export interface CompiledCel {
  program: Program;
  /** Metrics named literally, in order of appearance. */
  metrics: Array<{ version: Version; metric: string }>;
  /** Versions the expression reads other than by a literal metric name. */
  dynamic: Set<Version>;
  /** `version.metric.stat` paths named literally, for showing values. */
  paths: Path[];
}

/** Longer expressions are refused: a condition is one line of logic, not a program. */
export const MAX_CEL_LENGTH = 4096;
const VERSIONS: readonly Version[] = ["canary", "baseline"];
const IDENTIFIER = /^[A-Za-z_]\w*$/;
const CACHE_LIMIT = 256;

let environment: Environment | undefined;
const cache = new Map<string, CompiledCel | { error: string }>();

function env(): Environment {
  environment ??= new Environment({
    limits: {
      maxAstNodes: 2000,
      maxDepth: 64,
      maxListElements: 256,
      maxMapEntries: 256,
      maxCallArguments: 16,
    },
  })
    .registerVariable("canary", "map<string, map<string, double>>")
    .registerVariable("baseline", "map<string, map<string, double>>");
  return environment;
}

/**
 * Compiles and type-checks a CEL condition; returns the reason instead when it has a syntax or type
 * error or does not give a bool. Never throws. Results are cached by source (decide runs every
 * interval with the same spec).
 */
export function compileCel(source: string): CompiledCel | { error: string } {
  const hit = cache.get(source);
  if (hit) return hit;
  const compiled = compileUncached(source);
  if (cache.size >= CACHE_LIMIT) cache.clear();
  cache.set(source, compiled);
  return compiled;
}

function compileUncached(source: string): CompiledCel | { error: string } {
  if (source.trim() === "") return { error: "must be a CEL expression" };
  if (source.length > MAX_CEL_LENGTH) return { error: `longer than ${MAX_CEL_LENGTH} characters` };
  let parsed: ReturnType<Environment["parse"]>;
  try {
    parsed = env().parse(doubleLiterals(source));
  } catch (err) {
    return { error: syntaxError(source, err) };
  }
  try {
    const checked = parsed.check();
    if (!checked.valid) return { error: firstLine(checked.error) };
    if (checked.type !== "bool" && checked.type !== "dyn") {
      return { error: `gives ${checked.type}, not bool` };
    }
    const reads: Omit<CompiledCel, "program"> = { metrics: [], dynamic: new Set(), paths: [] };
    collectReads(parsed.ast, reads);
    return { program: parsed as unknown as Program, ...reads };
  } catch (err) {
    return { error: firstLine(err) };
  }
}

/**
 * A syntax error as the author wrote it: the parser saw the source with integer literals rewritten
 * (`5` → `5.0`), so the original is parsed again for a message and column that match what they typed.
 */
function syntaxError(source: string, rewrittenError: unknown): string {
  let err = rewrittenError;
  try {
    env().parse(source);
  } catch (original) {
    err = original;
  }
  const start = (err as { range?: { start?: unknown } } | null)?.range?.start;
  const column = err !== rewrittenError && typeof start === "number" ? ` at column ${start + 1}` : "";
  return `${firstLine(err)}${column}`;
}

function versionOf(node: ASTNode): Version | undefined {
  return node.op === "id" && (VERSIONS as readonly string[]).includes(node.args)
    ? (node.args as Version)
    : undefined;
}

/** The literal key `node` selects from its operand (`x.key`, `x["key"]`), if any. */
function literalKey(node: ASTNode): { operand: ASTNode; key: string } | undefined {
  if (node.op === "." || node.op === ".?") return { operand: node.args[0], key: node.args[1] };
  if ((node.op === "[]" || node.op === "[?]") && node.args[1].op === "value") {
    const key = node.args[1].args;
    if (typeof key === "string") return { operand: node.args[0], key };
  }
  return undefined;
}

function metricAccess(node: ASTNode): { version: Version; metric: string } | undefined {
  const sel = literalKey(node);
  const version = sel && versionOf(sel.operand);
  return sel && version ? { version, metric: sel.key } : undefined;
}

function collectReads(node: ASTNode, out: Omit<CompiledCel, "program">): void {
  const noteMetric = (m: { version: Version; metric: string }) => {
    if (!out.metrics.some((x) => x.version === m.version && x.metric === m.metric)) out.metrics.push(m);
  };
  const stat = literalKey(node);
  const metric = stat && metricAccess(stat.operand);
  if (stat && metric) {
    noteMetric(metric);
    const text = `${metricText(metric.version, metric.metric)}${IDENTIFIER.test(stat.key) ? `.${stat.key}` : `[${JSON.stringify(stat.key)}]`}`;
    if (!out.paths.some((p) => p.text === text)) out.paths.push({ ...metric, stat: stat.key, text });
    return;
  }
  const direct = metricAccess(node);
  if (direct) {
    noteMetric(direct);
    return;
  }
  const version = versionOf(node);
  if (version) {
    out.dynamic.add(version);
    return;
  }
  walkChildren(node.args, (child) => collectReads(child, out));
}

function walkChildren(args: unknown, visit: (node: ASTNode) => void): void {
  if (Array.isArray(args)) for (const a of args) walkChildren(a, visit);
  else if (typeof args === "object" && args !== null && "op" in args) visit(args as ASTNode);
}

function metricText(version: Version, metric: string): string {
  return IDENTIFIER.test(metric) ? `${version}.${metric}` : `${version}[${JSON.stringify(metric)}]`;
}

/** The CEL variables for a sample: ok-phase metrics → their statistics (error-phase ones are absent). */
export function celMetrics(sample: Sample): Record<string, Record<string, number>> {
  const out: Record<string, Record<string, number>> = Object.create(null) as Record<
    string,
    Record<string, number>
  >;
  for (const name of Object.keys(sample.metrics)) {
    const m = okMeasurement(sample, name);
    if (m) out[name] = statsOf(m);
  }
  return out;
}

/**
 * Evaluates a CEL condition. Total: a compile error, too few observations, a missing metric or
 * statistic (an evaluation error) and a non-bool result are each `inconclusive` with the reason.
 * `vars` is `{ canary: celMetrics(canary), baseline: celMetrics(baseline) }`, computed once per
 * decision for all CEL conditions.
 */
export function evaluateCelCondition(
  condition: CelCondition,
  samples: Record<Version, Sample>,
  vars: Record<Version, Record<string, Record<string, number>>>,
  minSamples: number,
): CelConditionResult {
  const label = condition.name ?? condition.cel.trim();
  const result = (status: ConditionStatus, message: string, values: CelConditionResult["values"] = {}) => ({
    kind: "cel" as const,
    condition: label,
    cel: condition.cel,
    status,
    values,
    message,
  });
  const compiled = compileCel(condition.cel);
  if ("error" in compiled) return result("inconclusive", compiled.error);

  const values: CelConditionResult["values"] = {};
  for (const p of compiled.paths) {
    const stats = vars[p.version][p.metric];
    const v = stats && Object.hasOwn(stats, p.stat) ? stats[p.stat] : undefined;
    values[p.text] = typeof v === "number" ? v : null;
  }

  const checked = [...compiled.metrics];
  for (const version of compiled.dynamic) {
    for (const metric of Object.keys(vars[version])) {
      if (!checked.some((c) => c.version === version && c.metric === metric))
        checked.push({ version, metric });
    }
  }
  for (const { version, metric } of checked) {
    const m = okMeasurement(samples[version], metric);
    const n = m && observations(m);
    // A provider that cannot count (a PromQL scalar) leaves minSamples to the query's own window.
    if (n !== undefined && n < minSamples) {
      return result(
        "inconclusive",
        `${metricText(version, metric)} has ${n} observation${n === 1 ? "" : "s"}, fewer than minSamples ${minSamples}`,
        values,
      );
    }
  }

  let outcome: unknown;
  try {
    outcome = compiled.program(vars);
  } catch (err) {
    const absent = compiled.paths.filter((p) => values[p.text] === null).map((p) => p.text);
    const absentMetrics = compiled.metrics
      .filter((m) => !Object.hasOwn(vars[m.version], m.metric))
      .map((m) => metricText(m.version, m.metric));
    const missing = absentMetrics.length > 0 ? absentMetrics : absent;
    return result(
      "inconclusive",
      missing.length > 0 ? `no data for ${missing.join(", ")} (${firstLine(err)})` : firstLine(err),
      values,
    );
  }
  if (typeof outcome !== "boolean") {
    return result("inconclusive", `gives ${describe(outcome)}, not a bool`, values);
  }
  if (outcome) return result("passed", "", values);
  const seen = Object.entries(values)
    .map(([path, v]) => `${path} = ${v === null ? "absent" : format(v)}`)
    .join(", ");
  return result("failed", `"${label}" does not hold${seen ? `: ${seen}` : ""}`, values);
}

function firstLine(err: unknown): string {
  const text = err instanceof Error ? err.message : String(err);
  return text.split("\n")[0]!.trim() || "invalid CEL expression";
}

function describe(value: unknown): string {
  if (typeof value === "bigint") return `int ${value}`;
  if (typeof value === "number") return `double ${format(value)}`;
  if (typeof value === "string") return `string ${JSON.stringify(value.slice(0, 40))}`;
  if (value === null) return "null";
  if (Array.isArray(value)) return "a list";
  return typeof value === "object" ? "a map" : typeof value;
}

function format(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4)));
}
