/**
 * Runs the analyses a rollout starts (`startAnalysis` actions): every `interval` it measures the
 * candidate and its baseline through the analysis' metric provider, asks the judge, folds the outcome
 * into the analysis state (limits, early decisions) and, once the analysis is decided, hands the
 * verdict back to the controller as an observation. Each run brings its analysis' configuration —
 * the one stored with its deployment, not whatever `sluice.yml` says by now. In memory only: a
 * restarted controller starts fresh runs (the strategies rename them), so nothing here needs persisting.
 */
import type { AnalysisConfig } from "../../config/deploy-schema";
import { assessAnalysis, initialAnalysisState, judgeOutcome } from "../../analysis/assess";
import type { AnalysisLimits, AnalysisState } from "../../analysis/assess";
import { getJudge } from "../../analysis/judge/registry";
import type { Judge, JudgeResult, Sample } from "../../analysis/judge/types";
import { createMetricProvider } from "../../analysis/provider/registry";
import type { Measurement, MetricProvider, MetricProviderContext } from "../../analysis/provider/types";
import type { AnalysisObservation, AnalysisScope } from "../strategy/types";

/** Blocking analyses with a judge that never decides early take this many measurements by default. */
export const DEFAULT_BLOCKING_COUNT = 5;

export interface AnalysisRunRequest {
  runId: string;
  analysis: string;
  /** The analysis as configured when the deployment started; undefined fails the run at once. */
  config: AnalysisConfig | undefined;
  scope: AnalysisScope;
  candidate: string;
  baseline: string | null;
}

/** What the status view shows of a running analysis. */
export interface AnalysisRunView {
  runId: string;
  analysis: string;
  scope: AnalysisScope;
  candidate: string;
  baseline: string | null;
  measurements: number;
  phase: AnalysisState["phase"];
  lastVerdict: JudgeResult["verdict"] | "error" | null;
  lastReason: string;
}

interface Run {
  request: AnalysisRunRequest;
  config: AnalysisConfig;
  judge: Judge<unknown>;
  spec: unknown;
  limits: AnalysisLimits;
  provider: MetricProvider;
  startedAt: number;
  state: AnalysisState;
  timer: NodeJS.Timeout | null;
  busy: boolean;
  view: AnalysisRunView;
}

export interface AnalysisRunnerOptions {
  /** Passed to metric providers (the router, for the `router` provider). */
  providerContext: MetricProviderContext;
  now?: () => number;
  /** Called when a run is decided (also when it fails to start). */
  onVerdict: (verdict: AnalysisObservation) => void;
}

/** The router provider's configuration as sluice.yml's defaults produce it (the key it is shared by). */
const ROUTER_PROVIDER: AnalysisConfig["provider"] = { type: "router" };

export class AnalysisRunner {
  readonly #runs = new Map<string, Run>();
  readonly #providers = new Map<string, MetricProvider>();
  readonly #now: () => number;

  constructor(private readonly options: AnalysisRunnerOptions) {
    this.#now = options.now ?? Date.now;
  }

  /** Starts a run; idempotent for a run id already running. Configuration problems fail the run. */
  start(request: AnalysisRunRequest): void {
    if (this.#runs.has(request.runId)) return;
    const config = request.config;
    if (config === undefined) {
      this.options.onVerdict({
        runId: request.runId,
        verdict: "fail",
        reason: `analysis "${request.analysis}" is not configured for this deployment`,
      });
      return;
    }
    let run: Run;
    try {
      run = this.#newRun(request, config);
    } catch (err) {
      this.options.onVerdict({
        runId: request.runId,
        verdict: "fail",
        reason: `analysis "${request.analysis}" cannot start: ${err instanceof Error ? err.message : String(err)}`,
      });
      return;
    }
    this.#runs.set(request.runId, run);
    run.timer = setInterval(() => void this.#measure(run), config.interval);
    run.timer.unref?.();
  }

  /** Stops a run; a verdict it had not delivered is dropped. Idempotent. */
  stop(runId: string): void {
    const run = this.#runs.get(runId);
    if (run === undefined) return;
    if (run.timer) clearInterval(run.timer);
    this.#runs.delete(runId);
  }

  stopAll(): void {
    for (const id of [...this.#runs.keys()]) this.stop(id);
  }

  /** Running analyses, for the status view. */
  views(): AnalysisRunView[] {
    return [...this.#runs.values()].map((r) => ({ ...r.view }));
  }

  #newRun(request: AnalysisRunRequest, config: AnalysisConfig): Run {
    const { type, ...rawSpec } = config.judge;
    const judge = getJudge(type);
    const spec = judge.parseSpec(rawSpec);
    const blocking = request.scope !== "background";
    const limits: AnalysisLimits = {
      ...(config.failureLimit === undefined ? {} : { failureLimit: config.failureLimit }),
      // Unset: Argo's default, 0 — the first inconclusive look ends the analysis Inconclusive, which
      // holds the rollout for a person. (A background analysis' looks before the candidate's first
      // request are not counted at all, see #measure.) Never "unlimited": an analysis that could not
      // judge must not pass.
      ...(config.inconclusiveLimit === undefined ? {} : { inconclusiveLimit: config.inconclusiveLimit }),
      ...(config.consecutiveErrorLimit === undefined
        ? {}
        : { consecutiveErrorLimit: config.consecutiveErrorLimit }),
      ...(config.count !== undefined
        ? { count: config.count }
        : blocking && type !== "sequential"
          ? { count: DEFAULT_BLOCKING_COUNT }
          : {}),
    };
    const state = initialAnalysisState();
    return {
      request,
      config,
      judge,
      spec,
      limits,
      provider: this.#provider(config.provider),
      startedAt: this.#now(),
      state,
      timer: null,
      busy: false,
      view: {
        runId: request.runId,
        analysis: request.analysis,
        scope: request.scope,
        candidate: request.candidate,
        baseline: request.baseline,
        measurements: 0,
        phase: state.phase,
        lastVerdict: null,
        lastReason: "",
      },
    };
  }

  /**
   * One provider per provider configuration for the agent's life, shared by every analysis that uses
   * it: the router provider keeps counter readings that later looks measure against, whichever
   * analysis took them.
   */
  #provider(config: AnalysisConfig["provider"]): MetricProvider {
    const key = JSON.stringify(config);
    let provider = this.#providers.get(key);
    if (provider === undefined) {
      provider = createMetricProvider(config, this.options.providerContext);
      this.#providers.set(key, provider);
    }
    return provider;
  }

  /**
   * Records the router's counters for `versions` now (one cheap snapshot each), so a later analysis can
   * measure its baseline over `baselineHistory` even when the router's per-request samples cover
   * less. The agent calls it every few seconds; never rejects.
   */
  async takeReadings(versions: readonly string[]): Promise<void> {
    const provider = this.#provider(ROUTER_PROVIDER);
    const end = this.#now();
    const window = { start: new Date(end - 1000), end: new Date(end) };
    await Promise.all(
      versions.map((version) => provider.query({ name: "requests", query: "requests", version }, window)),
    );
  }

  async #measure(run: Run): Promise<void> {
    if (run.busy) return; // a slow provider: skip a tick rather than pile queries up
    run.busy = true;
    try {
      const end = this.#now();
      const { request, config } = run;
      const canary = await this.#sample(run, request.candidate, run.startedAt, end);
      const history = config.baselineHistory;
      const baseline: Sample =
        request.baseline === null
          ? { version: "baseline", metrics: {} }
          : {
              ...(await this.#sample(run, request.baseline, run.startedAt - history, end)),
              prior: (
                await this.#sample(
                  run,
                  request.baseline,
                  run.startedAt - 2 * history,
                  run.startedAt - history,
                )
              ).metrics,
            };
      if (!this.#runs.has(request.runId)) return; // stopped while measuring
      const outcome = judgeOutcome(run.judge, run.spec, baseline, canary, new Date(end));
      if (request.scope === "background" && outcome.kind === "judged" && noTraffic(canary)) {
        // A background analysis starts with the rollout, before the candidate has any weight: a look
        // before its first request is no measurement (flagger#1035), so it is not counted. Blocking
        // analyses count it: their step follows the weight change, and no traffic is no evidence.
        run.view = {
          ...run.view,
          lastVerdict: outcome.result.verdict,
          lastReason: `waiting for ${request.candidate}'s first request`,
        };
        return;
      }
      const assessment = assessAnalysis(run.state, [outcome], run.limits);
      run.state = assessment.state;
      run.view = {
        ...run.view,
        measurements: run.state.measurements,
        phase: run.state.phase,
        lastVerdict: outcome.kind === "error" ? "error" : outcome.result.verdict,
        lastReason: assessment.reason,
      };
      if (assessment.decision === "continue") return;
      this.stop(request.runId);
      const verdict =
        assessment.decision === "promote"
          ? "pass"
          : assessment.decision === "pause"
            ? "inconclusive"
            : "fail";
      this.options.onVerdict({
        runId: request.runId,
        verdict,
        reason: `${request.analysis}: ${assessment.reason}`,
      });
    } finally {
      run.busy = false;
    }
  }

  async #sample(run: Run, version: string, start: number, end: number): Promise<Sample> {
    const window = { start: new Date(start), end: new Date(end) };
    const entries = await Promise.all(
      run.config.metrics.map(async (m): Promise<[string, Measurement]> => [
        m.name,
        await run.provider.query(
          { name: m.name, query: m.query, version, ...(m.options ? { options: m.options } : {}) },
          window,
        ),
      ]),
    );
    return { version, metrics: Object.fromEntries(entries) };
  }
}

/** True when the sample counts requests and none of its measurements saw one. */
function noTraffic(sample: Sample): boolean {
  const counts = Object.values(sample.metrics).map((m) => m.count);
  return counts.some((c) => c !== undefined) && counts.every((c) => c === undefined || c === 0);
}
