/**
 * The live view an agent publishes with every heartbeat (`EnvironmentRecord.live`): weights, each
 * version's instances and recent traffic, running analyses, open approvals and any injected fault.
 * `sluice status` renders it; the server will stream it.
 */
import type { Router } from "../router/types";
import type { Target } from "../target/types";
import type { AnalysisRunView } from "./analysis-runner";

/** How far back "recent" traffic figures look. */
export const LIVE_WINDOW_MS = 10_000;

export interface LiveVersion {
  ready: number;
  instances: number;
  restarts: number;
  /** Cumulative since the router started. */
  requests: number;
  errors: number;
  /** Over the last LIVE_WINDOW_MS, from the router's recent samples. */
  recent: { requests: number; errorRate: number | null; p95Ms: number | null };
}

export interface LiveView {
  at: string;
  weights: Record<string, number>;
  versions: Record<string, LiveVersion>;
  analyses: AnalysisRunView[];
  approvals: { requestId: string; name: string }[];
  fault: { errorRate: number; latencyMs: number; until: number; version?: string } | null;
}

export async function collectLive(input: {
  router: Router;
  target: Target;
  analyses: AnalysisRunView[];
  approvals: { requestId: string; name: string }[];
  fault: LiveView["fault"];
  now: number;
}): Promise<LiveView> {
  const { router, target, now } = input;
  const status = target.status();
  const instances = target.listInstances();
  const weights = await router.getWeights();
  const names = new Set([...Object.keys(status), ...Object.keys(weights)]);
  const versions: Record<string, LiveVersion> = {};
  for (const v of names) {
    const m = await router.metrics(v);
    const recent = (m?.samples ?? []).filter((s) => s.at >= now - LIVE_WINDOW_MS);
    const errors = recent.filter((s) => s.status >= 500 || s.status === 0).length;
    const sorted = recent.map((s) => s.ms).sort((a, b) => a - b);
    versions[v] = {
      ready: status[v]?.ready ?? 0,
      instances: instances.filter((i) => i.version === v).length,
      restarts: status[v]?.restarts ?? 0,
      requests: m?.requests ?? 0,
      errors: m ? m.status["5xx"] : 0,
      recent: {
        requests: recent.length,
        errorRate: recent.length > 0 ? errors / recent.length : null,
        p95Ms:
          sorted.length > 0
            ? sorted[Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)]!
            : null,
      },
    };
  }
  return {
    at: new Date(now).toISOString(),
    weights,
    versions,
    analyses: input.analyses,
    approvals: input.approvals,
    fault: input.fault,
  };
}
