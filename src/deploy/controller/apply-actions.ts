/**
 * Applies a decision's actions to the target, the router and the runners. Every action is idempotent
 * (a resumed controller may repeat the last decision's). Starting and scaling instances runs in the
 * background — the strategy waits for readiness through its observations — but one version's target
 * calls are serialised, so a scale never overtakes the deploy it follows.
 */
import type { Store } from "../../store/types";
import type { Router } from "../router/types";
import type { Action } from "../strategy/types";
import type { Target } from "../target/types";
import type { AnalysisRunner } from "./analysis-runner";
import type { DeploymentSpec, VersionRun } from "./deployment-spec";
import { syncBackends } from "./sync-backends";

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

const chains = new WeakMap<Target, Map<string, Promise<unknown>>>();

/** Runs `work` after every earlier target call for `version` on `target`. */
export function serialise(target: Target, version: string, work: () => Promise<unknown>): Promise<unknown> {
  let byVersion = chains.get(target);
  if (byVersion === undefined) chains.set(target, (byVersion = new Map()));
  const next = (byVersion.get(version) ?? Promise.resolve()).then(work, work);
  byVersion.set(
    version,
    next.catch(() => undefined),
  );
  return next;
}

/** How to run `version` in this deployment: the candidate's run or the stable one's. */
export function runFor(spec: DeploymentSpec, version: string, candidate: string): VersionRun | null {
  if (version === candidate) return spec.run;
  return spec.stableRun;
}

export async function applyActions(ctx: ApplyContext, candidate: string, actions: Action[]): Promise<void> {
  for (const action of actions) await applyAction(ctx, candidate, action);
}

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
        (r) => ctx.log(`${version}: ${(r as { ready: number }).ready}/${instances} instances ready`),
        (err: unknown) =>
          ctx.log(`${version}: deploy failed: ${err instanceof Error ? err.message : String(err)}`),
      );
      return;
    }
    case "setWeights":
      await syncBackends(target, router);
      if (Object.keys(action.weights).length > 0) await router.setWeights(action.weights);
      return;
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
    case "stopVersion": {
      const { version, drainMs } = action;
      // Out of the router first, so no new request reaches instances that are about to stop.
      await router.setBackends(version, []);
      void serialise(target, version, () => target.stop(version, { drainMs })).catch((err: unknown) =>
        ctx.log(`${version}: stop failed: ${err instanceof Error ? err.message : String(err)}`),
      );
      return;
    }
    case "record":
      return; // written to the audit trail with the state, before any action ran
  }
}
