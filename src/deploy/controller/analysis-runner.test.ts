import { afterEach, describe, expect, it } from "vitest";
import { analysesSchema } from "../../config/deploy-schema";
import { LATENCY_BUCKETS_MS } from "../router/types";
import type { LatencySample, VersionMetrics } from "../router/types";
import type { AnalysisObservation } from "../strategy/types";
import { AnalysisRunner } from "./analysis-runner";
import type { AnalysisRunRequest } from "./analysis-runner";

const analyses = analysesSchema.parse({
  errors: {
    interval: "40ms",
    metrics: [{ name: "errorRate", query: "errorRate" }],
    judge: { type: "sequential", latency: false },
  },
  broken: { provider: { type: "nowhere" } },
  slo: {
    interval: "20ms",
    count: 3,
    metrics: [{ name: "errorRate", query: "errorRate" }],
    judge: { type: "threshold", conditions: ["errorRate < 0.01"], minSamples: 20 },
  },
});

/**
 * What the router provider reads: every call adds `perLook` requests to the version, `errorEvery`-th
 * of them failed (0: none), so each analysis look sees fresh traffic.
 */
function fakeRouter(errorEvery: Record<string, number>, perLook = 40) {
  const samples = new Map<string, LatencySample[]>();
  return {
    async metrics(version: string): Promise<VersionMetrics | null> {
      if (!(version in errorEvery)) return null;
      const list = samples.get(version) ?? [];
      const now = Date.now();
      for (let i = 0; i < perLook; i++) {
        const n = list.length + 1;
        const bad = errorEvery[version]! > 0 && n % errorEvery[version]! === 0;
        list.push({ at: now - 5, ms: 5, status: bad ? 500 : 200 });
      }
      samples.set(version, list);
      const errors = list.filter((s) => s.status >= 500).length;
      return {
        version,
        requests: list.length,
        status: { "1xx": 0, "2xx": list.length - errors, "3xx": 0, "4xx": 0, "5xx": errors },
        connectionErrors: 0,
        faultsInjected: 0,
        latency: {
          bucketsMs: LATENCY_BUCKETS_MS,
          counts: LATENCY_BUCKETS_MS.map((b, i) => (i === 3 ? list.length : 0)).concat(0),
          sumMs: 5 * list.length,
          count: list.length,
        },
        samples: [...list],
      };
    },
  };
}

const runners: AnalysisRunner[] = [];
afterEach(() => {
  for (const r of runners.splice(0)) r.stopAll();
});

function runner(router: ReturnType<typeof fakeRouter>): {
  runner: AnalysisRunner;
  verdicts: AnalysisObservation[];
} {
  const verdicts: AnalysisObservation[] = [];
  const r = new AnalysisRunner({ providerContext: { router }, onVerdict: (v) => verdicts.push(v) });
  runners.push(r);
  return { runner: r, verdicts };
}

const request = (overrides: Partial<AnalysisRunRequest> = {}): AnalysisRunRequest => ({
  runId: "background:bg:1",
  analysis: "errors",
  config: analyses.errors,
  scope: "background",
  candidate: "v2",
  baseline: "v1",
  ...overrides,
});

async function until(test: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!test()) {
    if (Date.now() > deadline) throw new Error("timed out");
    await new Promise((r) => setTimeout(r, 10));
  }
}

describe("AnalysisRunner", () => {
  it("fails a canary that errors far more than its baseline, and stops measuring it", async () => {
    const { runner: r, verdicts } = runner(fakeRouter({ v1: 0, v2: 3 }));
    r.start(request());
    expect(r.views()).toMatchObject([{ runId: "background:bg:1", analysis: "errors", measurements: 0 }]);
    await until(() => verdicts.length > 0);
    expect(verdicts).toEqual([
      { runId: "background:bg:1", verdict: "fail", reason: expect.stringMatching(/^errors: /) },
    ]);
    expect(r.views()).toEqual([]);
  });

  it("measures a healthy canary without failing it; the view counts the looks", async () => {
    const { runner: r, verdicts } = runner(fakeRouter({ v1: 50, v2: 50 }));
    r.start(request());
    await until(() => (r.views()[0]?.measurements ?? 0) >= 3);
    expect(verdicts.filter((v) => v.verdict === "fail")).toEqual([]);
    expect(r.views()[0]).toMatchObject({ candidate: "v2", baseline: "v1", lastVerdict: "pass" });
  });

  it("uses the configuration the request brings (the deployment's), not one of its own", async () => {
    const { runner: r, verdicts } = runner(fakeRouter({ v1: 0, v2: 3 }));
    r.start(request({ config: undefined }));
    expect(verdicts).toEqual([
      {
        runId: "background:bg:1",
        verdict: "fail",
        reason: 'analysis "errors" is not configured for this deployment',
      },
    ]);
    r.start(request({ runId: "step:s1:2", analysis: "broken", config: analyses.broken }));
    expect(verdicts[1]).toMatchObject({ runId: "step:s1:2", verdict: "fail" });
    expect(verdicts[1]!.reason).toMatch(/cannot start/);
    expect(r.views()).toEqual([]);
  });

  it("start is idempotent per run id; a stopped run never reports", async () => {
    const { runner: r, verdicts } = runner(fakeRouter({ v1: 0, v2: 3 }));
    r.start(request());
    r.start(request());
    expect(r.views()).toHaveLength(1);
    r.stop("background:bg:1");
    r.stop("background:bg:1");
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect(verdicts).toEqual([]);
    expect(r.views()).toEqual([]);
  });

  it("a blocking analysis with too little traffic to judge ends inconclusive, never passes", async () => {
    // Every canary request fails, but there are 2 per look: fewer than minSamples (20) after 3 looks.
    const { runner: r, verdicts } = runner(fakeRouter({ v1: 0, v2: 1 }, 2));
    r.start(request({ runId: "step:s1:1", analysis: "slo", config: analyses.slo, scope: "step" }));
    await until(() => verdicts.length > 0);
    expect(verdicts).toEqual([
      {
        runId: "step:s1:1",
        verdict: "inconclusive",
        reason: expect.stringMatching(
          /^slo: 1 of 1 look inconclusive, more than inconclusiveLimit 0 \(last: errorRate < 0.01: canary.errorRate has \d+ observations, fewer than minSamples 20\)$/,
        ),
      },
    ]);
  });

  it("a blocking analysis with enough traffic passes after count conclusive looks", async () => {
    const { runner: r, verdicts } = runner(fakeRouter({ v1: 0, v2: 0 }, 40));
    r.start(request({ runId: "step:s1:1", analysis: "slo", config: analyses.slo, scope: "step" }));
    await until(() => verdicts.length > 0);
    expect(verdicts).toEqual([
      {
        runId: "step:s1:1",
        verdict: "pass",
        reason: expect.stringMatching(/^slo: all 3 measurements taken/),
      },
    ]);
  });
});
