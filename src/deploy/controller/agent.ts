/**
 * The environment agent: the one long-lived process per environment that runs its router, its
 * instances (through the target) and its rollout controller. `sluice deploy` starts it when none runs;
 * `sluice stop` ends it. Between rollouts it keeps the stable version running and routed. Killed at
 * any moment (kill -9 included), a new agent adopts the running instances, restores the router's
 * weights from the persisted rollout state and resumes the rollout (or rolls back, per `onResume`).
 */
import path from "node:path";
import type { AnalysisConfig, EnvironmentConfig } from "../../config/deploy-schema";
import type { DeployCommandRecord } from "../../store/deployment-types";
import type { Store } from "../../store/types";
import { createRouter } from "../router/registry";
import { BUILTIN_ROUTER_TYPE } from "../router/builtin/builtin-router";
import type { Router, RouterAddress, RouterConfig } from "../router/types";
import { createTarget } from "../target/registry";
import type { Target } from "../target/types";
import { AnalysisRunner } from "./analysis-runner";
import { serialise } from "./apply-actions";
import { healthCheckSpec } from "./deployment-spec";
import type { DeploymentSpec } from "./deployment-spec";
import { HealthMonitor } from "./health-monitor";
import { Inbox } from "./inbox";
import { collectLive } from "./live";
import { RolloutController } from "./rollout-controller";
import { runSmokeTest } from "./smoke-test";
import { syncBackends } from "./sync-backends";

export interface AgentOptions {
  repoRoot: string;
  environment: string;
  config: EnvironmentConfig;
  analyses: Record<string, AnalysisConfig>;
  store: Store;
  /** Where the agent keeps its files (`.sluice/deploy/<environment>`). */
  stateDir: string;
  now?: () => number;
  log?: (line: string) => void;
  /** Longest time between two decisions (default 250 ms). */
  tickMs?: number;
  /** How often the agent records that it is alive, with the live view (default 1000 ms). */
  heartbeatMs?: number;
}

/** Commands aimed at the environment rather than a rollout. */
const AGENT_COMMANDS = new Set(["chaos", "stop"]);

export class EnvironmentAgent {
  readonly router: Router;
  readonly target: Target;
  readonly #inbox: Inbox;
  readonly #analyses: AnalysisRunner;
  readonly #health: HealthMonitor | null;
  readonly #controller: RolloutController;
  readonly #now: () => number;
  readonly #log: (line: string) => void;
  #wake: (() => void) | null = null;
  #address: RouterAddress | null = null;
  #fault: { errorRate: number; latencyMs: number; until: number; version?: string } | null = null;

  constructor(private readonly options: AgentOptions) {
    const { config } = options;
    this.#now = options.now ?? Date.now;
    this.#log = options.log ?? (() => {});
    this.router = createRouter(routerConfig(config.router), { now: this.#now });
    this.target = createTarget(config.target.type, {
      cwd: options.repoRoot,
      stateFile: path.join(options.stateDir, "instances.json"),
      onOutput: (id, stream, line) => this.#log(`[${id}] ${stream === "stderr" ? "! " : ""}${line}`),
    });
    this.#inbox = new Inbox(() => this.#wake?.());
    this.#analyses = new AnalysisRunner({
      analyses: options.analyses,
      providerContext: { router: this.router },
      now: this.#now,
      onVerdict: (v) => {
        this.#log(`analysis ${v.runId}: ${v.verdict}${v.reason ? ` — ${v.reason}` : ""}`);
        this.#inbox.analysis(v);
      },
    });
    this.#health = config.healthCheck
      ? new HealthMonitor({
          check: healthCheckSpec(config.healthCheck.check),
          intervalMs: config.healthCheck.interval,
          instances: () => this.target.listInstances(),
          onResult: (o) => this.#inbox.health(o),
        })
      : null;
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
      watchVersion: (v) => this.#health?.watch(v),
      log: this.#log,
    });
  }

  /** Adopts running instances, starts the router and records the agent; resolves with the router address. */
  async start(): Promise<RouterAddress> {
    const adopted = await this.target.recover({ adopt: true });
    if (adopted.length > 0) this.#log(`adopted running instances of ${adopted.join(", ")}`);
    await syncBackends(this.target, this.router);
    this.#address = await this.router.start();
    await this.#heartbeat();
    this.#log(`routing http://${this.#address.host}:${this.#address.port}`);
    return this.#address;
  }

  /** Runs until `signal` aborts or a `stop` command arrives; then stops everything it started. */
  async run(signal: AbortSignal): Promise<void> {
    const tickMs = this.options.tickMs ?? 250;
    const heartbeatMs = this.options.heartbeatMs ?? 1000;
    let nextBeat = 0;
    let stop = false;
    while (!signal.aborted && !stop) {
      stop = await this.#handleAgentCommands();
      const { deployment, wakeAt } = await this.#controller.tick();
      if (deployment === null) await this.#keepStable();
      if (this.#now() >= nextBeat) {
        await this.#heartbeat();
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
    this.#health?.close();
    await this.router.stop();
    await this.target.close();
    await this.options.store.upsertEnvironment(this.options.environment, {
      agentPid: null,
      heartbeatAt: null,
    });
    this.#log("agent stopped");
  }

  /** Between rollouts: the stable version runs at full size and takes all traffic; nothing else runs. */
  async #keepStable(): Promise<void> {
    const { store, environment, config } = this.options;
    const env = await store.getEnvironment(environment);
    const stable = env?.stableVersion ?? null;
    const status = this.target.status();
    for (const version of Object.keys(status)) {
      if (version !== stable) {
        await this.router.setBackends(version, []);
        void serialise(this.target, version, () => this.target.stop(version));
      }
    }
    if (stable === null || env?.stableDeploymentId == null) return;
    if (status[stable] === undefined) {
      const record = await store.getDeployment(env.stableDeploymentId);
      const run = (record?.spec as DeploymentSpec | undefined)?.run;
      if (run === undefined) return;
      this.#log(`starting stable ${stable}`);
      void serialise(this.target, stable, () =>
        this.target.deploy(stable, { ...run, instances: config.target.instances }),
      );
    }
    await syncBackends(this.target, this.router);
    const weights = await this.router.getWeights();
    if (weights[stable] !== 100 && (status[stable]?.ready ?? 0) > 0)
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
    const def = spec.smokeTests[test];
    if (def === undefined) {
      this.#inbox.smokeTest({ runId, ok: false, reason: `smoke test "${test}" is not defined` });
      return;
    }
    const instance = this.target.listInstances().find((i) => i.version === version && i.ready);
    const router = this.#address ? `http://${this.#address.host}:${this.#address.port}` : "";
    const preview = spec.rollout.strategy === "blueGreen" ? spec.rollout.previewRoute?.match : undefined;
    void runSmokeTest({
      command: def.run,
      cwd: this.options.repoRoot,
      timeoutMs: def.timeoutMs ?? 300_000,
      env: {
        URL: instance ? `http://${instance.host}:${instance.port}` : router,
        ROUTER_URL: router,
        VERSION: version,
        ...(preview ? { PREVIEW_HEADER: preview.header, PREVIEW_VALUE: preview.value } : {}),
      },
      onOutput: (line) => this.#log(`[smoke ${version}] ${line}`),
    }).then((r) => this.#inbox.smokeTest({ runId, ...r }));
  }

  async #heartbeat(): Promise<void> {
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

/**
 * sluice.yml gives every router `host` and `port`; the builtin router takes them as `listen` (its
 * own option shape predates environments), the engines' routers as they are.
 */
function routerConfig(router: EnvironmentConfig["router"]): RouterConfig {
  if (router.type !== BUILTIN_ROUTER_TYPE) return { ...router };
  const { host, port, ...rest } = router;
  return { ...rest, listen: { host, port } };
}
