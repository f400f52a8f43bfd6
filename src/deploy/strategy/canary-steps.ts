/**
 * The canary's step machine: entering a step starts what it waits for, progressing it checks whether
 * that arrived. Split by step kind so no function grows into a flagger-style `advanceCanary`.
 */
import type { CanaryCtx, CanarySpec, CanaryStep } from "./canary";
import {
  clearHeaderRoutes,
  readyCount,
  record,
  scaleTo,
  setWeights,
  splitWeights,
  startAnalysis,
  stopAllAnalyses,
  stopAnalysis,
  verdictFor,
} from "./common";
import { beginRollback, formatMs } from "./safety";
import { completeRollout } from "./terminal";
import type { HeaderRouteMatch, RolloutPhase } from "./types";

/** As Argo's `scaleDownDelaySeconds` default: long enough to switch back, short enough not to cost much. */
export const DEFAULT_SCALE_DOWN_DELAY_MS = 30_000;

/** The phase that shows what a step waits for. */
export function phaseOf(kind: string | undefined): RolloutPhase {
  if (kind === "pause") return "paused";
  if (kind === "approval") return "awaitingApproval";
  if (kind === "full") return "promoting";
  return "progressing";
}

/** Canary instances for a weight: proportional, at least one while the rollout runs. */
export function canaryInstancesFor(spec: CanarySpec, weight: number): number {
  if (weight >= 100) return spec.instances;
  return Math.max(1, Math.ceil((spec.instances * weight) / 100));
}

/** The current analysis step's own timeout, else the rollout's. */
export function stepAnalysisTimeout(ctx: CanaryCtx, spec: CanarySpec): number {
  const step = spec.steps[ctx.state.stepIndex];
  return (step?.type === "analysis" ? step.timeoutMs : undefined) ?? ctx.safety.analysisTimeoutMs;
}

function describeStep(step: CanaryStep): string {
  switch (step.type) {
    case "setWeight":
      return `setWeight ${step.weight}%`;
    case "pause":
      return step.durationMs === undefined ? "pause until promoted" : `pause ${formatMs(step.durationMs)}`;
    case "analysis":
      return `analysis ${step.analysis}`;
    case "approval":
      return `approval ${step.name}`;
    case "setHeaderRoute":
      return step.match === null
        ? `remove header route ${step.name}`
        : `header route ${step.name} (${step.match.header}: ${step.match.value})`;
  }
}

/** Starts step `index` (or full promotion past the last step). */
export function enterStep(ctx: CanaryCtx, spec: CanarySpec, index: number): void {
  const st = ctx.state;
  st.stepIndex = index;
  maybeStartBackground(ctx, spec);
  const step = spec.steps[index];
  if (step === undefined) return enterFull(ctx);
  record(ctx, "step", `step ${index + 1}/${spec.steps.length}: ${describeStep(step)}`);
  st.phase = "progressing";
  switch (step.type) {
    case "setWeight": {
      const needed = canaryInstancesFor(spec, step.weight);
      if ((st.desired[ctx.candidate] ?? 0) < needed) scaleTo(ctx, ctx.candidate, needed);
      st.step = { kind: "ready", weight: step.weight, deadline: ctx.now + ctx.safety.readyTimeoutMs };
      return;
    }
    case "pause":
      st.phase = "paused";
      st.step = { kind: "pause", until: step.durationMs === undefined ? null : ctx.now + step.durationMs };
      return;
    case "analysis": {
      const runId = startAnalysis(ctx, step.analysis, "step", `step${index}`);
      st.step = { kind: "analysis", runId, deadline: ctx.now + stepAnalysisTimeout(ctx, spec) };
      return;
    }
    case "approval": {
      st.phase = "awaitingApproval";
      const requestId = `step${index}`;
      ctx.actions.push({ type: "awaitApproval", requestId, name: step.name, version: ctx.candidate });
      const deadline = step.timeoutMs === undefined ? null : ctx.now + step.timeoutMs;
      st.step = { kind: "approval", requestId, name: step.name, deadline };
      return;
    }
    case "setHeaderRoute":
      setHeaderRoute(ctx, step.name, step.match);
      st.step = { kind: "done" };
      return;
  }
}

function setHeaderRoute(ctx: CanaryCtx, name: string, match: HeaderRouteMatch | null): void {
  if (match === null) delete ctx.state.headerRoutes[name];
  else ctx.state.headerRoutes[name] = { version: ctx.candidate, match };
  ctx.actions.push({ type: "setHeaderRoute", name, version: ctx.candidate, match });
}

/** Skips the remaining steps: the canary grows to full size, then takes all traffic. */
export function enterFull(ctx: CanaryCtx): void {
  const st = ctx.state;
  st.phase = "promoting";
  st.hold = null;
  scaleTo(ctx, ctx.candidate, ctx.instances);
  st.step = { kind: "full", deadline: ctx.now + ctx.safety.readyTimeoutMs };
  record(ctx, "step", `promoting ${ctx.candidate}: scaling to ${ctx.instances} before taking all traffic`);
}

function maybeStartBackground(ctx: CanaryCtx, spec: CanarySpec): void {
  const st = ctx.state;
  const bg = spec.backgroundAnalysis;
  if (bg === undefined || ctx.stable === null || st.backgroundPassed || st.backgroundRunId !== null) return;
  if (st.hold?.source === "background" || st.stepIndex < (bg.startingStep ?? 0)) return;
  st.backgroundRunId = startAnalysis(ctx, bg.analysis, "background", "bg");
}

/** Works through steps until one has to wait (or the rollout ends); bounded by the step count. */
export function progressSteps(ctx: CanaryCtx, spec: CanarySpec): void {
  const st = ctx.state;
  for (let guard = 0; guard <= spec.steps.length + 1; guard++) {
    if (st.hold !== null || st.step === null || !progressStep(ctx, spec)) return;
    if (st.phase !== "progressing" && st.phase !== "paused" && st.phase !== "awaitingApproval") return;
    enterStep(ctx, spec, st.stepIndex + 1);
  }
}

/** True when the current step is finished. May roll back or promote instead. */
function progressStep(ctx: CanaryCtx, spec: CanarySpec): boolean {
  const st = ctx.state;
  const step = st.step;
  switch (step?.kind) {
    case "done":
      return true;
    case "ready":
      return progressReady(ctx, spec, step.weight, step.deadline);
    case "pause":
      if (step.until === null || ctx.now < step.until) return false;
      record(ctx, "step", "pause ended");
      return true;
    case "analysis":
      return progressAnalysis(ctx, spec, step.runId, step.deadline);
    case "approval":
      return progressApproval(ctx, step.requestId, step.name, step.deadline);
    case "full":
      progressFull(ctx, spec, step.deadline);
      return false;
    default:
      return false;
  }
}

function progressReady(ctx: CanaryCtx, spec: CanarySpec, weight: number, deadline: number): boolean {
  const needed = canaryInstancesFor(spec, weight);
  const ready = readyCount(ctx, ctx.candidate);
  if (ready >= needed) {
    setWeights(ctx, splitWeights(ctx, weight));
    // Shrinking happens only after the traffic left, so no request meets a draining instance first.
    if ((ctx.state.desired[ctx.candidate] ?? 0) > needed) scaleTo(ctx, ctx.candidate, needed);
    return true;
  }
  if (ctx.now >= deadline) {
    const why = `canary ${ctx.candidate} had ${ready}/${needed} instances ready after ${formatMs(ctx.safety.readyTimeoutMs)}`;
    record(ctx, "timeout", why);
    beginRollback(ctx, why, "rolledBack");
  }
  return false;
}

function progressAnalysis(ctx: CanaryCtx, spec: CanarySpec, runId: string, deadline: number): boolean {
  const verdict = verdictFor(ctx, runId);
  if (verdict?.verdict === "pass") {
    record(ctx, "analysis", `step analysis passed${verdict.reason ? `: ${verdict.reason}` : ""}`);
    stopAnalysis(ctx, runId);
    return true;
  }
  if (verdict?.verdict === "inconclusive") {
    stopAnalysis(ctx, runId);
    hold(ctx, "step", `step analysis inconclusive${verdict.reason ? `: ${verdict.reason}` : ""}`);
    return false;
  }
  // A fail was handled by checkAnalyses before steps run.
  if (ctx.now >= deadline) {
    const why = `step analysis gave no verdict within ${formatMs(stepAnalysisTimeout(ctx, spec))}`;
    record(ctx, "timeout", why);
    beginRollback(ctx, why, "rolledBack");
  }
  return false;
}

function progressApproval(ctx: CanaryCtx, requestId: string, name: string, deadline: number | null): boolean {
  const answers = (ctx.obs.approvals ?? []).filter((a) => a.requestId === requestId);
  const answer = answers[answers.length - 1];
  if (answer?.approved === true) {
    record(ctx, "approval", `${name} approved by ${answer.by}`);
    return true;
  }
  if (answer?.approved === false) {
    record(ctx, "approval", `${name} rejected by ${answer.by}`);
    beginRollback(ctx, `approval ${name} rejected by ${answer.by}`, "aborted");
    return false;
  }
  if (deadline !== null && ctx.now >= deadline) {
    record(ctx, "timeout", `approval ${name} not given in time`);
    beginRollback(ctx, `approval ${name} not given in time`, "rolledBack");
  }
  return false;
}

function progressFull(ctx: CanaryCtx, spec: CanarySpec, deadline: number): void {
  const ready = readyCount(ctx, ctx.candidate);
  if (ready >= ctx.instances) return switchToCanary(ctx, spec);
  if (ctx.now < deadline) return;
  const why = `${ctx.candidate} had ${ready}/${ctx.instances} instances ready after ${formatMs(ctx.safety.readyTimeoutMs)}`;
  record(ctx, "timeout", why);
  beginRollback(ctx, why, "rolledBack");
}

/** All traffic to the canary in one router update; stable stays warm for the scale-down delay. */
function switchToCanary(ctx: CanaryCtx, spec: CanarySpec): void {
  const st = ctx.state;
  setWeights(ctx, splitWeights(ctx, 100));
  stopAllAnalyses(ctx);
  st.backgroundRunId = null;
  clearHeaderRoutes(ctx);
  st.step = null;
  st.phase = "promoted";
  record(ctx, "promoted", `${ctx.candidate} takes all traffic`);
  // The delay keeps stable warm so a rollback is a switch; with no stable there is nothing to keep
  // warm and nothing to switch back to, so a first deployment is done once it takes the traffic.
  if (ctx.stable === null) return completeRollout(ctx);
  st.scaleDownAt = ctx.now + (spec.scaleDownDelayMs ?? DEFAULT_SCALE_DOWN_DELAY_MS);
}

function hold(ctx: CanaryCtx, source: "step" | "background", reason: string): void {
  ctx.state.hold = { reason, source };
  ctx.state.phase = "paused";
  record(ctx, "hold", `${reason}; waiting for promote or abort`);
}

/**
 * Analysis verdicts that stop or hold the rollout, looked at before any promote: a failed inline or
 * background analysis returns a rollback reason; an inconclusive background one holds.
 */
export function checkAnalyses(ctx: CanaryCtx): string | null {
  const st = ctx.state;
  const step = st.step;
  const inline = step?.kind === "analysis" ? verdictFor(ctx, step.runId) : null;
  if (inline?.verdict === "fail") return `step analysis failed${inline.reason ? `: ${inline.reason}` : ""}`;
  const bg = verdictFor(ctx, st.backgroundRunId);
  if (bg === null || st.backgroundRunId === null) return null;
  if (bg.verdict === "fail") return `background analysis failed${bg.reason ? `: ${bg.reason}` : ""}`;
  stopAnalysis(ctx, st.backgroundRunId);
  st.backgroundRunId = null;
  if (bg.verdict === "pass") {
    st.backgroundPassed = true;
    record(ctx, "analysis", "background analysis passed");
  } else {
    hold(ctx, "background", `background analysis inconclusive${bg.reason ? `: ${bg.reason}` : ""}`);
  }
  return null;
}

/** `promote`: past the current pause, analysis or approval, or out of a hold; `--full`: to the end. */
export function applyPromote(ctx: CanaryCtx, spec: CanarySpec, full: boolean): void {
  const st = ctx.state;
  const step = st.step;
  if (full) {
    if (step?.kind === "full") return;
    if (step?.kind === "analysis") stopAnalysis(ctx, step.runId);
    return enterFull(ctx);
  }
  if (st.hold !== null) {
    const source = st.hold.source;
    st.hold = null;
    st.phase = phaseOf(step?.kind);
    if (source === "step") st.step = { kind: "done" };
    else maybeStartBackground(ctx, spec);
    return;
  }
  if (step?.kind === "pause" || step?.kind === "analysis" || step?.kind === "approval") {
    if (step.kind === "analysis") stopAnalysis(ctx, step.runId);
    record(ctx, "step", `step ${st.stepIndex + 1} skipped by promote`);
    st.step = { kind: "done" };
    return;
  }
  record(ctx, "command", "promote ignored: the current step waits for instances, not for a person");
}
