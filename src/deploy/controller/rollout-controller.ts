/**
 * The controller of one environment's rollouts: load → decide → persist → apply (DESIGN.md). Each
 * `tick` loads the active deployment, gathers what was observed since the previous tick, asks the
 * strategy for a decision, saves the new state together with its audit entries (compare-and-set, so a
 * second controller for the same environment fails instead of acting twice), acknowledges the user
 * commands the decision saw, and only then touches the target and the router.
 */
import type {
  DeployCommandRecord,
  DeploymentRecord,
  DeploymentStatus,
  NewAuditEntry,
} from "../../store/deployment-types";
import type { Store } from "../../store/types";
import type { Router } from "../router/types";
import { decideRollout, initialRolloutState, isTerminalPhase } from "../strategy/index";
import type { Observations, RolloutEvent, RolloutPhase, RolloutState, UserCommand } from "../strategy/index";
import type { Target } from "../target/types";
import { applyActions, serialise } from "./apply-actions";
import type { AnalysisRunner } from "./analysis-runner";
import type { DeploymentSpec } from "./deployment-spec";
import { checkEnvironmentApprovals, environmentApprovalId } from "./environment-approvals";
import type { Inbox } from "./inbox";
import { routeWeights, syncBackends } from "./sync-backends";

export interface ControllerDeps {
  environment: string;
  store: Store;
  target: Target;
  router: Router;
  analyses: AnalysisRunner;
  inbox: Inbox;
  now: () => number;
  runSmokeTest: (deployment: DeploymentRecord, runId: string, test: string, version: string) => void;
  /** Called with the version under rollout and its deployment's health check (nulls: none). */
  watchVersion: (version: string | null, health: DeploymentSpec["healthCheck"]) => void;
  log: (line: string) => void;
}

/** What a tick did, for the agent's scheduling. */
export interface TickResult {
  /** The deployment the tick worked on, null when the environment has none in progress. */
  deployment: DeploymentRecord | null;
  /** When the strategy wants to be asked again even if nothing happens; null: no timer. */
  wakeAt: number | null;
}

const USER_COMMANDS = new Set(["promote", "abort", "rollback"]);

export class RolloutController {
  /** Deployments this controller has decided for: the first decision after loading one is a resume. */
  readonly #seen = new Set<string>();
  /** Open approval requests of the current deployment, for the status view. */
  readonly approvalRequests = new Map<string, string>();
  /** Deployments waiting for their stable version to be ready before they start: since when. */
  readonly #stableWait = new Map<string, number>();

  constructor(private readonly deps: ControllerDeps) {}

  /**
   * One decision for the environment's active deployment, if any. Throws when the store, the router
   * or the strategy fails; the next tick then treats the deployment as resumed, so whatever the
   * failed tick decided but did not apply is asserted again (the decision may already be persisted).
   */
  async tick(): Promise<TickResult> {
    let current: string | null = null;
    try {
      return await this.#tick((id) => (current = id));
    } catch (err) {
      if (current !== null) this.#seen.delete(current);
      throw err;
    }
  }

  async #tick(loaded: (id: string) => void): Promise<TickResult> {
    const { store, environment } = this.deps;
    const deployment = await store.activeDeployment(environment);
    if (deployment !== null) loaded(deployment.id);
    if (deployment === null) {
      this.deps.watchVersion(null, null);
      return { deployment: null, wakeAt: null };
    }
    const spec = deployment.spec as DeploymentSpec;
    const now = this.deps.now();
    const state = (deployment.state ?? initialRolloutState(spec.rollout, now)) as RolloutState;
    let commands = (await store.pendingDeployCommands(environment)).filter(
      (c) =>
        (c.deploymentId === null || c.deploymentId === deployment.id) && USER_COMMANDS.has(commandType(c)),
    );
    const firstLook = !this.#seen.has(deployment.id);
    this.#seen.add(deployment.id);

    if (state.phase === "pending" && spec.approvals.length > 0) {
      const gate = await checkEnvironmentApprovals(store, deployment, spec.approvals, commands, now);
      if (gate.outcome === "waiting") {
        await store.ackDeployCommands(gate.consumed);
        this.approvalRequests.clear();
        for (const name of gate.missing) this.approvalRequests.set(environmentApprovalId(name), name);
        return { deployment, wakeAt: null };
      }
      if (gate.outcome === "refused") {
        await this.#finish(deployment, state, "aborted", gate.reason, commands, now);
        return { deployment: null, wakeAt: null };
      }
      await store.ackDeployCommands(gate.consumed);
      commands = commands.filter((c) => !gate.consumed.includes(c.id));
      this.approvalRequests.clear();
    }
    if (state.phase === "pending" && !(await this.#stableServing(deployment, spec, now))) {
      return { deployment, wakeAt: now + STABLE_POLL_MS };
    }
    const resumed = firstLook && state.phase !== "pending";
    // The router of a restarted agent starts empty: give it the adopted instances. The weights come
    // from the resume decision below, which knows whether each version is ready to take its share.
    if (resumed) await syncBackends(this.deps.target, this.deps.router);
    const obs = await this.#observe(deployment, commands, resumed);
    const decision = decideRollout(effectiveRollout(spec), state, obs, now);
    const next = decision.state;
    const status = statusOf(next.phase);
    await store.saveDeploymentState(deployment.id, {
      revision: deployment.revision,
      state: next,
      phase: next.phase,
      status,
      reason: next.reason,
      audit: auditEntries(deployment, decision.actions),
    });
    await store.ackDeployCommands(commands.map((c) => c.id));
    const candidate = deployment.version;
    this.deps.watchVersion(status === "in_progress" ? candidate : null, spec.healthCheck);
    await applyActions(
      {
        environment,
        deploymentId: deployment.id,
        spec,
        store,
        target: this.deps.target,
        router: this.deps.router,
        analyses: this.deps.analyses,
        runSmokeTest: (runId, test, version) => this.deps.runSmokeTest(deployment, runId, test, version),
        onApprovalRequested: (requestId, name) => this.approvalRequests.set(requestId, name),
        log: this.deps.log,
      },
      candidate,
      decision.actions,
    );
    // A new router (restarted agent) has no split until one is set: when the resume decision did not
    // move traffic itself (it waits, e.g. for stable to be ready again), keep the persisted split.
    if (resumed && !decision.actions.some((a) => a.type === "setWeights")) {
      await routeWeights(this.deps.target, this.deps.router, next.weights);
    }
    await syncBackends(this.deps.target, this.deps.router);
    if (status !== "in_progress") {
      this.deps.analyses.stopAll();
      this.approvalRequests.clear();
      this.deps.log(
        `deployment #${deployment.number} of ${candidate} ended: ${next.phase}${next.reason ? ` (${next.reason})` : ""}`,
      );
      return { deployment: null, wakeAt: null };
    }
    return {
      deployment: { ...deployment, state: next, revision: deployment.revision + 1 },
      wakeAt: decision.wakeAt,
    };
  }

  /**
   * Before a rollout's first decision: the stable version it is measured against (and whose traffic
   * it takes a share of) must serve. After `sluice stop` it has no instance, so it is started first
   * from its recorded run, and the rollout waits until it is ready — never giving a share to a
   * version with no ready instance. True when the rollout may start.
   */
  async #stableServing(deployment: DeploymentRecord, spec: DeploymentSpec, now: number): Promise<boolean> {
    const stable = effectiveRollout(spec).stable;
    // A rollback switches to an older version at once: it needs no stable to compare against.
    if (stable === null || spec.rollbackOf !== null) return true;
    const status = this.deps.target.status()[stable];
    const wanted = await this.#stableInstances(spec);
    if ((status?.ready ?? 0) >= wanted) {
      this.#stableWait.delete(deployment.id);
      return true;
    }
    let since = this.#stableWait.get(deployment.id);
    if (since === undefined) {
      this.#stableWait.set(deployment.id, (since = now));
      if (status === undefined) {
        this.deps.log(`stable ${stable} has no running instance: starting ${wanted} before the rollout`);
        const { target } = this.deps;
        const run = spec.stableRun!;
        void serialise(target, stable, () => target.deploy(stable, { ...run, instances: wanted })).catch(
          (err: unknown) =>
            this.deps.log(`${stable}: deploy failed: ${err instanceof Error ? err.message : String(err)}`),
        );
      }
    }
    const timeout = spec.rollout.readyTimeoutMs ?? DEFAULT_READY_TIMEOUT_MS;
    if (now - since < timeout) return false;
    // Past the ready timeout: a partly ready stable still serves; none at all cannot start a rollout.
    if ((status?.ready ?? 0) > 0) {
      this.#stableWait.delete(deployment.id);
      return true;
    }
    const reason = `stable ${stable} had no ready instance after ${Math.round(timeout / 1000)}s: the rollout did not start`;
    this.deps.log(reason);
    const state = (deployment.state ?? initialRolloutState(spec.rollout, now)) as RolloutState;
    await this.#finish(deployment, state, "aborted", reason, [], now);
    this.#stableWait.delete(deployment.id);
    return false;
  }

  /** The stable version's size: as its own deployment ran it, else this rollout's instance count. */
  async #stableInstances(spec: DeploymentSpec): Promise<number> {
    const env = await this.deps.store.getEnvironment(this.deps.environment);
    if (env?.stableDeploymentId != null && env.stableVersion === spec.rollout.stable) {
      const own = (await this.deps.store.getDeployment(env.stableDeploymentId))?.spec as
        DeploymentSpec | undefined;
      if (own !== undefined) return own.rollout.instances;
    }
    return spec.rollout.instances;
  }

  async #observe(
    deployment: DeploymentRecord,
    commands: DeployCommandRecord[],
    resumed: boolean,
  ): Promise<Observations> {
    const inbox = this.deps.inbox.drain();
    const approvals = await this.deps.store.listApprovals(deployment.id);
    return {
      ...(resumed ? { resumed: true } : {}),
      instances: this.deps.target.status(),
      health: inbox.health,
      analyses: inbox.analyses,
      smokeTests: inbox.smokeTests,
      approvals: approvals.map((a) => ({ requestId: a.requestId, approved: a.approved, by: a.by })),
      commands: commands.map((c) => ({ ...(c.command as UserCommand), by: c.actor })),
    };
  }

  async #finish(
    deployment: DeploymentRecord,
    state: RolloutState,
    status: DeploymentStatus,
    reason: string,
    commands: DeployCommandRecord[],
    now: number,
  ): Promise<void> {
    const event: RolloutEvent = { at: now, type: "aborted", message: reason };
    await this.deps.store.saveDeploymentState(deployment.id, {
      revision: deployment.revision,
      state: { ...state, phase: "aborted", reason, history: [...state.history, event] },
      phase: "aborted",
      status,
      reason,
      audit: [auditEntry(deployment, event)],
    });
    await this.deps.store.ackDeployCommands(commands.map((c) => c.id));
  }
}

const STABLE_POLL_MS = 250;
const DEFAULT_READY_TIMEOUT_MS = 2 * 60_000;

/**
 * The rollout spec decisions are taken on. A stable version whose run was not recorded cannot be
 * started, so the rollout treats the environment as having none — like a first deployment, the new
 * version takes all traffic once it is ready (its "started" event says "no stable version").
 */
export function effectiveRollout(spec: DeploymentSpec): DeploymentSpec["rollout"] {
  if (spec.rollout.stable !== null && spec.stableRun === null) return { ...spec.rollout, stable: null };
  return spec.rollout;
}

function commandType(c: DeployCommandRecord): string {
  return (c.command as { type?: string } | null)?.type ?? "";
}

export function statusOf(phase: RolloutPhase): DeploymentStatus {
  if (!isTerminalPhase(phase)) return "in_progress";
  return phase as Exclude<DeploymentStatus, "in_progress">;
}

function auditEntries(
  deployment: DeploymentRecord,
  actions: { type: string; event?: RolloutEvent }[],
): NewAuditEntry[] {
  return actions.flatMap((a) => (a.type === "record" && a.event ? [auditEntry(deployment, a.event)] : []));
}

export function auditEntry(deployment: DeploymentRecord, event: RolloutEvent): NewAuditEntry {
  return {
    actor: "sluice-agent",
    action: `deployment.${event.type}`,
    subject: `deployment:${deployment.id}`,
    data: {
      environment: deployment.environment,
      number: deployment.number,
      version: deployment.version,
      at: new Date(event.at).toISOString(),
      message: event.message,
    },
  };
}
