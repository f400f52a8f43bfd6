/**
 * Blue-green verification: everything green must show before it takes traffic. The smoke test, the
 * pre-promotion analysis and the passing health checks run side by side; each has a deadline, any
 * failure rolls back (green is stopped, blue never lost its traffic), an inconclusive analysis holds.
 */
import type { BlueGreenCtx, BlueGreenSpec } from "./blue-green";
import { record, startAnalysis, stopAnalysis, verdictFor } from "./common";
import { beginRollback, formatMs, shift } from "./safety";
import type { EpochMs } from "./types";

export const DEFAULT_SMOKE_TEST_TIMEOUT_MS = 5 * 60_000;

/** What verification still waits for. */
export interface VerifyProgress {
  /** The smoke test run, when one is configured. */
  smoke: { runId: string; test: string; timeoutMs: number; deadline: EpochMs; passed: boolean } | null;
  /** The pre-promotion analysis run, when one is configured. */
  analysis: { runId: string; deadline: EpochMs; passed: boolean; inconclusive: string | null } | null;
  /** Consecutive passing health checks of green so far. */
  healthyChecks: number;
  /** By when the required passing checks must have been seen; null when none are required. */
  healthDeadline: EpochMs | null;
}

export function previewRouteName(spec: BlueGreenSpec): string {
  return spec.previewRoute?.name ?? "preview";
}

export function enterVerify(ctx: BlueGreenCtx, spec: BlueGreenSpec): void {
  const st = ctx.state;
  st.phase = "verifying";
  record(ctx, "ready", `${ctx.candidate} ready; verifying`);
  if (spec.previewRoute !== undefined) {
    const name = previewRouteName(spec);
    st.headerRoutes[name] = { version: ctx.candidate, match: spec.previewRoute.match };
    ctx.actions.push({
      type: "setHeaderRoute",
      name,
      version: ctx.candidate,
      match: spec.previewRoute.match,
    });
  }
  const required = spec.healthyChecksBeforeSwitch ?? 0;
  st.verify = {
    smoke: null,
    analysis: null,
    healthyChecks: 0,
    healthDeadline: required > 0 ? ctx.now + ctx.safety.readyTimeoutMs : null,
  };
  if (spec.smokeTest !== undefined) {
    const timeout = spec.smokeTestTimeoutMs ?? DEFAULT_SMOKE_TEST_TIMEOUT_MS;
    st.verify.smoke = { runId: "", test: spec.smokeTest, timeoutMs: timeout, deadline: 0, passed: false };
    startSmoke(ctx, st.verify.smoke);
  }
  if (spec.prePromotionAnalysis !== undefined) {
    const runId = startAnalysis(ctx, spec.prePromotionAnalysis, "prePromotion", "pre");
    const deadline = ctx.now + ctx.safety.analysisTimeoutMs;
    st.verify.analysis = { runId, deadline, passed: false, inconclusive: null };
  }
}

function startSmoke(ctx: BlueGreenCtx, smoke: NonNullable<VerifyProgress["smoke"]>): void {
  ctx.state.runSeq += 1;
  smoke.deadline = ctx.now + smoke.timeoutMs;
  smoke.runId = `smoke:${ctx.state.runSeq}`;
  ctx.actions.push({ type: "runSmokeTest", runId: smoke.runId, test: smoke.test, version: ctx.candidate });
  record(ctx, "smoke-test", `smoke test ${smoke.test} started (${smoke.runId})`);
}

/**
 * One look at verification. `passed`: everything showed; `held`: all but an inconclusive analysis,
 * which needs `promote`; `ended`: it rolled back; `wait`: not yet.
 */
export function progressVerify(ctx: BlueGreenCtx, spec: BlueGreenSpec): "wait" | "passed" | "held" | "ended" {
  const v = ctx.state.verify;
  if (v === null) return "wait";
  // Every check looks at this call's results, even when an earlier one is still waiting: a failure
  // anywhere must roll back now.
  const checks = [() => checkSmoke(ctx, v), () => checkAnalysis(ctx, v), () => checkHealth(ctx, spec, v)];
  let done = true;
  for (const check of checks) {
    done = check() && done;
    if (ctx.state.verify === null || ctx.state.phase !== "verifying") return "ended";
  }
  if (!done) return "wait";
  if (v.analysis?.inconclusive) {
    ctx.state.hold = v.analysis.inconclusive;
    ctx.state.verify = null;
    record(ctx, "hold", `${v.analysis.inconclusive}; waiting for promote or abort`);
    return "held";
  }
  return "passed";
}

/** True when the smoke test passed (or none is configured). */
function checkSmoke(ctx: BlueGreenCtx, v: VerifyProgress): boolean {
  const smoke = v.smoke;
  if (smoke === null || smoke.passed) return true;
  const results = (ctx.obs.smokeTests ?? []).filter((r) => r.runId === smoke.runId);
  const r = results[results.length - 1];
  if (r?.ok === true) {
    smoke.passed = true;
    record(ctx, "smoke-test", `smoke test ${smoke.test} passed`);
    return true;
  }
  if (r?.ok === false) {
    beginRollback(ctx, `smoke test ${smoke.test} failed${r.reason ? `: ${r.reason}` : ""}`, "rolledBack");
  } else if (ctx.now >= smoke.deadline) {
    record(ctx, "timeout", `smoke test ${smoke.test} gave no result in time`);
    beginRollback(ctx, `smoke test ${smoke.test} gave no result in time`, "rolledBack");
  }
  return false;
}

/** True when the pre-promotion analysis ended as pass or inconclusive (or none is configured). */
function checkAnalysis(ctx: BlueGreenCtx, v: VerifyProgress): boolean {
  const a = v.analysis;
  if (a === null || a.passed || a.inconclusive !== null) return true;
  const verdict = verdictFor(ctx, a.runId);
  if (verdict === null) {
    if (ctx.now < a.deadline) return false;
    beginRollback(
      ctx,
      `pre-promotion analysis gave no verdict within ${formatMs(ctx.safety.analysisTimeoutMs)}`,
      "rolledBack",
    );
    return false;
  }
  const why = verdict.reason ? `: ${verdict.reason}` : "";
  if (verdict.verdict === "fail") {
    beginRollback(ctx, `pre-promotion analysis failed${why}`, "rolledBack");
    return false;
  }
  stopAnalysis(ctx, a.runId);
  if (verdict.verdict === "pass") {
    a.passed = true;
    record(ctx, "analysis", "pre-promotion analysis passed");
  } else {
    a.inconclusive = `pre-promotion analysis inconclusive${why}`;
  }
  return true;
}

/** True once enough consecutive health checks of green passed (failures are the triggers' business). */
function checkHealth(ctx: BlueGreenCtx, spec: BlueGreenSpec, v: VerifyProgress): boolean {
  const required = spec.healthyChecksBeforeSwitch ?? 0;
  for (const h of ctx.obs.health ?? []) {
    if (h.version === ctx.candidate) v.healthyChecks = h.ok ? v.healthyChecks + 1 : 0;
  }
  if (v.healthyChecks >= required) return true;
  if (v.healthDeadline !== null && ctx.now >= v.healthDeadline) {
    const why = `${ctx.candidate} passed ${v.healthyChecks}/${required} health checks in a row in time`;
    record(ctx, "timeout", why);
    beginRollback(ctx, why, "rolledBack");
  }
  return false;
}

/**
 * After a restart: a smoke test that had not passed runs again (its process died with the controller),
 * analyses continue under their new run ids with their whole time, and the health wait is shifted.
 */
export function resumeVerify(
  ctx: BlueGreenCtx,
  v: VerifyProgress,
  renamed: Record<string, string>,
  gap: number,
): void {
  if (v.smoke !== null && !v.smoke.passed) startSmoke(ctx, v.smoke);
  if (v.analysis !== null && !v.analysis.passed && v.analysis.inconclusive === null) {
    v.analysis.runId = renamed[v.analysis.runId] ?? v.analysis.runId;
    v.analysis.deadline = ctx.now + ctx.safety.analysisTimeoutMs;
  }
  v.healthDeadline = shift(v.healthDeadline, gap);
}
