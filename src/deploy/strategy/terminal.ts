/**
 * The ends of a rollout. A terminal state is persisted before its actions run, so a controller that
 * died in between finds the end recorded but perhaps not done: `resumeTerminal` does it again.
 */
import { record, setWeights, type Ctx } from "./common";
import type { EpochMs, RolloutStateBase } from "./types";

/**
 * Ends the rollout as completed: the old stable (kept warm until now) is stopped and the new version is
 * reported stable. Only here, after the watch window, so a version rolled back during it never counts
 * as a successful deployment.
 */
export function completeRollout<S extends RolloutStateBase & { scaleDownAt: EpochMs | null }>(
  ctx: Ctx<S>,
): void {
  if (ctx.stable !== null) {
    delete ctx.state.desired[ctx.stable];
    ctx.actions.push({ type: "stopVersion", version: ctx.stable, drainMs: ctx.safety.drainMs });
  }
  ctx.state.scaleDownAt = null;
  ctx.state.phase = "completed";
  ctx.actions.push({ type: "promote", version: ctx.candidate });
  record(
    ctx,
    "completed",
    `${ctx.candidate} is stable${ctx.stable === null ? "" : `; ${ctx.stable} stopped`}`,
  );
}

/**
 * Re-applies a finished rollout's end state after a restart: the final split, the header routes
 * removed, the version that lost stopped, and the outcome reported again (all idempotent).
 */
export function resumeTerminal<S extends RolloutStateBase>(ctx: Ctx<S>, routeNames: string[]): void {
  const st = ctx.state;
  record(ctx, "resumed", `controller restarted; re-applying the end of the rollout (${st.phase})`);
  // Deployments first: instances may have died with the controller, and traffic needs somewhere to go.
  for (const [version, instances] of Object.entries(st.desired)) {
    ctx.actions.push({ type: "deployVersion", version, instances });
  }
  setWeights(ctx, st.weights, true);
  for (const name of routeNames) {
    ctx.actions.push({ type: "setHeaderRoute", name, version: ctx.candidate, match: null });
  }
  const drainMs = ctx.safety.drainMs;
  if (st.phase === "completed") {
    if (ctx.stable !== null) ctx.actions.push({ type: "stopVersion", version: ctx.stable, drainMs });
    ctx.actions.push({ type: "promote", version: ctx.candidate });
    return;
  }
  // A failed rollback left traffic where it was: stopping the candidate would drop it.
  if (st.phase !== "failed") ctx.actions.push({ type: "stopVersion", version: ctx.candidate, drainMs });
  ctx.actions.push({ type: "abort", reason: st.reason ?? st.phase, stable: ctx.stable });
}
