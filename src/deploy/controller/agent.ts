/**
 * The environment agent: the one long-lived process per environment that runs its router, its
 * instances (through the target) and its rollout controller. `sluice deploy` starts it when none runs;
 * `sluice stop` ends it. Between rollouts it keeps the stable version running and routed. Killed at
 * any moment (kill -9 included), a new agent adopts the running instances, restores the router's
 * weights from the persisted rollout state and resumes the rollout (or rolls back, per `onResume`).
 */
import path from "node:path";
import type { EnvironmentConfig } from "../../config/deploy-schema";
import type { DeployCommandRecord } from "../../store/deployment-types";
import type { Store } from "../../store/types";
import { createRouter } from "../router/registry";
import type { Router, RouterAddress } from "../router/types";
import { createTarget } from "../target/registry";
import type { Target } from "../target/types";
import { AnalysisRunner } from "./analysis-runner";
import { serialise, stopVersionNow } from "./apply-actions";
import type { DeploymentSpec } from "./deployment-spec";
import { HealthMonitor } from "./health-monitor";
import { Inbox } from "./inbox";
import { renderAgentMetrics, startMetricsEndpoint, type MetricsEndpoint } from "./metrics-endpoint";
import { collectLive } from "./live";
import { RolloutController } from "./rollout-controller";
import { startSmokeTest } from "./smoke-test";
import { cliEntry, describeError, routerConfig, waitForReady } from "./agent-support";
import { routeWeights, syncBackends, versionsWithoutBackends } from "./sync-backends";
import type { RolloutState, Weights } from "../strategy/index";

export interface AgentOptions {
  repoRoot: string;
  environment: string;
  config: EnvironmentConfig;
  store: Store;
  /** Where the agent keeps its files (`.sluice/deploy/<environment>`). */
  stateDir: string;
  now?: () => number;
  log?: (line: string) => void;
  /** Longest time between two decisions (default 250 ms). */
  tickMs?: number;
  /** How often the agent records that it is alive, with the live view (default 1000 ms). */
  heartbeatMs?: number;
  /** Longest wait at start for adopted instances to pass readiness again (default 5000 ms). */
  adoptWaitMs?: number;
}

/** Commands aimed at the environment rather than a rollout. */
const AGENT_COMMANDS = new Set(["chaos", "stop"]);

export class EnvironmentAgent {
  readonly router: Router;
  readonly target: Target;
  readonly #inbox: Inbox;
  readonly #analyses: AnalysisRunner;
  readonly #health: HealthMonitor;
  readonly #controller: RolloutController;
  readonly #now: () => number;
  readonly #log: (line: string) => void;
  #wake: (() => void) | null = null;
  #address: RouterAddress | null = null;
  #metrics: MetricsEndpoint | null = null;
  /** Wall-clock start (commands carry wall-clock times, whatever clock decisions use). */
  #startedAt = 0;
  #fault: { errorRate: number; latencyMs: number; until: number; version?: string } | null = null;

  constructor(private readonly options: AgentOptions) {
    const { config } = options;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? (() => {});
    this.router = createRouter(routerConfig(config.router), {
      now: this.#now,
      stateDir: options.stateDir,
    });
    this.target = createTarget(config.target.type, {
      settings: config.target,
      cwd: options.repoRoot,
      stateFile: path.join(options.stateDir, "instances.json"),
      onOutput: (id, stream, line) => this.#log(`[${id}] ${stream === "stderr" ? "! " : ""}${line}`),
    });
    this.#inbox = new Inbox(() => this.#wake?.());
    this.#analyses = new AnalysisRunner({
      providerContext: { router: this.router },
      now: this.#now,
      onVerdict: (v) => {
        this.#log(`analysis ${v.runId}: ${v.verdict}${v.reason ? ` — ${v.reason}` : ""}`);
        this.#inbox.analysis(v);
      },
    });
    this.#health = new HealthMonitor({
      instances: () => this.target.listInstances(),
      onResult: (o) => this.#inbox.health(o),
    });
    this.#controller = new RolloutController({
      environment: options.environment,
      store: options.store,
      target: this.target,
      router: this.router,
      analyses: this.#analyses,
      inbox: this.#inbox,
      now: this.#now,
      runSmokeTest: (deployment, runId, test, version) =>
        this.#smokeTest(deployment.spec as DeploymentSpec, runId, test, version),
      watchVersion: (v, health) => this.#health.watch(v, health),
      log: this.#log,
    });
  }

  /** Adopts running instances, starts the router and records the agent; resolves with the router address. */
  async start(): Promise<RouterAddress> {
    this.#startedAt = Date.now();
    const adopted = await this.target.recover({ adopt: true });
    if (adopted.length > 0) {
      this.#log(`adopted running instances of ${adopted.join(", ")}`);
      // Adopted instances pass readiness again before they count; the router opens once they have,
      // so the first requests after a restart find them (bounded: a dead one is replaced meanwhile).
      await waitForReady(this.target, this.options.adoptWaitMs ?? 5000);
    }
    await syncBackends(this.target, this.router);
    await this.#initialWeights();
    this.#address = await this.router.start();
    const metrics = this.options.config.metrics;
    if (metrics) {
      this.#metrics = await startMetricsEndpoint({
        ...metrics,
        render: () =>
          renderAgentMetrics(this.router, this.options.environment, Object.keys(this.target.status())),
        log: this.#log,
      });
      this.#log(`Prometheus metrics at ${this.#metrics.url}`);
    }
    await this.#heartbeat();
    this.#log(`routing http://${this.#address.host}:${this.#address.port}`);
    return this.#address;
  }

  /**
   * Before the router opens, the split the environment last had — the active rollout's persisted
   * weights, else its stable version — but only if every version in it has a ready instance, so
   * the first requests are served rather than answered 503 while the first decision is taken. That
   * decision (a resume) then sets the split it wants.
   */
  async #initialWeights(): Promise<void> {
    const { store, environment } = this.options;
    const active = await store.activeDeployment(environment);
    const state = active?.state as RolloutState | null | undefined;
    const stable = active
      ? (active.spec as DeploymentSpec).rollout.stable
      : ((await store.getEnvironment(environment))?.stableVersion ?? null);
    const choices: Weights[] = [];
    if (state && Object.keys(state.weights).length > 0) choices.push(state.weights);
    if (stable !== null) choices.push({ [stable]: 100 });
    const usable = choices.find((w) => versionsWithoutBackends(this.target, w).length === 0);
    if (usable !== undefined) await this.router.setWeights(usable);
  }

  /** Runs until `signal` aborts or a `stop` command arrives; then stops everything it started. */
  async run(signal: AbortSignal): Promise<void> {
    const tickMs = this.options.tickMs ?? 250;
    const heartbeatMs = this.options.heartbeatMs ?? 1000;
    let nextBeat = 0;
    let stop = false;
    while (!signal.aborted && !stop) {
      let wakeAt: number | null = null;
      try {
        stop = await this.#handleAgentCommands();
        const tick = await this.#controller.tick();
        wakeAt = tick.wakeAt;
        if (tick.deployment === null) await this.#keepStable();
      } catch (err) {
        // A failed tick must not end the agent: it would take the router and every instance with it.
        // The controller re-asserts its last decision on the next tick; back off a little meanwhile.
        this.#log(`tick failed: ${describeError(err)}`);
        wakeAt = this.#now() + 1000;
      }
      if (this.#now() >= nextBeat) {
        try {
          await this.#heartbeat();
        } catch (err) {
          this.#log(`heartbeat failed: ${describeError(err)}`);
        }
        nextBeat = this.#now() + heartbeatMs;
      }
      const delay = Math.max(0, Math.min(tickMs, (wakeAt ?? Infinity) - this.#now()));
      await new Promise<void>((resolve) => {
        const done = (): void => {
          clearTimeout(timer);
          signal.removeEventListener("abort", done);
          this.#wake = null;
          resolve();
        };
        const timer = setTimeout(done, delay);
        this.#wake = done;
        signal.addEventListener("abort", done, { once: true });
      });
    }
  }

  /** Stops analyses, health checks, the router and every instance; marks the agent gone. */
  async shutdown(): Promise<void> {
    this.#analyses.stopAll();
    this.#health.close();
    await this.#metrics?.close();
    await this.router.stop();
    await this.target.close();
    await this.options.store.upsertEnvironment(this.options.environment, {
      agentPid: null,
      heartbeatAt: null,
    });
    this.#log("agent stopped");
  }

  /**
   * Between rollouts: the stable version runs at the size it was deployed with and takes all
   * traffic; nothing else runs (a version a rollout left behind, or one started by hand).
   */
  async #keepStable(): Promise<void> {
    const { store, environment } = this.options;
    const env = await store.getEnvironment(environment);
    const stable = env?.stableVersion ?? null;
    const status = this.target.status();
    // Traffic first: a rollout that ended without moving it (a failed tick) leaves shares elsewhere.
    await syncBackends(this.target, this.router);
    if (stable !== null && (status[stable]?.ready ?? 0) > 0) {
      const weights = await this.router.getWeights();
      if (weights[stable] !== 100) await routeWeights(this.target, this.router, { [stable]: 100 });
    }
    for (const version of Object.keys(status)) {
      if (version !== stable) {
        void stopVersionNow(this.target, this.router, version).catch((err: unknown) =>
          this.#log(`${version}: stop failed: ${describeError(err)}`),
        );
      }
    }
    if (stable === null || env?.stableDeploymentId == null) return;
    if (status[stable] === undefined) {
      const spec = (await store.getDeployment(env.stableDeploymentId))?.spec as DeploymentSpec | undefined;
      if (spec === undefined) return;
      this.#log(`starting stable ${stable}`);
      const instances = spec.rollout.instances;
      void serialise(this.target, stable, () => this.target.deploy(stable, { ...spec.run, instances })).catch(
        (err: unknown) => this.#log(`${stable}: deploy failed: ${describeError(err)}`),
      );
    }
    await syncBackends(this.target, this.router);
    const weights = await this.router.getWeights();
    if (weights[stable] !== 100 && (this.target.status()[stable]?.ready ?? 0) > 0)
      await this.router.setWeights({ [stable]: 100 });
  }

  async #handleAgentCommands(): Promise<boolean> {
    const { store, environment } = this.options;
    const pending = (await store.pendingDeployCommands(environment)).filter((c) =>
      AGENT_COMMANDS.has((c.command as { type?: string }).type ?? ""),
    );
    let stop = false;
    for (const c of pending) stop = (await this.#agentCommand(c)) || stop;
    await store.ackDeployCommands(pending.map((c) => c.id));
    return stop;
  }

  async #agentCommand(c: DeployCommandRecord): Promise<boolean> {
    const command = c.command as {
      type: string;
      errorRate?: number;
      latencyMs?: number;
      forMs?: number;
      version?: string;
      status?: number;
    };
    await this.options.store.appendAudit({
      actor: c.actor,
      action: `environment.${command.type}`,
      subject: `environment:${this.options.environment}`,
      data: command,
    });
    if (command.type === "stop") {
      // A stop meant for an agent that died before it saw it must not end this one at birth.
      if (Date.parse(c.createdAt) < this.#startedAt) {
        this.#log(`ignoring a stop by ${c.actor} sent before this agent started`);
        return false;
      }
      this.#log(`stop requested by ${c.actor}`);
      return true;
    }
    const fault = {
      errorRate: command.errorRate ?? 0,
      latencyMs: command.latencyMs ?? 0,
      until: this.#now() + (command.forMs ?? 60_000),
      ...(command.version ? { version: command.version } : {}),
      ...(command.status ? { status: command.status } : {}),
    };
    try {
      await this.router.injectFault(fault);
      this.#fault = fault;
      this.#log(`chaos by ${c.actor}: ${JSON.stringify(fault)}`);
    } catch (err) {
      this.#log(`chaos rejected: ${err instanceof Error ? err.message : String(err)}`);
    }
    return false;
  }

  #smokeTest(spec: DeploymentSpec, runId: string, test: string, version: string): void {
    startSmokeTest({
      spec,
      test,
      version,
      instances: this.target.listInstances(),
      routerUrl: this.#address ? `http://${this.#address.host}:${this.#address.port}` : "",
      cwd: this.options.repoRoot,
      cli: cliEntry(process.env),
      log: this.#log,
    }).then((r) => this.#inbox.smokeTest({ runId, ...r }));
  }

  async #heartbeat(): Promise<void> {
    // Counter readings every beat: baselines can then reach back `baselineHistory`, further than
    // the router keeps single requests.
    await this.#analyses.takeReadings(Object.keys(this.target.status()));
    const now = this.#now();
    if (this.#fault && this.#fault.until <= now) this.#fault = null;
    const live = await collectLive({
      router: this.router,
      target: this.target,
      analyses: this.#analyses.views(),
      approvals: [...this.#controller.approvalRequests].map(([requestId, name]) => ({ requestId, name })),
      fault: this.#fault,
      now,
    });
    await this.options.store.upsertEnvironment(this.options.environment, {
      agentPid: process.pid,
      heartbeatAt: new Date(now).toISOString(),
      routerUrl: this.#address ? `http://${this.#address.host}:${this.#address.port}` : null,
      live,
    });
  }
}
