/**
 * The `threshold` judge: every condition must hold — `errorRate < 0.05`, `latency.p95 < 500ms`,
 * `canary.errorRate <= baseline.errorRate * 1.5`. A condition whose measurements hold fewer than
 * `minSamples` observations is inconclusive rather than failed: three requests with one error are a
 * 33 % error rate and no evidence of anything (the low-traffic misfires of flagger#1035).
 *
 * A condition is either a string in the threshold language (condition.ts), or `{ cel: "…" }`, a CEL
 * expression over `canary` and `baseline` (cel-condition.ts). Only the explicit object is CEL: a
 * string always means a threshold condition, so units (`5%`, `2s`) and bare metric names keep one
 * meaning, and a typo in a threshold is reported as a threshold error — with a hint when the string
 * would compile as CEL — rather than as a puzzling CEL one.
 */
import { z } from "zod";
import { parseAnalysisConfig } from "../config";
import { celMetrics, compileCel, evaluateCelCondition } from "./cel-condition";
import type { CelConditionResult, ConditionStatus } from "./cel-condition";
import { compare, evaluateNode, parseCondition, statOf } from "./condition";
import type { Condition, MetricRef } from "./condition";
import { observations } from "./measurement-stats";
import { okMeasurement } from "./types";
import type { Judge, JudgeResult, Sample } from "./types";

export const THRESHOLD_JUDGE_TYPE = "threshold";

const thresholdConditionSchema = z.string().superRefine((text, ctx) => {
  const parsed = parseCondition(text);
  if (!("error" in parsed)) return;
  const asCel = compileCel(text);
  const hint = "error" in asCel ? "" : ` (it is valid CEL: write it as { cel: ${JSON.stringify(text)} })`;
  ctx.addIssue({ code: "custom", message: `"${text}": ${parsed.error}${hint}` });
});

const celConditionSchema = z.strictObject({
  cel: z
    .string()
    .superRefine((text, ctx) => {
      const compiled = compileCel(text);
      if ("error" in compiled) ctx.addIssue({ code: "custom", message: `CEL "${text}": ${compiled.error}` });
    })
    .describe(
      "A CEL expression giving a bool, over `canary` and `baseline` (metric → statistics), e.g. `canary.errorRate.rate < 0.05 && canary.latency.p95 < 500.0`.",
    ),
  name: z.string().min(1).optional().describe("Shown in results instead of the expression."),
});

export const thresholdSpecSchema = z.strictObject({
  conditions: z
    .array(
      z.union([thresholdConditionSchema, celConditionSchema], {
        error: "a condition is a threshold string or { cel: <expression> }",
      }),
    )
    .min(1, { error: "must list at least one condition" })
    .describe(
      'Conditions that must all hold, e.g. `errorRate < 1%`, `latency.p95 <= baseline.latency.p95 * 1.2` or `{ cel: "canary.errorRate.rate < 0.01" }`.',
    ),
  minSamples: z
    .int()
    .nonnegative()
    .default(20)
    .describe("A condition is inconclusive while a measurement it reads has fewer observations than this."),
});
export type ThresholdSpec = z.output<typeof thresholdSpecSchema>;

interface ThresholdConditionResult {
  kind: "threshold";
  condition: string;
  status: ConditionStatus;
  left?: number;
  right?: number;
  message: string;
}

type ConditionResult = ThresholdConditionResult | CelConditionResult;

export const thresholdJudge: Judge<ThresholdSpec> = {
  type: THRESHOLD_JUDGE_TYPE,
  specSchema: thresholdSpecSchema,
  parseSpec: (raw) => parseAnalysisConfig(thresholdSpecSchema, raw, "threshold judge"),
  decide(baseline, canary, spec) {
    let vars: ReturnType<typeof celVars> | undefined;
    const results = spec.conditions.map((c): ConditionResult => {
      if (typeof c !== "string") {
        vars ??= celVars(baseline, canary);
        return evaluateCelCondition(c, { baseline, canary }, vars, spec.minSamples);
      }
      const parsed = parseCondition(c);
      return "error" in parsed
        ? { kind: "threshold", condition: c, status: "inconclusive", message: parsed.error }
        : evaluateCondition(parsed, baseline, canary, spec.minSamples);
    });
    return summarise(results);
  },
};

function celVars(baseline: Sample, canary: Sample) {
  return { baseline: celMetrics(baseline), canary: celMetrics(canary) };
}

function evaluateCondition(
  c: Condition,
  baseline: Sample,
  canary: Sample,
  minSamples: number,
): ThresholdConditionResult {
  const values = new Map<string, number>();
  for (const ref of c.refs) {
    const m = okMeasurement(ref.version === "canary" ? canary : baseline, ref.metric);
    const name = `${ref.version}.${ref.metric}`;
    if (!m)
      return { kind: "threshold", condition: c.text, status: "inconclusive", message: `no data for ${name}` };
    const n = observations(m);
    // A provider that cannot count (a PromQL scalar) leaves minSamples to the query's own window.
    if (n !== undefined && n < minSamples) {
      return {
        kind: "threshold",
        condition: c.text,
        status: "inconclusive",
        message: `${name} has ${n} observation${n === 1 ? "" : "s"}, fewer than minSamples ${minSamples}`,
      };
    }
    values.set(ref.text, statOf(m, ref.stat));
  }
  const valueOf = (ref: MetricRef) => values.get(ref.text) ?? NaN;
  const left = evaluateNode(c.left, valueOf);
  const right = evaluateNode(c.right, valueOf);
  if (!Number.isFinite(left) || !Number.isFinite(right)) {
    const missing = c.refs.filter((r) => !Number.isFinite(valueOf(r))).map((r) => r.text);
    return {
      kind: "threshold",
      condition: c.text,
      status: "inconclusive",
      message:
        missing.length > 0
          ? `no ${missing.join(", ")} in the measurements`
          : `${c.text} is not a finite number`,
    };
  }
  const ok = compare(left, c.op, right);
  return {
    kind: "threshold",
    condition: c.text,
    status: ok ? "passed" : "failed",
    left,
    right,
    message: ok ? "" : `${format(left)} ${negate(c.op)} ${format(right)}: "${c.text}" does not hold`,
  };
}

function summarise(results: ConditionResult[]): JudgeResult {
  const passed = results.filter((r) => r.status === "passed").length;
  const failed = results.find((r) => r.status === "failed");
  const inconclusive = results.find((r) => r.status === "inconclusive");
  const score = (100 * passed) / results.length;
  const details = { conditions: results };
  if (failed) return { verdict: "fail", score, reason: failed.message, details };
  if (inconclusive)
    return {
      verdict: "inconclusive",
      score,
      reason: `${inconclusive.condition}: ${inconclusive.message}`,
      details,
    };
  return {
    verdict: "pass",
    score,
    reason: `all ${results.length} condition${results.length === 1 ? "" : "s"} hold`,
    details,
  };
}

function negate(op: Condition["op"]): string {
  return { "<": ">=", "<=": ">", ">": "<=", ">=": "<", "==": "!=", "!=": "==" }[op];
}

function format(n: number): string {
  return Number.isInteger(n) ? String(n) : String(Number(n.toPrecision(4)));
}
