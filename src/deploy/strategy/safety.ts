/**
 * Rollback triggers, rollback itself, and what every strategy does after a controller restart. The
 * invariant these keep: traffic is only ever on the new version while a decide loop watches it, and
 * every way out of a rollout that is not a promotion ends with all traffic on stable.
 */
import { checkResources } from "./resources";
import {
  clearHeaderRoutes,
  readyOf,
  record,
  scaleTo,
  setWeights,
  startAnalysis,
  stopAllAnalyses,
  stopVersion,
  type Ctx,
} from "./common";
import type { EpochMs, RolloutStateBase } from "./types";

/** `1m30s`, `12s`, `250ms`: durations in timeline messages. */
export function formatMs(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)}ms`;
  const s = Math.round(ms / 1000);
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  return s % 60 === 0 ? `${m}m` : `${m}m${s % 60}s`;
}

/**
 * Feeds this call's health results and restart counts of the new version into the counters. Returns a
 * rollback reason when a trigger fires, else null. Health of other versions is not the new version's
 * fault and does not count.
 */
export function checkTriggers<S extends RolloutStateBase>(ctx: Ctx<S>): string | null {
  return checkHealth(ctx) ?? checkCrashes(ctx) ?? checkResources(ctx);
}

function checkHealth<S extends RolloutStateBase>(ctx: Ctx<S>): string | null {
  const limit = ctx.safety.healthFailureThreshold;
  const c = ctx.state.counters;
  let fired: string | null = null;
  for (const h of ctx.obs.health ?? []) {
    if (h.version !== ctx.candidate) continue;
    if (h.ok) {
      if (c.consecutiveHealthFailures > 0) record(ctx, "health", `${h.version} healthy again`);
      c.consecutiveHealthFailures = 0;
      continue;
    }
    c.consecutiveHealthFailures += 1;
    record(ctx, "health", `${h.version} health check failed${h.error ? `: ${h.error}` : ""}`);
    if (limit > 0 && c.consecutiveHealthFailures >= limit && fired === null) {
      fired = `${c.consecutiveHealthFailures} consecutive failed health checks of ${h.version}`;
    }
  }
  return fired;
}

function checkCrashes<S extends RolloutStateBase>(ctx: Ctx<S>): string | null {
  const status = ctx.obs.instances?.[ctx.candidate];
  if (status === undefined) return null;
  const c = ctx.state.counters;
  // The count is cumulative; a smaller one means the target itself restarted and began again at 0.
  const fresh = status.restarts >= c.restartsSeen ? status.restarts - c.restartsSeen : status.restarts;
  c.restartsSeen = status.restarts;
  if (fresh === 0) return null;
  record(ctx, "crash", `${ctx.candidate} restarted ${fresh} time(s) after crashing`);
  const limit = ctx.safety.crashLoopRestarts;
  if (limit <= 0) return null;
  for (let i = 0; i < fresh; i++) c.crashTimes.push(ctx.now);
  c.crashTimes = c.crashTimes.filter((t) => ctx.now - t <= ctx.safety.crashLoopWindowMs).slice(-limit);
  if (c.crashTimes.length < limit) return null;
  return `crash loop: ${ctx.candidate} restarted ${limit} times within ${formatMs(ctx.safety.crashLoopWindowMs)}`;
}

/**
 * Returns all traffic to stable and stops the new version. When stable cannot take the traffic yet
 * (scaled down by a rolling update, or nothing of it is ready after a restart) it is scaled back up
 * first and the rollout waits in `rollingBack`, still watched, until it is ready or the wait times out.
 */
export function beginRollback<S extends RolloutStateBase>(
  ctx: Ctx<S>,
  reason: string,
  outcome: "rolledBack" | "aborted",
): void {
  record(ctx, "rollback", reason);
  stopAllAnalyses(ctx);
  clearHeaderRoutes(ctx);
  const stable = ctx.stable;
  if (stable === null) {
    // A first deployment has nothing to return to: no traffic beats traffic to a bad version.
    setWeights(ctx, {});
    stopVersion(ctx, ctx.candidate);
    endRollout(ctx, outcome, reason);
    return;
  }
  // A stable that has been serving at full size takes the traffic at once, even short of an instance.
  const wasFull = (ctx.state.desired[stable] ?? 0) >= ctx.instances;
  scaleTo(ctx, stable, ctx.instances);
  ctx.state.phase = "rollingBack";
  ctx.state.rollback = {
    deadline: ctx.now + ctx.safety.readyTimeoutMs,
    outcome,
    reason,
    needReady: wasFull ? 1 : ctx.instances,
  };
  progressRollback(ctx, wasFull);
}

/** One step of `rollingBack`: switch once stable is ready; give up (phase `failed`) at the deadline. */
export function progressRollback<S extends RolloutStateBase>(ctx: Ctx<S>, trustUnreported = false): void {
  const rb = ctx.state.rollback;
  const stable = ctx.stable;
  if (rb === null || stable === null) return;
  const ready = readyOf(ctx, stable);
  if ((ready === null && trustUnreported) || (ready !== null && ready >= rb.needReady)) {
    setWeights(ctx, { [stable]: 100 });
    stopVersion(ctx, ctx.candidate);
    ctx.state.rollback = null;
    endRollout(ctx, rb.outcome, rb.reason);
    return;
  }
  if (ctx.now < rb.deadline) return;
  ctx.state.rollback = null;
  ctx.state.phase = "failed";
  ctx.state.reason = `${rb.reason}; ${stable} did not become ready within ${formatMs(ctx.safety.readyTimeoutMs)}, traffic left as it was`;
  record(ctx, "failed", ctx.state.reason);
  ctx.actions.push({ type: "abort", reason: ctx.state.reason, stable });
}

/** Ends a rollout that did not promote: records why and tells the controller stable is current again. */
export function endRollout<S extends RolloutStateBase>(
  ctx: Ctx<S>,
  phase: "rolledBack" | "aborted",
  reason: string,
): void {
  ctx.state.phase = phase;
  ctx.state.reason = reason;
  // The `rollback` event already said why; this one says where traffic ended up.
  const outcome =
    ctx.stable === null
      ? `${ctx.candidate} stopped; no version serves (first deployment)`
      : `all traffic back on ${ctx.stable}; ${ctx.candidate} stopped`;
  record(ctx, phase === "rolledBack" ? "rolled-back" : "aborted", outcome);
  ctx.actions.push({ type: "abort", reason, stable: ctx.stable });
}

/**
 * The first call after a restart. Re-asserts everything the last decisions asked for (deployments,
 * header routes: all idempotent), replaces every analysis run by a fresh one (the old one died with
 * the controller, and its late verdict must not decide), and shifts the rollback deadline by the time
 * nobody watched. Returns that gap and the run id renames; `rolledBack` when `onResume: rollback`
 * ended the rollout instead.
 */
export function resumeCommon<S extends RolloutStateBase>(
  ctx: Ctx<S>,
): { gap: number; renamed: Record<string, string>; rolledBack: boolean } {
  const st = ctx.state;
  const gap = Math.max(0, ctx.now - st.lastSeenAt);
  st.epoch += 1;
  record(ctx, "resumed", `controller restarted; nobody watched for ${formatMs(gap)}`);
  for (const [version, instances] of Object.entries(st.desired)) {
    ctx.actions.push({ type: "deployVersion", version, instances });
  }
  for (const [name, route] of Object.entries(st.headerRoutes)) {
    ctx.actions.push({ type: "setHeaderRoute", name, version: route.version, match: route.match });
  }
  if (st.rollback !== null) st.rollback.deadline += gap;
  const beforePromotion = st.phase !== "promoted" && st.phase !== "rollingBack" && st.phase !== "pending";
  if (ctx.safety.onResume === "rollback" && beforePromotion) {
    beginRollback(ctx, "controller restarted mid-rollout (onResume: rollback)", "rolledBack");
    return { gap, renamed: {}, rolledBack: true };
  }
  const renamed: Record<string, string> = {};
  const old = st.analyses;
  st.analyses = {};
  for (const [runId, run] of Object.entries(old)) {
    // Out-of-process analysis layers may still hold the old run: stop it so it cannot report later.
    ctx.actions.push({ type: "stopAnalysis", runId });
    renamed[runId] = startAnalysis(ctx, run.analysis, run.scope, runId.split(":")[1] ?? "run");
  }
  return { gap, renamed, rolledBack: false };
}

/** Shifts a deadline by the unwatched gap (null stays null): pauses and timeouts count watched time only. */
export function shift(deadline: EpochMs | null, gap: number): EpochMs | null {
  return deadline === null ? null : deadline + gap;
}

/** Fresh counters and bookkeeping for a new rollout state. */
export function initialBase(
  now: EpochMs,
  spec?: { stable: string | null; instances: number },
): RolloutStateBase {
  // A rollout starts with every request and the desired instances on the stable version, if any.
  const onStable = spec && spec.stable !== null;
  return {
    schema: 1,
    phase: "pending",
    epoch: 0,
    runSeq: 0,
    startedAt: now,
    lastSeenAt: now,
    weights: onStable ? { [spec.stable!]: 100 } : {},
    desired: onStable ? { [spec.stable!]: spec.instances } : {},
    headerRoutes: {},
    analyses: {},
    counters: { consecutiveHealthFailures: 0, restartsSeen: 0, crashTimes: [] },
    rollback: null,
    reason: null,
    history: [],
    historyDropped: 0,
  };
}
