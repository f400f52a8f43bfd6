/**
 * Applies a decision's actions to the target, the router and the runners. Every action is idempotent
 * (a resumed controller may repeat the last decision's). Starting and scaling instances runs in the
 * background — the strategy waits for readiness through its observations — but one version's target
 * calls are queued, so a scale never overtakes the deploy it follows. A stop does not queue: it
 * drops the version's queued work and cuts a deploy in flight short, so a rolled-back version that
 * never got ready does not keep crash-looping until its readiness wait times out.
 */
import type { Store } from "../../store/types";
import type { Router } from "../router/types";
import type { Action } from "../strategy/types";
import type { Target } from "../target/types";
import type { AnalysisRunner } from "./analysis-runner";
import type { DeploymentSpec, VersionRun } from "./deployment-spec";
import { removeBackends, routeWeights } from "./sync-backends";

export interface ApplyContext {
  environment: string;
  deploymentId: string;
  spec: DeploymentSpec;
  store: Store;
  target: Target;
  router: Router;
  analyses: AnalysisRunner;
  /** Starts the smoke test `test` against `version`; its result comes back as an observation. */
  runSmokeTest: (runId: string, test: string, version: string) => void;
  /** Remembers open approval requests for the status view. */
  onApprovalRequested: (requestId: string, name: string) => void;
  log: (line: string) => void;
}

/** One version's queue of target calls; a stop bumps `generation`, which drops what was queued before. */
interface Lane {
  tail: Promise<unknown>;
  generation: number;
  /** The stop in progress, which a second stop of the version joins. */
  stopping: Promise<void> | null;
}

const lanes = new WeakMap<Target, Map<string, Lane>>();

function laneOf(target: Target, version: string): Lane {
  let byVersion = lanes.get(target);
  if (byVersion === undefined) lanes.set(target, (byVersion = new Map()));
  let lane = byVersion.get(version);
  if (lane === undefined)
    byVersion.set(version, (lane = { tail: Promise.resolve(), generation: 0, stopping: null }));
  return lane;
}

/**
 * Runs `work` after every earlier target call for `version` on `target`; resolves with undefined
 * without running it when the version was stopped after it was queued.
 */
export function serialise<T>(
  target: Target,
  version: string,
  work: () => Promise<T>,
): Promise<T | undefined> {
  const lane = laneOf(target, version);
  const generation = lane.generation;
  const run = (): Promise<T | undefined> =>
    lane.generation === generation ? work() : Promise.resolve(undefined);
  const next = lane.tail.then(run, run);
  lane.tail = next.catch(() => undefined);
  return next;
}

/**
 * Stops `version` now: out of the router first (so no new request reaches instances about to stop),
 * queued deploys and scales dropped, and later ones queued behind the stop. Idempotent.
 */
export function stopVersionNow(
  target: Target,
  router: Router,
  version: string,
  drainMs?: number,
): Promise<void> {
  const lane = laneOf(target, version);
  lane.generation += 1;
  if (lane.stopping !== null) return lane.stopping;
  const stopping = (async (): Promise<void> => {
    // Removed backends resolve when drained; waiting for that would hold the stop for no reason.
    await Promise.race([
      removeBackends(router, version).catch(() => undefined),
      new Promise((r) => setTimeout(r, 1000).unref?.()),
    ]);
    await target.stop(version, drainMs === undefined ? {} : { drainMs });
  })().finally(() => {
    lane.stopping = null;
  });
  lane.stopping = stopping;
  lane.tail = Promise.all([lane.tail, stopping]).catch(() => undefined);
  return stopping;
}

/** How to run `version` in this deployment: the candidate's run or the stable one's. */
export function runFor(spec: DeploymentSpec, version: string, candidate: string): VersionRun | null {
  if (version === candidate) return spec.run;
  return spec.stableRun;
}

export async function applyActions(ctx: ApplyContext, candidate: string, actions: Action[]): Promise<void> {
  for (const action of actions) await applyAction(ctx, candidate, action);
}

const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));

async function applyAction(ctx: ApplyContext, candidate: string, action: Action): Promise<void> {
  const { target, router } = ctx;
  switch (action.type) {
    case "deployVersion":
    case "scale": {
      const run = runFor(ctx.spec, action.version, candidate);
      if (run === null) {
        ctx.log(`cannot run ${action.version}: no run spec recorded for it`);
        return;
      }
      const { version, instances } = action;
      void serialise(target, version, () => target.deploy(version, { ...run, instances })).then(
        (r) => {
          if (r !== undefined) ctx.log(`${version}: ${r.ready}/${instances} instances ready`);
        },
        (err: unknown) => ctx.log(`${version}: deploy failed: ${message(err)}`),
      );
      return;
    }
    case "setWeights": {
      const missing = await routeWeights(target, router, action.weights);
      if (missing.length > 0)
        ctx.log(`weights set while ${missing.join(", ")} had no ready instance (requests to it get 503)`);
      return;
    }
    case "setHeaderRoute":
      await router.setHeaderRoute(
        action.match === null
          ? null
          : { header: action.match.header, value: action.match.value, version: action.version },
      );
      return;
    case "startAnalysis":
      ctx.analyses.start({
        runId: action.runId,
        analysis: action.analysis,
        // The analysis as stored with the deployment: sluice.yml may have changed since it started.
        config: ctx.spec.analyses[action.analysis],
        scope: action.scope,
        candidate: action.candidate,
        baseline: action.baseline,
      });
      return;
    case "stopAnalysis":
      ctx.analyses.stop(action.runId);
      return;
    case "runSmokeTest":
      ctx.runSmokeTest(action.runId, action.test, action.version);
      return;
    case "awaitApproval":
      ctx.onApprovalRequested(action.requestId, action.name);
      return;
    case "promote":
      await ctx.store.upsertEnvironment(ctx.environment, {
        stableVersion: action.version,
        stableDeploymentId: ctx.deploymentId,
      });
      return;
    case "abort":
      return; // the environment's stable version is unchanged; the state records the outcome
    case "stopVersion":
      // Draining takes up to drainMs: in the background, so the controller keeps watching meanwhile.
      void stopVersionNow(target, router, action.version, action.drainMs).catch((err: unknown) =>
        ctx.log(`${action.version}: stop failed: ${message(err)}`),
      );
      return;
    case "record":
      return; // written to the audit trail with the state, before any action ran
  }
}
