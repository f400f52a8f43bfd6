/**
 * Blue-green's switch and after: green grows to full size, takes all traffic in one router update,
 * and is watched (post-promotion analysis, health, crashes) while blue stays warm; then blue stops.
 */
import type { BlueGreenCtx, BlueGreenSpec } from "./blue-green";
import { readyCount, record, scaleTo, setWeights, startAnalysis } from "./common";
import { beginRollback, formatMs } from "./safety";
import { completeRollout } from "./terminal";

/** As Argo's scaleDownDelaySeconds default. */
export const DEFAULT_SCALE_DOWN_DELAY_MS = 30_000;

/** True once `needed` green instances are ready; rolls back at the deadline. */
export function waitReady(ctx: BlueGreenCtx, needed: number): boolean {
  const ready = readyCount(ctx, ctx.candidate);
  if (ready >= needed) return true;
  if (ctx.state.deadline !== null && ctx.now >= ctx.state.deadline) {
    const why = `${ctx.candidate} had ${ready}/${needed} instances ready after ${formatMs(ctx.safety.readyTimeoutMs)}`;
    record(ctx, "timeout", why);
    beginRollback(ctx, why, "rolledBack");
  }
  return false;
}

/** Green grows to full size (if previewed smaller), then takes all traffic. */
export function beginSwitch(ctx: BlueGreenCtx, spec: BlueGreenSpec): void {
  const st = ctx.state;
  st.promoteAt = null;
  for (const runId of Object.keys(st.analyses)) {
    delete st.analyses[runId];
    ctx.actions.push({ type: "stopAnalysis", runId });
  }
  st.verify = null;
  st.phase = "promoting";
  scaleTo(ctx, ctx.candidate, ctx.instances);
  st.deadline = ctx.now + ctx.safety.readyTimeoutMs;
  if (waitReady(ctx, ctx.instances)) switchToGreen(ctx, spec);
}

export function switchToGreen(ctx: BlueGreenCtx, spec: BlueGreenSpec): void {
  const st = ctx.state;
  st.deadline = null;
  setWeights(ctx, { [ctx.candidate]: 100 });
  for (const [name, route] of Object.entries(st.headerRoutes)) {
    ctx.actions.push({ type: "setHeaderRoute", name, version: route.version, match: null });
  }
  st.headerRoutes = {};
  st.phase = "promoted";
  record(ctx, "promoted", `switched all traffic to ${ctx.candidate}`);
  startPost(ctx, spec);
}

function startPost(ctx: BlueGreenCtx, spec: BlueGreenSpec): void {
  const st = ctx.state;
  const delay = spec.scaleDownDelayMs ?? DEFAULT_SCALE_DOWN_DELAY_MS;
  if (spec.postPromotionAnalysis === undefined) {
    // No blue to keep warm on a first deployment: nothing to scale down, nothing to switch back to.
    if (ctx.stable === null) return completeRollout(ctx);
    st.scaleDownAt = ctx.now + delay;
    return;
  }
  const runId = startAnalysis(ctx, spec.postPromotionAnalysis, "postPromotion", "post");
  st.post = { runId, deadline: ctx.now + ctx.safety.analysisTimeoutMs };
  st.scaleDownAt = null;
}

export function progressPromoted(ctx: BlueGreenCtx, spec: BlueGreenSpec): void {
  const st = ctx.state;
  if (st.post !== null) {
    const verdicts = (ctx.obs.analyses ?? []).filter((a) => a.runId === st.post?.runId);
    const v = verdicts[verdicts.length - 1];
    if (v?.verdict === "fail") {
      return beginRollback(
        ctx,
        `post-promotion analysis failed${v.reason ? `: ${v.reason}` : ""}`,
        "rolledBack",
      );
    }
    if (v === undefined && ctx.now >= st.post.deadline) {
      return beginRollback(ctx, "post-promotion analysis gave no verdict in time", "rolledBack");
    }
    if (v === undefined) return;
    delete st.analyses[st.post.runId];
    ctx.actions.push({ type: "stopAnalysis", runId: st.post.runId });
    st.post = null;
    if (v.verdict === "inconclusive") {
      st.hold = `post-promotion analysis inconclusive${v.reason ? `: ${v.reason}` : ""}`;
      record(ctx, "hold", `${st.hold}; ${ctx.stable} kept warm until promote or rollback`);
      return;
    }
    record(ctx, "analysis", "post-promotion analysis passed");
    if (ctx.stable === null) return completeRollout(ctx);
    st.scaleDownAt = ctx.now + (spec.scaleDownDelayMs ?? DEFAULT_SCALE_DOWN_DELAY_MS);
  }
  if (st.scaleDownAt !== null && ctx.now >= st.scaleDownAt) completeRollout(ctx);
}
