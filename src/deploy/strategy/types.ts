/**
 * The shared vocabulary of the rollout strategies (DESIGN.md: "Decisions are pure, I/O is at the edges").
 * A strategy is a pure function `decide(spec, state, observations, now) → { state, actions, wakeAt }`.
 * The controller loads the state, calls decide with what it saw since the last call, persists the new
 * state (before acting, so a crash resumes), then applies the actions in order. Actions are data.
 */

/** Epoch milliseconds. Time is always passed in (`now`), never read, so tests are exact. */
export type EpochMs = number;

/**
 * Traffic share per version, in percent (0–100, summing to 100 when any version serves). A version that
 * is absent gets no traffic. An empty record means no version serves (a failed first deployment).
 */
export type Weights = Record<string, number>;

/** A header (or cookie) match that sends a request to one version whatever the weights say. */
export interface HeaderRouteMatch {
  /** Header name, compared case-insensitively by routers. */
  header: string;
  /** Exact value the header must have. */
  value: string;
}

/** An instruction for the controller. Every action is idempotent, so a resumed controller may repeat it. */
export type Action =
  /** Ensure `instances` instances of `version` run (starts them if absent; same as `scale` if present). */
  | { type: "deployVersion"; version: string; instances: number }
  /** Change how many instances of an already deployed version run (drains the ones removed). */
  | { type: "scale"; version: string; instances: number }
  /** Set the traffic split atomically: one router update, never two half-steps. */
  | { type: "setWeights"; weights: Weights }
  /** Add (`match` set) or remove (`match: null`) a named header route to `version`. */
  | { type: "setHeaderRoute"; name: string; version: string; match: HeaderRouteMatch | null }
  /** Start an analysis run; its verdict comes back in `Observations.analyses` under `runId`. */
  | {
      type: "startAnalysis";
      runId: string;
      /** The configured analysis (template) name. */
      analysis: string;
      scope: AnalysisScope;
      candidate: string;
      /** The version the candidate is compared with; null when there is none (first deployment). */
      baseline: string | null;
    }
  /** Stop an analysis run; a verdict arriving later for it is ignored. */
  | { type: "stopAnalysis"; runId: string }
  /** Run a smoke test (a command or a workflow job) against `version`; the result comes back by `runId`. */
  | { type: "runSmokeTest"; runId: string; test: string; version: string }
  /** Ask for an approval (again after a restart: keep the request, do not reset an answer). */
  | { type: "awaitApproval"; requestId: string; name: string; version: string }
  /**
   * `version` served all traffic through its watch window and is the environment's stable version:
   * record the deployment as succeeded. Sent once, when the rollout completes (again after a restart).
   */
  | { type: "promote"; version: string }
  /** The rollout failed or was aborted; `stable` (null: none) is the environment's version again. */
  | { type: "abort"; reason: string; stable: string | null }
  /** Stop every instance of `version`, draining connections for `drainMs` first. */
  | { type: "stopVersion"; version: string; drainMs: number }
  /** Append `event` to the audit trail and the deployment timeline. */
  | { type: "record"; event: RolloutEvent };

/** Why an analysis runs: at a canary step, over the whole rollout, or before/after a blue-green switch. */
export type AnalysisScope = "step" | "background" | "prePromotion" | "postPromotion";

/** The judgement of an analysis run, from the analysis layer. */
export type AnalysisVerdict = "pass" | "fail" | "inconclusive";

/** What the controller saw since the previous decide call. Every field may be absent. */
export interface Observations {
  /**
   * True on the first call after the controller (re)loaded a persisted state: whatever it had started
   * in memory (analysis runs, smoke tests) is gone, and actions of the last decision may not have run.
   */
  resumed?: boolean;
  /** Instance status per version, as the target reports it now (a level, not an edge). */
  instances?: Record<string, InstanceStatus>;
  /** Health check results since the previous call, oldest first. */
  health?: HealthObservation[];
  /** Analysis verdicts that arrived since the previous call. */
  analyses?: AnalysisObservation[];
  /** Smoke test results that arrived since the previous call. */
  smokeTests?: SmokeTestObservation[];
  /**
   * Answers to approval requests. Answers live in the store, so the controller may report every answer
   * it knows on every call (a level): one lost with a crashed decision is then never lost for good.
   */
  approvals?: ApprovalObservation[];
  /**
   * User commands (CLI, API) since the previous call, oldest first. The controller acknowledges them
   * only after the decision that saw them is persisted, so a crash in between re-delivers them.
   */
  commands?: UserCommand[];
}

/** How one version's instances are doing. */
export interface InstanceStatus {
  /** Instances that passed readiness and are serving. */
  ready: number;
  /** Restarts after crashes since the version was deployed (cumulative; may reset if the target restarts). */
  restarts: number;
  /** Resource use of the version's busiest instance, when the target can measure it. */
  usage?: ResourceUsage;
}

/** What one instance uses now: the highest of a version's instances is reported. */
export interface ResourceUsage {
  /** Resident memory, bytes. */
  rssBytes: number;
  /** CPU time per wall time since the previous measurement, in cores (1 = one core busy). */
  cpuCores: number;
}

/**
 * "RSS/CPU above a share of the limit for a duration": the new version is rolled back when its busiest
 * instance stays above `share` of a limit for `forMs` without a break.
 */
export interface ResourceTrigger {
  /** Memory limit of one instance, bytes; unset: memory is not watched. */
  memoryBytes?: number;
  /** CPU limit of one instance, cores; unset: CPU is not watched. */
  cpuCores?: number;
  /** Share of a limit that counts as too much (default 0.9). */
  share?: number;
  /** How long use must stay above it (default 60 s). */
  forMs?: number;
}

/** One health check result for one version. */
export interface HealthObservation {
  /** The version whose instance was checked. */
  version: string;
  /** The check passed. */
  ok: boolean;
  /** Why it failed, for the timeline. */
  error?: string;
}

/** A verdict for the analysis run `runId`; verdicts for runs the state does not know are ignored. */
export interface AnalysisObservation {
  /** The run id from the `startAnalysis` action. */
  runId: string;
  /** pass, fail, or inconclusive (which holds the rollout until promoted). */
  verdict: AnalysisVerdict;
  /** Why, for the timeline (which metric failed, by how much). */
  reason?: string;
}

/** The outcome of the smoke test run `runId`. */
export interface SmokeTestObservation {
  /** The run id from the `runSmokeTest` action. */
  runId: string;
  /** The smoke test passed. */
  ok: boolean;
  /** Why it failed, for the timeline. */
  reason?: string;
}

/** An answer to the approval request `requestId`. */
export interface ApprovalObservation {
  /** The request id from the `awaitApproval` action. */
  requestId: string;
  /** true approves; false rejects (the rollout is aborted). */
  approved: boolean;
  /** Who answered (recorded in the timeline). */
  by: string;
}

/**
 * What a user asked. `promote` moves past the current pause, analysis or approval (or clears a hold
 * after an inconclusive analysis); `full` skips every remaining step. `abort` and `rollback` both return
 * all traffic to the stable version; they differ only in the recorded outcome.
 */
export type UserCommand =
  | { type: "promote"; full?: boolean; by?: string }
  | { type: "abort"; by?: string; reason?: string }
  | { type: "rollback"; by?: string };

/** Where a rollout is. Each strategy uses a subset; the last five are terminal or final. */
export type RolloutPhase =
  /** Created and persisted; the first decide call deploys. */
  | "pending"
  /** Blue-green: the new version is starting. */
  | "deploying"
  /** Blue-green: smoke test, pre-promotion analysis and health checks of the new version. */
  | "verifying"
  /** Blue-green: verified, waiting for `promote` (or the auto-promotion delay). */
  | "awaitingPromotion"
  /** Canary and rolling: working through steps or batches. */
  | "progressing"
  /** Canary: in a pause step, or held after an inconclusive analysis until promoted. */
  | "paused"
  /** Canary: waiting at an approval step. */
  | "awaitingApproval"
  /** The new version is being scaled to full size before it takes all traffic. */
  | "promoting"
  /** All traffic is on the new version, still watched; the old one is kept warm until the scale-down delay ends. */
  | "promoted"
  /** Returning to stable, waiting for stable instances to be ready before moving traffic back. */
  | "rollingBack"
  /** Done: the new version is stable and the old one is stopped. */
  | "completed"
  /** Done: an automatic trigger or `rollback` returned all traffic to stable. */
  | "rolledBack"
  /** Done: a user aborted (or rejected an approval); all traffic is on stable. */
  | "aborted"
  /** Done, needs a human: the rollback could not complete (stable never became ready). */
  | "failed";

/** Phases after which decide does nothing more. */
export const terminalPhases: readonly RolloutPhase[] = ["completed", "rolledBack", "aborted", "failed"];

export function isTerminalPhase(phase: RolloutPhase): boolean {
  return terminalPhases.includes(phase);
}

/** An entry of the rollout timeline (also written to the audit trail through a `record` action). */
export interface RolloutEvent {
  /** When it happened (the decision's `now`). */
  at: EpochMs;
  /** What kind of event, for filtering and icons. */
  type: RolloutEventType;
  /** One human-readable line. */
  message: string;
}

export type RolloutEventType =
  | "started"
  | "resumed"
  | "step"
  | "weights"
  | "ready"
  | "analysis"
  | "smoke-test"
  | "approval"
  | "command"
  | "health"
  | "crash"
  | "timeout"
  | "hold"
  | "promoted"
  | "completed"
  | "rollback"
  | "rolled-back"
  | "aborted"
  | "failed";

/** Safety settings every strategy shares; each has a default (see `resolveSafety`). */
export interface SafetySpec {
  /** Consecutive failed health checks of the new version that roll back (default 3; 0 disables). */
  healthFailureThreshold?: number;
  /** Crash loop: this many restarts of the new version within `crashLoopWindowMs` roll back (default 3; 0 disables). */
  crashLoopRestarts?: number;
  /** Window for `crashLoopRestarts` (default 5 minutes). */
  crashLoopWindowMs?: number;
  /** How long instances may take to become ready before the step fails (default 2 minutes). */
  readyTimeoutMs?: number;
  /** How long an analysis run may go without a verdict before it counts as failed (default 15 minutes). */
  analysisTimeoutMs?: number;
  /** How long stopped instances drain before they are killed (default 10 s). */
  drainMs?: number;
  /**
   * After a controller restart: `resume` (default) re-establishes everything and carries on, restarting
   * analyses; `rollback` returns all traffic to stable at once.
   */
  onResume?: "resume" | "rollback";
  /** Resource limits whose sustained breach rolls back (default none). */
  resources?: ResourceTrigger | null;
}

/** The state every strategy persists. JSON-serialisable: no undefined values, no class instances. */
export interface RolloutStateBase {
  /** Version of this state shape, so a newer Sluice can refuse or migrate an older state. */
  schema: 1;
  /** Where the rollout is; see RolloutPhase. */
  phase: RolloutPhase;
  /** Bumped at every controller restart (shown in the timeline). */
  epoch: number;
  /**
   * Last sequence number used in a run id. Run ids never repeat, so a verdict from a run that died with
   * an earlier controller, or that was stopped, can never be taken for the current run's.
   */
  runSeq: number;
  /** When the rollout state was created. */
  startedAt: EpochMs;
  /** The `now` of the last decide call: a restart measures how long nobody watched from it. */
  lastSeenAt: EpochMs;
  /** The split the last decision asked for. */
  weights: Weights;
  /** Instances per version the last decisions asked the target for. */
  desired: Record<string, number>;
  /** Header routes in force, by name. */
  headerRoutes: Record<string, { version: string; match: HeaderRouteMatch }>;
  /** Analysis runs in progress, by run id. */
  analyses: Record<string, { analysis: string; scope: AnalysisScope; startedAt: EpochMs }>;
  /** Trigger counters for the new version. */
  counters: {
    consecutiveHealthFailures: number;
    /** The target's cumulative restart count last seen, to turn a level into new crashes. */
    restartsSeen: number;
    /** When crashes were seen (only the last `crashLoopRestarts` are kept). */
    crashTimes: EpochMs[];
    /**
     * Since when the new version's resource use has been above the trigger's share, without a break;
     * null (or absent, in states saved before resource triggers existed) when it is not.
     */
    resourceBreachSince?: EpochMs | null;
  };
  /** While phase is `rollingBack`: what stable must reach, when to give up, and the outcome to record. */
  rollback: {
    deadline: EpochMs;
    outcome: "rolledBack" | "aborted";
    reason: string;
    /** Ready stable instances needed before traffic moves back. */
    needReady: number;
  } | null;
  /** Why the rollout ended (terminal phases) or is held. */
  reason: string | null;
  /** The timeline, oldest first; capped, with `historyDropped` counting what fell off the front. */
  history: RolloutEvent[];
  /** Events dropped from the front of `history` (the audit trail has them). */
  historyDropped: number;
}

/** What decide returns. */
export interface Decision<S> {
  /** Persist this before applying `actions`. */
  state: S;
  /** Apply in order. */
  actions: Action[];
  /** Call decide again by then even if nothing is observed (a deadline or pause end); null: no timer. */
  wakeAt: EpochMs | null;
}
