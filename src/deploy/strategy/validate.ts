/**
 * Guards at the door of every decide call. A spec that could make a strategy loop or route nonsense
 * (weights past 100, a canary that is the stable version, a rolling update that may neither surge nor
 * go unavailable) is refused with SLUICE_E_ROLLOUT_SPEC; a persisted state of another strategy or
 * shape with SLUICE_E_ROLLOUT_STATE. The config layer validates first; this keeps the core honest.
 */
import { createError, type Problem } from "../../core/errors";
import type { BlueGreenSpec } from "./blue-green";
import type { CanarySpec } from "./canary";
import type { RollingSpec } from "./rolling";
import type { SafetySpec } from "./types";

function problems(): { list: Problem[]; add: (cond: boolean, message: string) => void } {
  const list: Problem[] = [];
  return {
    list,
    add: (cond, message) => void (cond || list.push({ code: "SLUICE_E_ROLLOUT_SPEC", message })),
  };
}

function fail(strategy: string, list: Problem[]): void {
  if (list.length === 0) return;
  throw createError(
    "SLUICE_E_ROLLOUT_SPEC",
    `invalid ${strategy} rollout: ${list.map((p) => p.message).join("; ")}`,
    { problems: list },
  );
}

const isDuration = (v: number | undefined): boolean => v === undefined || (Number.isFinite(v) && v >= 0);
const isCount = (v: number | undefined): boolean => v === undefined || (Number.isInteger(v) && v >= 0);

function checkCommon(
  add: (cond: boolean, message: string) => void,
  spec: SafetySpec & { instances: number; stable: string | null },
  candidate: string,
): void {
  add(Number.isInteger(spec.instances) && spec.instances >= 1, "instances must be a whole number ≥ 1");
  add(candidate !== "", "the new version must be named");
  add(spec.stable !== candidate, `the new version ${candidate} is already the stable version`);
  add(isCount(spec.healthFailureThreshold), "healthFailureThreshold must be a whole number ≥ 0");
  add(isCount(spec.crashLoopRestarts), "crashLoopRestarts must be a whole number ≥ 0");
  for (const key of ["crashLoopWindowMs", "readyTimeoutMs", "analysisTimeoutMs", "drainMs"] as const) {
    add(isDuration(spec[key]), `${key} must be a duration ≥ 0`);
  }
}

export function validateCanarySpec(spec: CanarySpec): void {
  const { list, add } = problems();
  checkCommon(add, spec, spec.canary);
  add(isDuration(spec.scaleDownDelayMs), "scaleDownDelayMs must be a duration ≥ 0");
  spec.steps.forEach((step, i) => {
    const at = `step ${i + 1}`;
    if (step.type === "setWeight") {
      add(
        Number.isFinite(step.weight) && step.weight >= 0 && step.weight <= 100,
        `${at}: weight must be 0–100`,
      );
    } else if (step.type === "pause") {
      add(isDuration(step.durationMs), `${at}: pause duration must be ≥ 0`);
    } else if (step.type === "analysis") {
      add(step.analysis !== "", `${at}: analysis must be named`);
      add(isDuration(step.timeoutMs), `${at}: timeout must be ≥ 0`);
    } else if (step.type === "approval") {
      add(step.name !== "", `${at}: approval must be named`);
      add(isDuration(step.timeoutMs), `${at}: timeout must be ≥ 0`);
    }
  });
  const start = spec.backgroundAnalysis?.startingStep;
  add(
    isCount(start) && (start ?? 0) <= spec.steps.length,
    "backgroundAnalysis.startingStep is past the last step",
  );
  fail("canary", list);
}

export function validateBlueGreenSpec(spec: BlueGreenSpec): void {
  const { list, add } = problems();
  checkCommon(add, spec, spec.green);
  add(
    spec.previewInstances === undefined ||
      (Number.isInteger(spec.previewInstances) &&
        spec.previewInstances >= 1 &&
        spec.previewInstances <= spec.instances),
    "previewInstances must be between 1 and instances",
  );
  add(isCount(spec.healthyChecksBeforeSwitch), "healthyChecksBeforeSwitch must be a whole number ≥ 0");
  for (const key of ["scaleDownDelayMs", "autoPromotionDelayMs", "smokeTestTimeoutMs"] as const) {
    add(isDuration(spec[key]), `${key} must be a duration ≥ 0`);
  }
  fail("blue-green", list);
}

/** Resolves `maxSurge`/`maxUnavailable` (a count or "25%") against the instance count, as Kubernetes does. */
export function resolveBudget(
  value: number | string | undefined,
  instances: number,
  round: "up" | "down",
): number | null {
  if (value === undefined) value = "25%";
  if (typeof value === "number") return Number.isInteger(value) && value >= 0 ? value : null;
  const m = /^(\d+(?:\.\d+)?)%$/.exec(value.trim());
  if (m === null) return null;
  const raw = (Number(m[1]) / 100) * instances;
  return round === "up" ? Math.ceil(raw) : Math.floor(raw);
}

export function validateRollingSpec(spec: RollingSpec): void {
  const { list, add } = problems();
  checkCommon(add, spec, spec.next);
  const surge = resolveBudget(spec.maxSurge, spec.instances, "up");
  const unavailable = resolveBudget(spec.maxUnavailable, spec.instances, "down");
  add(surge !== null, `maxSurge must be a count or a percentage, got ${String(spec.maxSurge)}`);
  add(
    unavailable !== null,
    `maxUnavailable must be a count or a percentage, got ${String(spec.maxUnavailable)}`,
  );
  add(
    spec.maxSurge !== 0 || spec.maxUnavailable !== 0,
    "maxSurge and maxUnavailable cannot both be 0: nothing could be replaced",
  );
  fail("rolling", list);
}

/** Refuses a persisted state that is not this strategy's, or of a shape this Sluice does not know. */
export function checkStateShape(state: { schema?: unknown; strategy?: unknown }, strategy: string): void {
  if (state.schema !== 1) {
    throw createError(
      "SLUICE_E_ROLLOUT_STATE",
      `rollout state has schema ${String(state.schema)}, expected 1`,
    );
  }
  if (state.strategy !== strategy) {
    throw createError(
      "SLUICE_E_ROLLOUT_STATE",
      `rollout state belongs to strategy ${String(state.strategy)}, not ${strategy}`,
    );
  }
}
