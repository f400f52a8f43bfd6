/**
 * Rolling update for the process target: instances of the old version are replaced by the new one a
 * batch at a time, never more than `instances + maxSurge` running nor fewer than
 * `instances − maxUnavailable` ready (Kubernetes' Deployment semantics). Traffic follows the ready
 * instances, so each version's share is its share of what serves.
 */
import {
  beginDecision,
  finishDecision,
  readyCount,
  readyOf,
  record,
  scaleTo,
  setWeights,
  stopReason,
  takeCommands,
  type Ctx,
} from "./common";
import {
  beginRollback,
  checkTriggers,
  formatMs,
  initialBase,
  progressRollback,
  resumeCommon,
  shift,
} from "./safety";
import { completeRollout, resumeTerminal } from "./terminal";
import type { Decision, EpochMs, Observations, RolloutStateBase, SafetySpec, Weights } from "./types";
import { isTerminalPhase } from "./types";
import { checkStateShape, resolveBudget, validateRollingSpec } from "./validate";

export interface RollingSpec extends SafetySpec {
  /** Selects this strategy. */
  strategy: "rolling";
  /** The version serving now; null on a first deployment. */
  stable: string | null;
  /** The version replacing it. */
  next: string;
  /** Instances of the service. */
  instances: number;
  /** Extra instances allowed during the update: a count or a percentage of `instances` (default "25%", rounded up). */
  maxSurge?: number | string;
  /** Instances that may be missing during the update: a count or a percentage (default "25%", rounded down). */
  maxUnavailable?: number | string;
}

export interface RollingState extends RolloutStateBase {
  /** Which strategy this state belongs to (checked on every decide). */
  strategy: "rolling";
  /** When the instances of the current batch must be ready. */
  batchDeadline: EpochMs | null;
  /** Batches started so far (for the timeline). */
  batches: number;
  /** Always null: a rolling update keeps nothing warm (present for the shared completion). */
  scaleDownAt: EpochMs | null;
}

type RollingCtx = Ctx<RollingState>;

export function initialRollingState(now: EpochMs, spec: RollingSpec): RollingState {
  const base = initialBase(now, spec);
  return { ...base, strategy: "rolling", batchDeadline: null, batches: 0, scaleDownAt: null };
}

/** Surge and unavailability budgets; as Kubernetes, both 0 after rounding means one may be missing. */
export function rollingBudgets(spec: RollingSpec): { surge: number; unavailable: number } {
  const surge = resolveBudget(spec.maxSurge, spec.instances, "up") ?? 0;
  const unavailable = resolveBudget(spec.maxUnavailable, spec.instances, "down") ?? 0;
  return surge === 0 && unavailable === 0 ? { surge, unavailable: 1 } : { surge, unavailable };
}

export function decideRolling(
  spec: RollingSpec,
  state: RollingState,
  obs: Observations,
  now: EpochMs,
): Decision<RollingState> {
  validateRollingSpec(spec);
  checkStateShape(state, "rolling");
  const ctx = beginDecision(state, obs, now, {
    stable: spec.stable,
    candidate: spec.next,
    instances: spec.instances,
    safety: spec,
  });
  run(ctx, spec);
  return finishDecision(ctx, [ctx.state.batchDeadline]);
}

function run(ctx: RollingCtx, spec: RollingSpec): void {
  const st = ctx.state;
  if (isTerminalPhase(st.phase)) {
    if (ctx.obs.resumed) resumeTerminal(ctx, []);
    return;
  }
  if (ctx.obs.resumed && st.phase !== "pending" && resumeRolling(ctx)) return;
  if (st.phase === "pending") {
    record(ctx, "started", `rolling update from ${spec.stable ?? "nothing"} to ${spec.next}`);
    st.phase = "progressing";
    return progress(ctx, spec);
  }
  if (st.phase === "rollingBack") return progressRollback(ctx);
  const { stop, promote } = takeCommands(ctx);
  if (stop !== null)
    return beginRollback(ctx, stopReason(stop), stop.type === "abort" ? "aborted" : "rolledBack");
  const fired = checkTriggers(ctx);
  if (fired !== null) return beginRollback(ctx, fired, "rolledBack");
  if (promote?.full === true && (st.desired[spec.next] ?? 0) < spec.instances) {
    // Everything new at once, the old version kept until it is ready: a surge to double size.
    startBatch(ctx, spec.instances);
  } else if (promote !== null) {
    record(
      ctx,
      "command",
      "promote ignored: a rolling update has no pause; use --full to replace all at once",
    );
  }
  progress(ctx, spec);
}

/** Runs batches until one has to wait for instances; bounded, since each pass changes a count. */
function progress(ctx: RollingCtx, spec: RollingSpec): void {
  for (let guard = 0; guard <= 2 * spec.instances + 2; guard++) {
    if (!progressOnce(ctx, spec)) return;
  }
}

/** One batch decision. Returns true when it changed something and may continue at once. */
function progressOnce(ctx: RollingCtx, spec: RollingSpec): boolean {
  const st = ctx.state;
  const n = spec.instances;
  const want = st.desired[spec.next] ?? 0;
  const ready = Math.min(readyCount(ctx, spec.next), want);
  if (ready < want) {
    if (st.batchDeadline !== null && ctx.now >= st.batchDeadline) {
      const why = `${spec.next} had ${ready}/${want} instances ready after ${formatMs(ctx.safety.readyTimeoutMs)}`;
      record(ctx, "timeout", why);
      beginRollback(ctx, why, "rolledBack");
    }
    return false;
  }
  const old = spec.stable === null ? 0 : (st.desired[spec.stable] ?? 0);
  if (ready >= n && old === 0) {
    finish(ctx, spec);
    return false;
  }
  const { surge, unavailable } = rollingBudgets(spec);
  const oldTarget = Math.min(old, Math.max(0, n - unavailable - ready));
  const newTarget = Math.max(want, Math.min(n, n + surge - oldTarget));
  // Traffic first, so the instances about to drain are already losing their share.
  if (spec.stable !== null) setWeights(ctx, shareOf(spec.stable, spec.next, ready, oldTarget));
  if (spec.stable !== null && oldTarget < old) scaleTo(ctx, spec.stable, oldTarget);
  if (newTarget > want) startBatch(ctx, newTarget);
  return oldTarget < old || newTarget > want;
}

function startBatch(ctx: RollingCtx, newTarget: number): void {
  const st = ctx.state;
  st.batches += 1;
  record(ctx, "step", `batch ${st.batches}: ${ctx.candidate} to ${newTarget} instance(s)`);
  scaleTo(ctx, ctx.candidate, newTarget);
  st.batchDeadline = ctx.now + ctx.safety.readyTimeoutMs;
}

/** Each version's share of the instances serving. */
function shareOf(stable: string, next: string, readyNew: number, old: number): Weights {
  // Both at zero only happens with maxUnavailable at 100 %: the user accepted a gap; point at the new one.
  if (readyNew + old === 0) return { [next]: 100 };
  const share = Math.round((100 * readyNew) / (readyNew + old));
  return { [next]: share, [stable]: 100 - share };
}

function finish(ctx: RollingCtx, spec: RollingSpec): void {
  ctx.state.batchDeadline = null;
  setWeights(ctx, { [spec.next]: 100 });
  record(ctx, "promoted", `${spec.next} serves on all ${spec.instances} instance(s)`);
  completeRollout(ctx);
}

/** After a restart: weights follow what is actually ready now, so nothing routes to a lost instance. */
function resumeRolling(ctx: RollingCtx): boolean {
  const { gap, rolledBack } = resumeCommon(ctx);
  if (rolledBack) return true;
  const st = ctx.state;
  st.batchDeadline = shift(st.batchDeadline, gap);
  if (st.phase === "rollingBack" || ctx.stable === null) {
    setWeights(ctx, st.weights, true);
    return false;
  }
  const observed = readyOf(ctx, ctx.candidate);
  const want = st.desired[ctx.candidate] ?? 0;
  const readyNew = observed === null ? want : Math.min(observed, want);
  setWeights(ctx, shareOf(ctx.stable, ctx.candidate, readyNew, st.desired[ctx.stable] ?? 0), true);
  return false;
}
