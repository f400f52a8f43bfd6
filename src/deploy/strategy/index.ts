/**
 * The rollout strategies behind one entry point: `initialRolloutState` for a new rollout and
 * `decideRollout` for every step of it. Pure; the controller does the I/O.
 */
import {
  decideBlueGreen,
  initialBlueGreenState,
  type BlueGreenSpec,
  type BlueGreenState,
} from "./blue-green";
import { decideCanary, initialCanaryState, type CanarySpec, type CanaryState } from "./canary";
import { decideRolling, initialRollingState, type RollingSpec, type RollingState } from "./rolling";
import type { Decision, EpochMs, Observations } from "./types";
import { checkStateShape } from "./validate";

export type RolloutSpec = CanarySpec | BlueGreenSpec | RollingSpec;
export type RolloutState = CanaryState | BlueGreenState | RollingState;

/** The state of a rollout that has not started; persist it, then call `decideRollout`. */
export function initialRolloutState(spec: RolloutSpec, now: EpochMs): RolloutState {
  switch (spec.strategy) {
    case "canary":
      return initialCanaryState(now, spec);
    case "blueGreen":
      return initialBlueGreenState(now, spec);
    case "rolling":
      return initialRollingState(now, spec);
  }
}

/**
 * One decision for any strategy. Throws SLUICE_E_ROLLOUT_STATE when the persisted state belongs to
 * another strategy, SLUICE_E_ROLLOUT_SPEC when the spec is inconsistent.
 */
export function decideRollout(
  spec: RolloutSpec,
  state: RolloutState,
  obs: Observations,
  now: EpochMs,
): Decision<RolloutState> {
  checkStateShape(state, spec.strategy);
  switch (spec.strategy) {
    case "canary":
      return decideCanary(spec, state as CanaryState, obs, now);
    case "blueGreen":
      return decideBlueGreen(spec, state as BlueGreenState, obs, now);
    case "rolling":
      return decideRolling(spec, state as RollingState, obs, now);
  }
}

export type { BlueGreenSpec, BlueGreenState } from "./blue-green";
export type { CanarySpec, CanaryState, CanaryStep } from "./canary";
export type { RollingSpec, RollingState } from "./rolling";
export * from "./types";
export { canaryInstancesFor } from "./canary-steps";
export { rollingBudgets } from "./rolling";
