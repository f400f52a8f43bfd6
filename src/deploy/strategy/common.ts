/**
 * What the three strategies share: the decision context, action helpers that keep `state` and the
 * emitted actions in step, rollback triggers, user commands, rollback itself and restart handling.
 * Everything here mutates a private clone of the state inside one decide call, so decide stays pure.
 */
import type {
  Action,
  AnalysisObservation,
  AnalysisScope,
  Decision,
  EpochMs,
  Observations,
  RolloutEventType,
  RolloutPhase,
  RolloutStateBase,
  SafetySpec,
  UserCommand,
  Weights,
} from "./types";

export type ResolvedSafety = Required<SafetySpec>;

export const defaultSafety: ResolvedSafety = {
  healthFailureThreshold: 3,
  crashLoopRestarts: 3,
  crashLoopWindowMs: 5 * 60_000,
  readyTimeoutMs: 2 * 60_000,
  analysisTimeoutMs: 15 * 60_000,
  drainMs: 10_000,
  onResume: "resume",
  resources: null,
};

export function resolveSafety(spec: SafetySpec): ResolvedSafety {
  const s: ResolvedSafety = { ...defaultSafety };
  for (const key of Object.keys(defaultSafety) as (keyof ResolvedSafety)[]) {
    if (spec[key] !== undefined) (s as Record<string, unknown>)[key] = spec[key];
  }
  return s;
}

/** The timeline keeps this many events in the state; the audit trail (record actions) keeps them all. */
export const MAX_HISTORY = 500;

/** One decide call in progress. */
export interface Ctx<S extends RolloutStateBase> {
  /** A private clone of the state, changed in place during the call. */
  state: S;
  /** Actions so far, in the order the controller applies them. */
  actions: Action[];
  /** The decision's time. */
  now: EpochMs;
  /** What the controller saw since the previous call. */
  obs: Observations;
  /** The safety settings with their defaults filled in. */
  safety: ResolvedSafety;
  /** The version serving before the rollout; null on a first deployment. */
  stable: string | null;
  /** The version being rolled out. */
  candidate: string;
  /** Full size of a version. */
  instances: number;
}

export function beginDecision<S extends RolloutStateBase>(
  state: S,
  obs: Observations,
  now: EpochMs,
  roles: { stable: string | null; candidate: string; instances: number; safety: SafetySpec },
): Ctx<S> {
  // A structured clone keeps the caller's state untouched: decide must be pure.
  return {
    state: structuredClone(state),
    actions: [],
    now,
    obs,
    safety: resolveSafety(roles.safety),
    stable: roles.stable,
    candidate: roles.candidate,
    instances: roles.instances,
  };
}

/** Closes the decision: stamps `lastSeenAt` and wakes at the earliest pending deadline. */
export function finishDecision<S extends RolloutStateBase>(
  ctx: Ctx<S>,
  deadlines: (EpochMs | null | undefined)[],
): Decision<S> {
  ctx.state.lastSeenAt = ctx.now;
  const pending = [...deadlines, ctx.state.rollback?.deadline].filter(
    (d): d is number => typeof d === "number" && Number.isFinite(d),
  );
  const wakeAt = isFinal(ctx.state.phase) || pending.length === 0 ? null : Math.min(...pending);
  return { state: ctx.state, actions: ctx.actions, wakeAt };
}

function isFinal(phase: RolloutPhase): boolean {
  return phase === "completed" || phase === "rolledBack" || phase === "aborted" || phase === "failed";
}

export function record<S extends RolloutStateBase>(
  ctx: Ctx<S>,
  type: RolloutEventType,
  message: string,
): void {
  const event = { at: ctx.now, type, message };
  ctx.state.history.push(event);
  if (ctx.state.history.length > MAX_HISTORY) {
    ctx.state.history.shift();
    ctx.state.historyDropped += 1;
  }
  ctx.actions.push({ type: "record", event });
}

/** The phase as it is now: a function call, so TypeScript does not keep a narrowing past a mutation. */
export function phaseNow<S extends RolloutStateBase>(ctx: Ctx<S>): RolloutPhase {
  return ctx.state.phase;
}

/** Ready instances of `version` as observed now; null when the controller reported nothing for it. */
export function readyOf<S extends RolloutStateBase>(ctx: Ctx<S>, version: string): number | null {
  return ctx.obs.instances?.[version]?.ready ?? null;
}

/** Ready count for waiting: an unreported version has nothing ready yet. */
export function readyCount<S extends RolloutStateBase>(ctx: Ctx<S>, version: string): number {
  return readyOf(ctx, version) ?? 0;
}

export function sameWeights(a: Weights, b: Weights): boolean {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  for (const k of keys) if ((a[k] ?? 0) !== (b[k] ?? 0)) return false;
  return true;
}

/** Asks for a split; `force` re-emits an unchanged split (after a restart the router may have lost it). */
export function setWeights<S extends RolloutStateBase>(ctx: Ctx<S>, weights: Weights, force = false): void {
  const clean: Weights = {};
  for (const [v, w] of Object.entries(weights)) if (w > 0) clean[v] = w;
  if (!force && sameWeights(clean, ctx.state.weights)) return;
  ctx.state.weights = clean;
  ctx.actions.push({ type: "setWeights", weights: { ...clean } });
  const text = Object.entries(clean)
    .map(([v, w]) => `${v} ${w}%`)
    .join(", ");
  record(ctx, "weights", text === "" ? "no version serves" : text);
}

/** Two-version split: `candidateWeight` percent to the candidate, the rest to stable. */
export function splitWeights<S extends RolloutStateBase>(ctx: Ctx<S>, candidateWeight: number): Weights {
  if (ctx.stable === null) return { [ctx.candidate]: 100 };
  return { [ctx.stable]: 100 - candidateWeight, [ctx.candidate]: candidateWeight };
}

export function scaleTo<S extends RolloutStateBase>(ctx: Ctx<S>, version: string, instances: number): void {
  const current = ctx.state.desired[version];
  if (current === instances) return;
  ctx.state.desired[version] = instances;
  ctx.actions.push(
    current === undefined
      ? { type: "deployVersion", version, instances }
      : { type: "scale", version, instances },
  );
}

export function stopVersion<S extends RolloutStateBase>(ctx: Ctx<S>, version: string): void {
  delete ctx.state.desired[version];
  ctx.actions.push({ type: "stopVersion", version, drainMs: ctx.safety.drainMs });
}

/** Starts an analysis run under a never-repeating id. */
export function startAnalysis<S extends RolloutStateBase>(
  ctx: Ctx<S>,
  analysis: string,
  scope: AnalysisScope,
  key: string,
): string {
  ctx.state.runSeq += 1;
  const runId = `${scope}:${key}:${ctx.state.runSeq}`;
  ctx.state.analyses[runId] = { analysis, scope, startedAt: ctx.now };
  ctx.actions.push({
    type: "startAnalysis",
    runId,
    analysis,
    scope,
    candidate: ctx.candidate,
    baseline: ctx.stable,
  });
  record(ctx, "analysis", `${scope} analysis ${analysis} started (${runId})`);
  return runId;
}

export function stopAnalysis<S extends RolloutStateBase>(ctx: Ctx<S>, runId: string | null): void {
  if (runId === null || !(runId in ctx.state.analyses)) return;
  delete ctx.state.analyses[runId];
  ctx.actions.push({ type: "stopAnalysis", runId });
}

export function stopAllAnalyses<S extends RolloutStateBase>(ctx: Ctx<S>): void {
  for (const runId of Object.keys(ctx.state.analyses)) stopAnalysis(ctx, runId);
}

/** The verdict that arrived for a run this state knows; the last one wins. */
export function verdictFor<S extends RolloutStateBase>(
  ctx: Ctx<S>,
  runId: string | null,
): AnalysisObservation | null {
  if (runId === null || !(runId in ctx.state.analyses)) return null;
  const found = (ctx.obs.analyses ?? []).filter((a) => a.runId === runId);
  return found[found.length - 1] ?? null;
}

export function clearHeaderRoutes<S extends RolloutStateBase>(ctx: Ctx<S>): void {
  for (const [name, route] of Object.entries(ctx.state.headerRoutes)) {
    ctx.actions.push({ type: "setHeaderRoute", name, version: route.version, match: null });
  }
  ctx.state.headerRoutes = {};
}

/** Splits this call's commands: the first abort/rollback wins over any promote. */
export function takeCommands<S extends RolloutStateBase>(
  ctx: Ctx<S>,
): { stop: Exclude<UserCommand, { type: "promote" }> | null; promote: { full: boolean } | null } {
  let stop: Exclude<UserCommand, { type: "promote" }> | null = null;
  let promoted = false;
  let full = false;
  for (const c of ctx.obs.commands ?? []) {
    const by = c.by === undefined ? "" : ` by ${c.by}`;
    if (c.type === "promote") {
      promoted = true;
      full ||= c.full === true;
      record(ctx, "command", `promote${c.full === true ? " --full" : ""}${by}`);
    } else {
      stop ??= c;
      record(ctx, "command", `${c.type}${by}`);
    }
  }
  return { stop, promote: promoted ? { full } : null };
}

export function stopReason(c: Exclude<UserCommand, { type: "promote" }>): string {
  const by = c.by === undefined ? "a user" : c.by;
  if (c.type === "rollback") return `rollback requested by ${by}`;
  return `aborted by ${by}${c.reason === undefined ? "" : `: ${c.reason}`}`;
}
