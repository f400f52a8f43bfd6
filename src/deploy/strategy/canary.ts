/**
 * Canary: the new version takes a growing share of traffic through `setWeight`, `pause`, `analysis`,
 * `approval` and `setHeaderRoute` steps (Argo Rollouts' canary steps), with an optional background
 * analysis over the whole rollout. Any trigger (failed analysis, consecutive failed health checks, a
 * crash loop, a timeout) returns all traffic to stable and stops the canary. Pure: see `decideCanary`.
 */
import {
  beginDecision,
  finishDecision,
  phaseNow,
  readyCount,
  readyOf,
  record,
  setWeights,
  splitWeights,
  stopReason,
  takeCommands,
  type Ctx,
} from "./common";
import {
  applyPromote,
  checkAnalyses,
  enterFull,
  enterStep,
  progressSteps,
  stepAnalysisTimeout,
} from "./canary-steps";
import { beginRollback, checkTriggers, initialBase, progressRollback, resumeCommon, shift } from "./safety";
import { completeRollout, resumeTerminal } from "./terminal";
import type {
  Decision,
  EpochMs,
  HeaderRouteMatch,
  Observations,
  RolloutStateBase,
  SafetySpec,
} from "./types";
import { isTerminalPhase } from "./types";
import { checkStateShape, validateCanarySpec } from "./validate";

/** One canary step, as in Argo Rollouts (`setWeight: 20`, `pause: {duration: 60}`, `pause: {}`…). */
export type CanaryStep =
  /** Send `weight` percent (0–100) to the canary once enough canary instances are ready. */
  | { type: "setWeight"; weight: number }
  /** Wait `durationMs`, or until promoted when it is absent. */
  | { type: "pause"; durationMs?: number }
  /** Run an analysis and wait for its verdict (blocking): fail rolls back, inconclusive holds. */
  | { type: "analysis"; analysis: string; timeoutMs?: number }
  /** Wait for a named approval; a rejection aborts, a timeout (when set) rolls back. */
  | { type: "approval"; name: string; timeoutMs?: number }
  /** Route requests matching a header to the canary whatever the weights (`match: null` removes it). */
  | { type: "setHeaderRoute"; name: string; match: HeaderRouteMatch | null };

export interface CanarySpec extends SafetySpec {
  /** Selects this strategy. */
  strategy: "canary";
  /** The version serving now; null on a first deployment (which goes straight to full size). */
  stable: string | null;
  /** The version being rolled out. */
  canary: string;
  /** Full size of a version; the canary runs ceil(instances × weight) of them, at least one. */
  instances: number;
  /** Run in order; after the last one the canary is promoted (scaled to full size, all traffic). */
  steps: CanaryStep[];
  /** An analysis that runs from `startingStep` (default 0) until promotion; fail rolls back. */
  backgroundAnalysis?: { analysis: string; startingStep?: number };
  /** How long stable stays warm after promotion so a rollback is a switch (default 30 s). */
  scaleDownDelayMs?: number;
}

/** What the current step waits for. */
export type CanaryStepProgress =
  /** Enough canary instances to be ready for `weight`, then the weight is applied. */
  | { kind: "ready"; weight: number; deadline: EpochMs }
  /** The pause end (null: until promoted). */
  | { kind: "pause"; until: EpochMs | null }
  | { kind: "analysis"; runId: string; deadline: EpochMs }
  | { kind: "approval"; requestId: string; name: string; deadline: EpochMs | null }
  /** The canary at full size before it takes all traffic. */
  | { kind: "full"; deadline: EpochMs }
  /** The step is finished; the next one starts. */
  | { kind: "done" };

export interface CanaryState extends RolloutStateBase {
  /** Which strategy this state belongs to (checked on every decide). */
  strategy: "canary";
  /** Index of the current step; `steps.length` once all are done; -1 before the start. */
  stepIndex: number;
  /** What the current step waits for; null before the start and after promotion. */
  step: CanaryStepProgress | null;
  /** Progress stops until `promote` after an inconclusive analysis. */
  hold: { reason: string; source: "step" | "background" } | null;
  /** After a restart found the canary not ready: its traffic went to stable until it is ready again. */
  restore: { weight: number; deadline: EpochMs } | null;
  /** The background analysis run in progress, if any. */
  backgroundRunId: string | null;
  /** The background analysis ended with a pass and is not restarted. */
  backgroundPassed: boolean;
  /** When stable is stopped after promotion. */
  scaleDownAt: EpochMs | null;
}

export type CanaryCtx = Ctx<CanaryState>;

export function initialCanaryState(now: EpochMs, spec: CanarySpec): CanaryState {
  const base = initialBase(now, spec);
  return {
    ...base,
    strategy: "canary",
    stepIndex: -1,
    step: null,
    hold: null,
    restore: null,
    backgroundRunId: null,
    backgroundPassed: false,
    scaleDownAt: null,
  };
}

/**
 * Decides the next canary move. Order matters: stopping commands and safety triggers are looked at
 * before a `promote`, so a promotion can never race a failing canary past a rollback.
 */
export function decideCanary(
  spec: CanarySpec,
  state: CanaryState,
  obs: Observations,
  now: EpochMs,
): Decision<CanaryState> {
  validateCanarySpec(spec);
  checkStateShape(state, "canary");
  const ctx = beginDecision(state, obs, now, {
    stable: spec.stable,
    candidate: spec.canary,
    instances: spec.instances,
    safety: spec,
  });
  run(ctx, spec);
  const st = ctx.state;
  const step = st.step;
  return finishDecision(ctx, [
    step !== null && "deadline" in step ? step.deadline : null,
    step?.kind === "pause" ? step.until : null,
    st.restore?.deadline,
    st.scaleDownAt,
  ]);
}

function run(ctx: CanaryCtx, spec: CanarySpec): void {
  const st = ctx.state;
  if (isTerminalPhase(st.phase)) {
    if (ctx.obs.resumed) resumeTerminal(ctx, routeNames(spec));
    return;
  }
  if (ctx.obs.resumed && st.phase !== "pending" && resumeCanary(ctx, spec)) return;
  if (st.phase === "pending") return startCanary(ctx, spec);
  if (st.phase === "rollingBack") return progressRollback(ctx);
  const { stop, promote } = takeCommands(ctx);
  if (stop !== null)
    return beginRollback(ctx, stopReason(stop), stop.type === "abort" ? "aborted" : "rolledBack");
  const fired = checkTriggers(ctx) ?? checkAnalyses(ctx);
  if (fired !== null) return beginRollback(ctx, fired, "rolledBack");
  if (st.phase === "promoted") return progressPromoted(ctx);
  if (promote !== null) applyPromote(ctx, spec, promote.full);
  const phase = phaseNow(ctx);
  if (phase === "promoted" || phase === "rollingBack") return;
  if (!restoreTraffic(ctx)) return;
  progressSteps(ctx, spec);
}

function startCanary(ctx: CanaryCtx, spec: CanarySpec): void {
  record(ctx, "started", `canary ${spec.canary} against ${spec.stable ?? "no stable version"}`);
  // As Argo does for an initial deployment: with nothing to compare against, steps make no sense.
  if (spec.stable === null) return enterFull(ctx);
  ctx.state.phase = "progressing";
  enterStep(ctx, spec, 0);
  progressSteps(ctx, spec);
}

function progressPromoted(ctx: CanaryCtx): void {
  const st = ctx.state;
  if (st.scaleDownAt !== null && ctx.now < st.scaleDownAt) return;
  completeRollout(ctx);
}

/**
 * Waits for the canary to be ready again after a restart that found it short (its traffic went to
 * stable meanwhile). Returns true when steps may go on.
 */
function restoreTraffic(ctx: CanaryCtx): boolean {
  const st = ctx.state;
  if (st.restore === null) return true;
  const needed = st.desired[ctx.candidate] ?? 1;
  if (readyCount(ctx, ctx.candidate) >= needed) {
    setWeights(ctx, splitWeights(ctx, st.restore.weight));
    st.restore = null;
    return true;
  }
  if (ctx.now >= st.restore.deadline) {
    beginRollback(
      ctx,
      `canary ${ctx.candidate} not ready again after the controller restarted`,
      "rolledBack",
    );
  }
  return false;
}

/**
 * The first call after a restart: re-assert the world, restart analyses with fresh ids, and never put
 * traffic back on a canary that is not ready. Returns true when the decision is complete.
 */
function resumeCanary(ctx: CanaryCtx, spec: CanarySpec): boolean {
  const { gap, renamed, rolledBack } = resumeCommon(ctx);
  if (rolledBack) return true;
  const st = ctx.state;
  if (st.backgroundRunId !== null) st.backgroundRunId = renamed[st.backgroundRunId] ?? null;
  st.scaleDownAt = shift(st.scaleDownAt, gap);
  if (st.restore !== null) st.restore.deadline += gap;
  resumeStep(ctx, spec, gap, renamed);
  if (st.phase === "rollingBack") {
    setWeights(ctx, st.weights, true);
    return false;
  }
  const weight = st.weights[ctx.candidate] ?? 0;
  const needed = st.desired[ctx.candidate] ?? 0;
  const ready = readyOf(ctx, ctx.candidate);
  if (st.phase === "promoted" && ready === 0) {
    // Nothing of it serves and stable is warm: switching back is the only way to serve at all.
    beginRollback(ctx, `${ctx.candidate} not serving after the controller restarted`, "rolledBack");
    return true;
  }
  if (st.phase !== "promoted" && weight > 0 && ready !== null && ready < needed) {
    st.restore = { weight: st.restore?.weight ?? weight, deadline: ctx.now + ctx.safety.readyTimeoutMs };
    setWeights(ctx, splitWeights(ctx, 0));
    record(
      ctx,
      "hold",
      `canary ${ctx.candidate} has ${ready}/${needed} ready: traffic on stable until it is`,
    );
  } else {
    setWeights(ctx, st.weights, true);
  }
  return false;
}

function resumeStep(ctx: CanaryCtx, spec: CanarySpec, gap: number, renamed: Record<string, string>): void {
  const step = ctx.state.step;
  if (step === null) return;
  switch (step.kind) {
    case "pause":
      step.until = shift(step.until, gap);
      return;
    case "analysis":
      // The run restarts from nothing, so it gets its whole time again.
      step.runId = renamed[step.runId] ?? step.runId;
      step.deadline = ctx.now + stepAnalysisTimeout(ctx, spec);
      return;
    case "approval":
      step.deadline = shift(step.deadline, gap);
      ctx.actions.push({
        type: "awaitApproval",
        requestId: step.requestId,
        name: step.name,
        version: ctx.candidate,
      });
      return;
    case "ready":
    case "full":
      step.deadline += gap;
      return;
    case "done":
      return;
  }
}

/** Header route names a spec may have set, so a resumed terminal state can make sure they are gone. */
function routeNames(spec: CanarySpec): string[] {
  const names: string[] = [];
  for (const s of spec.steps) if (s.type === "setHeaderRoute") names.push(s.name);
  return names;
}
