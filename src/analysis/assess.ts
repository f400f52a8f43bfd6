/**
 * Limits over an analysis' measurements, with Argo Rollouts' AnalysisRun semantics: more than
 * `failureLimit` failed measurements fail it, more than `consecutiveErrorLimit` query errors in a row
 * error it (both roll back), more than `inconclusiveLimit` (default 0) inconclusive ones end it
 * Inconclusive, which pauses the rollout for a person to decide, and reaching `count` measurements
 * without tripping a limit succeeds — but only when at least one of them was a conclusive pass: an
 * analysis that never had enough data to judge (every look inconclusive or a query error, whatever
 * `inconclusiveLimit` allows) ends Inconclusive, never Successful. One deliberate difference: when a
 * failure and an inconclusive limit trip together, the rollback wins (Argo reports Inconclusive) — a
 * regression already shown must not wait for a human.
 *
 * Pure: (state, outcomes, limits) → new state and decision. The controller persists `state`.
 */
import type { JudgeResult, Sample } from "./judge/types";
import type { Judge } from "./judge/types";

export interface AnalysisLimits {
  /** Failed measurements tolerated; one more fails the analysis. Default 0 (Argo's default). */
  failureLimit?: number;
  /** Inconclusive measurements tolerated; one more pauses the rollout. Default 0 (Argo's default). */
  inconclusiveLimit?: number;
  /** Query errors in a row tolerated; one more errors the analysis (→ rollback). Default 4 (Argo's default). */
  consecutiveErrorLimit?: number;
  /**
   * Measurements to take; after the last one the analysis succeeds (inconclusive when none of them
   * passed). Unset: it runs until stopped.
   */
  count?: number;
}

export type AnalysisPhase = "running" | "successful" | "failed" | "error" | "inconclusive";

/** What the controller does next. */
export type AnalysisDecision = "continue" | "promote" | "rollback" | "pause";

/** Persisted progress of one analysis; start from {@link initialAnalysisState}. */
export interface AnalysisState {
  /** `running` until a limit trips or `count` is reached; then fixed (later outcomes are ignored). */
  phase: AnalysisPhase;
  /** Outcomes seen, errors included. */
  measurements: number;
  successful: number;
  failed: number;
  inconclusive: number;
  /** Query errors in total, and in the current unbroken run of errors. */
  errors: number;
  consecutiveErrors: number;
  /** Why the phase is what it is; empty while running. */
  message: string;
}

/** One look: either the queries failed, or a judge ruled on the measurements. */
export type AnalysisOutcome =
  { kind: "error"; error: string; at: Date } | { kind: "judged"; result: JudgeResult; at: Date };

export interface AnalysisAssessment {
  state: AnalysisState;
  decision: AnalysisDecision;
  /** Why, in one line (the limit that tripped, or the last judge's reason). */
  reason: string;
}

export function initialAnalysisState(): AnalysisState {
  return {
    phase: "running",
    measurements: 0,
    successful: 0,
    failed: 0,
    inconclusive: 0,
    errors: 0,
    consecutiveErrors: 0,
    message: "",
  };
}

/**
 * Folds `outcomes` (in order) into `state`. A judge result marked `final` ends the analysis at once:
 * a final pass succeeds early, a final fail counts like any failure.
 */
export function assessAnalysis(
  state: AnalysisState,
  outcomes: readonly AnalysisOutcome[],
  limits: AnalysisLimits = {},
): AnalysisAssessment {
  const { failureLimit = 0, inconclusiveLimit = 0, consecutiveErrorLimit = 4, count } = limits;
  let s = { ...state };
  let reason = s.message;
  for (const o of outcomes) {
    if (s.phase !== "running") break;
    s.measurements += 1;
    if (o.kind === "error") {
      s.errors += 1;
      s.consecutiveErrors += 1;
      reason = `query error: ${o.error}`;
    } else {
      s.consecutiveErrors = 0;
      const v = o.result.verdict;
      if (v === "pass") s.successful += 1;
      else if (v === "fail") s.failed += 1;
      else s.inconclusive += 1;
      reason = o.result.reason;
    }
    if (s.failed > failureLimit)
      s = end(s, "failed", `failed (${s.failed}) > failureLimit (${failureLimit}): ${reason}`);
    else if (s.consecutiveErrors > consecutiveErrorLimit) {
      s = end(
        s,
        "error",
        `consecutive errors (${s.consecutiveErrors}) > consecutiveErrorLimit (${consecutiveErrorLimit}): ${reason}`,
      );
    } else if (s.inconclusive > inconclusiveLimit) {
      s = end(
        s,
        "inconclusive",
        `${s.inconclusive} of ${s.measurements} ${looks(s.measurements)} inconclusive, more than inconclusiveLimit ${inconclusiveLimit} (last: ${reason})`,
      );
    } else if (o.kind === "judged" && o.result.final && o.result.verdict === "pass") {
      s = end(s, "successful", `decided early: ${reason}`);
    } else if (count !== undefined && s.measurements >= count) {
      s =
        s.successful === 0
          ? end(
              s,
              "inconclusive",
              `none of the ${s.measurements} ${looks(s.measurements)} was conclusive (${s.inconclusive} inconclusive, ${s.errors} query ${s.errors === 1 ? "error" : "errors"}; last: ${reason})`,
            )
          : end(
              s,
              "successful",
              `all ${count} measurements taken without tripping a limit (${s.successful} passed, ${s.inconclusive} inconclusive)`,
            );
    }
  }
  if (s.phase !== "running") reason = s.message;
  return { state: s, decision: decisionFor(s.phase), reason };
}

const looks = (n: number): string => (n === 1 ? "look" : "looks");

function end(s: AnalysisState, phase: AnalysisPhase, message: string): AnalysisState {
  return { ...s, phase, message };
}

function decisionFor(phase: AnalysisPhase): AnalysisDecision {
  switch (phase) {
    case "running":
      return "continue";
    case "successful":
      return "promote";
    case "inconclusive":
      return "pause";
    default:
      return "rollback";
  }
}

/**
 * One look's outcome: a query error if any measurement of either sample failed (so errors count
 * toward consecutiveErrorLimit instead of reaching the judge), else the judge's ruling.
 */
export function judgeOutcome<S>(
  judge: Judge<S>,
  spec: S,
  baseline: Sample,
  canary: Sample,
  at: Date,
): AnalysisOutcome {
  const failures = [baseline, canary].flatMap((sample) =>
    Object.entries(sample.metrics)
      .filter(([, m]) => m.phase === "error")
      .map(
        ([name, m]) =>
          `${sample.version ?? (sample === canary ? "canary" : "baseline")}.${name}: ${m.error ?? "error"}`,
      ),
  );
  if (failures.length > 0) return { kind: "error", error: failures.join("; "), at };
  return { kind: "judged", result: judge.decide(baseline, canary, spec), at };
}
