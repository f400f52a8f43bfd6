/**
 * Blue-green (Argo Rollouts' blueGreen): green starts beside blue without production traffic, is
 * verified (health checks, a smoke test, a pre-promotion analysis, optionally reachable through a
 * preview header route), then takes all traffic in one router update. Blue stays warm for
 * `scaleDownDelayMs` (and through a post-promotion analysis), so a rollback is a switch back.
 */
import {
  beginDecision,
  finishDecision,
  phaseNow,
  readyOf,
  record,
  scaleTo,
  setWeights,
  stopReason,
  takeCommands,
  type Ctx,
} from "./common";
import {
  enterVerify,
  previewRouteName,
  progressVerify,
  resumeVerify,
  type VerifyProgress,
} from "./blue-green-verify";
import { beginRollback, checkTriggers, initialBase, progressRollback, resumeCommon, shift } from "./safety";
import {
  beginSwitch,
  DEFAULT_SCALE_DOWN_DELAY_MS,
  progressPromoted,
  switchToGreen,
  waitReady,
} from "./blue-green-switch";
import { resumeTerminal } from "./terminal";
import type {
  Decision,
  EpochMs,
  HeaderRouteMatch,
  Observations,
  RolloutStateBase,
  SafetySpec,
} from "./types";
import { isTerminalPhase } from "./types";
import { checkStateShape, validateBlueGreenSpec } from "./validate";

export interface BlueGreenSpec extends SafetySpec {
  /** Selects this strategy. */
  strategy: "blueGreen";
  /** Blue: the version serving now; null on a first deployment. */
  stable: string | null;
  /** Green: the version being rolled out. */
  green: string;
  /** Full size of a version. */
  instances: number;
  /** Green's size before the switch (Argo's previewReplicaCount); default `instances`. */
  previewInstances?: number;
  /** A header route to green during verification, so people and tests can preview it. */
  previewRoute?: { name?: string; match: HeaderRouteMatch };
  /** The smoke test to run against green (a command or workflow job the controller knows by name). */
  smokeTest?: string;
  /** How long the smoke test may run (default 5 minutes); no result in time fails it. */
  smokeTestTimeoutMs?: number;
  /** Analysis that must pass before the switch; inconclusive waits for `promote`. */
  prePromotionAnalysis?: string;
  /** Analysis after the switch; blue is not scaled down before it passes, and a fail switches back. */
  postPromotionAnalysis?: string;
  /** Consecutive passing health checks of green needed before the switch (default 0: readiness suffices). */
  healthyChecksBeforeSwitch?: number;
  /** Switch as soon as verified (default true); false waits for `promote`. */
  autoPromotion?: boolean;
  /** With auto promotion, wait this long after verification before switching (default 0). */
  autoPromotionDelayMs?: number;
  /** How long blue stays warm after the switch (default 30 s, as Argo's scaleDownDelaySeconds). */
  scaleDownDelayMs?: number;
}

export interface BlueGreenState extends RolloutStateBase {
  /** Which strategy this state belongs to (checked on every decide). */
  strategy: "blueGreen";
  /** Deadline of the current wait for instances (deploying, promoting). */
  deadline: EpochMs | null;
  /** What verification still waits for; null outside `verifying`. */
  verify: VerifyProgress | null;
  /** A `promote` arrived before verification ended: switch as soon as it does. */
  promoteRequested: boolean;
  /** Waiting in `awaitingPromotion` after an inconclusive analysis (null: not held). */
  hold: string | null;
  /** Auto promotion after a delay: when to switch. */
  promoteAt: EpochMs | null;
  /** The post-promotion analysis run and its deadline. */
  post: { runId: string; deadline: EpochMs } | null;
  /** When blue is stopped (null while a post-promotion analysis or a hold keeps it warm). */
  scaleDownAt: EpochMs | null;
}

export type BlueGreenCtx = Ctx<BlueGreenState>;

export function initialBlueGreenState(now: EpochMs, spec: BlueGreenSpec): BlueGreenState {
  const base = initialBase(now, spec);
  return {
    ...base,
    strategy: "blueGreen",
    deadline: null,
    verify: null,
    promoteRequested: false,
    hold: null,
    promoteAt: null,
    post: null,
    scaleDownAt: null,
  };
}

/** Decides the next blue-green move; rollbacks and triggers come before any promote. */
export function decideBlueGreen(
  spec: BlueGreenSpec,
  state: BlueGreenState,
  obs: Observations,
  now: EpochMs,
): Decision<BlueGreenState> {
  validateBlueGreenSpec(spec);
  checkStateShape(state, "blueGreen");
  const ctx = beginDecision(state, obs, now, {
    stable: spec.stable,
    candidate: spec.green,
    instances: spec.instances,
    safety: spec,
  });
  run(ctx, spec);
  const st = ctx.state;
  return finishDecision(ctx, [
    st.deadline,
    st.verify?.smoke?.deadline,
    st.verify?.analysis?.deadline,
    st.verify?.healthDeadline,
    st.promoteAt,
    st.post?.deadline,
    st.scaleDownAt,
  ]);
}

function run(ctx: BlueGreenCtx, spec: BlueGreenSpec): void {
  const st = ctx.state;
  if (isTerminalPhase(st.phase)) {
    if (ctx.obs.resumed) resumeTerminal(ctx, [previewRouteName(spec)]);
    return;
  }
  if (ctx.obs.resumed && st.phase !== "pending" && resumeBlueGreen(ctx)) return;
  if (st.phase === "pending") return start(ctx, spec);
  if (st.phase === "rollingBack") return progressRollback(ctx);
  const { stop, promote } = takeCommands(ctx);
  if (stop !== null)
    return beginRollback(ctx, stopReason(stop), stop.type === "abort" ? "aborted" : "rolledBack");
  const fired = checkTriggers(ctx);
  if (fired !== null) return beginRollback(ctx, fired, "rolledBack");
  if (promote !== null) applyPromote(ctx, spec, promote.full);
  progress(ctx, spec);
}

function start(ctx: BlueGreenCtx, spec: BlueGreenSpec): void {
  record(ctx, "started", `blue-green: ${spec.green} beside ${spec.stable ?? "no stable version"}`);
  ctx.state.phase = "deploying";
  scaleTo(ctx, spec.green, spec.previewInstances ?? spec.instances);
  ctx.state.deadline = ctx.now + ctx.safety.readyTimeoutMs;
  progress(ctx, spec);
}

function progress(ctx: BlueGreenCtx, spec: BlueGreenSpec): void {
  const st = ctx.state;
  switch (st.phase) {
    case "deploying":
      if (waitReady(ctx, st.desired[ctx.candidate] ?? ctx.instances)) {
        st.deadline = null;
        enterVerify(ctx, spec);
        if (phaseNow(ctx) === "verifying") afterVerify(ctx, spec, progressVerify(ctx, spec));
      }
      return;
    case "verifying":
      return afterVerify(ctx, spec, progressVerify(ctx, spec));
    case "awaitingPromotion":
      if (st.hold === null && st.promoteAt !== null && ctx.now >= st.promoteAt) beginSwitch(ctx, spec);
      return;
    case "promoting":
      if (waitReady(ctx, ctx.instances)) switchToGreen(ctx, spec);
      return;
    case "promoted":
      return progressPromoted(ctx, spec);
    default:
      return;
  }
}

/** Verification outcome → wait for a person, wait out a delay, or switch now. */
function afterVerify(
  ctx: BlueGreenCtx,
  spec: BlueGreenSpec,
  outcome: "wait" | "passed" | "held" | "ended",
): void {
  const st = ctx.state;
  if (outcome === "held") {
    // A promote given before the analysis was inconclusive did not know about it: ask again.
    st.promoteRequested = false;
    st.phase = "awaitingPromotion";
    return;
  }
  if (outcome !== "passed") return;
  st.verify = null;
  record(ctx, "step", `${ctx.candidate} verified`);
  if (st.promoteRequested) return beginSwitch(ctx, spec);
  if (spec.autoPromotion === false) {
    st.phase = "awaitingPromotion";
    record(ctx, "hold", "waiting for promote (autoPromotion: false)");
    return;
  }
  const delay = spec.autoPromotionDelayMs ?? 0;
  if (delay === 0) return beginSwitch(ctx, spec);
  st.phase = "awaitingPromotion";
  st.promoteAt = ctx.now + delay;
}

function applyPromote(ctx: BlueGreenCtx, spec: BlueGreenSpec, full: boolean): void {
  const st = ctx.state;
  if (st.phase === "promoted") {
    if (st.hold !== null) {
      st.hold = null;
      st.scaleDownAt = ctx.now + (spec.scaleDownDelayMs ?? DEFAULT_SCALE_DOWN_DELAY_MS);
    }
    return;
  }
  if (st.phase === "awaitingPromotion" || (full && st.phase === "verifying")) {
    st.hold = null;
    return beginSwitch(ctx, spec);
  }
  // Before verification ends a plain promote only waives the wait for a person afterwards.
  st.promoteRequested = true;
}

function resumeBlueGreen(ctx: BlueGreenCtx): boolean {
  const { gap, renamed, rolledBack } = resumeCommon(ctx);
  if (rolledBack) return true;
  const st = ctx.state;
  st.deadline = shift(st.deadline, gap);
  st.promoteAt = shift(st.promoteAt, gap);
  st.scaleDownAt = shift(st.scaleDownAt, gap);
  if (st.post !== null) {
    st.post = {
      runId: renamed[st.post.runId] ?? st.post.runId,
      deadline: ctx.now + ctx.safety.analysisTimeoutMs,
    };
  }
  if (st.verify !== null) resumeVerify(ctx, st.verify, renamed, gap);
  setWeights(ctx, st.weights, true);
  if (st.phase === "promoted") {
    if (readyOf(ctx, ctx.candidate) === 0) {
      beginRollback(ctx, `${ctx.candidate} not serving after the controller restarted`, "rolledBack");
      return true;
    }
  }
  return false;
}
