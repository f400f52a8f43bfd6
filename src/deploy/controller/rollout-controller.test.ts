import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { analysesSchema, environmentsSchema } from "../../config/deploy-schema";
import type { DeploymentRecord } from "../../store/deployment-types";
import { openStore } from "../../store/registry";
import type { Store } from "../../store/types";
import { createBuiltinRouter } from "../router/builtin/builtin-router";
import { LATENCY_BUCKETS_MS } from "../router/types";
import type { Router, VersionMetrics } from "../router/types";
import type { InstanceStatus, RolloutState } from "../strategy/index";
import type { DeployResult, DeploySpec, InstanceInfo, Target } from "../target/types";
import { AnalysisRunner } from "./analysis-runner";
import { buildDeploymentSpec } from "./deployment-spec";
import { environmentApprovalId } from "./environment-approvals";
import { Inbox } from "./inbox";
import { RolloutController } from "./rollout-controller";
import { routeWeights } from "./sync-backends";

/** Instances in memory: each is ready `readyAfter` ms (as set when it was asked for) after it was asked for. */
class FakeTarget implements Target {
  readonly type = "fake";
  readonly versions = new Map<string, { count: number; since: number[] }>();
  readonly calls: string[] = [];
  readyAfter = 0;
  #port = 20_000;
  readonly #ports = new Map<string, number>();

  async deploy(version: string, spec: DeploySpec): Promise<DeployResult> {
    this.calls.push(`deploy ${version} ${spec.instances}`);
    const v = this.versions.get(version) ?? { count: 0, since: [] };
    this.versions.set(version, v);
    return this.#resize(version, v, spec.instances);
  }

  async scale(version: string, instances: number): Promise<DeployResult> {
    this.calls.push(`scale ${version} ${instances}`);
    return this.#resize(version, this.versions.get(version)!, instances);
  }

  #resize(version: string, v: { count: number; since: number[] }, n: number): DeployResult {
    while (v.since.length < n) v.since.push(Date.now() + this.readyAfter);
    v.since.length = n;
    v.count = n;
    return { version, wanted: n, ready: this.#ready(v) };
  }

  #ready(v: { since: number[] }): number {
    return v.since.filter((t) => Date.now() >= t).length;
  }

  async stop(version: string): Promise<void> {
    this.calls.push(`stop ${version}`);
    this.versions.delete(version);
  }

  listInstances(): InstanceInfo[] {
    const out: InstanceInfo[] = [];
    for (const [version, v] of this.versions) {
      v.since.forEach((t, i) => {
        const id = `${version}#${i}`;
        if (!this.#ports.has(id)) this.#ports.set(id, this.#port++);
        const ready = Date.now() >= t;
        out.push({ version, id, host: "127.0.0.1", port: this.#ports.get(id)!, pid: 1, ready, restarts: 0 });
      });
    }
    return out;
  }

  status(): Record<string, InstanceStatus> {
    const out: Record<string, InstanceStatus> = {};
    for (const [version, v] of this.versions) out[version] = { ready: this.#ready(v), restarts: 0 };
    return out;
  }

  async recover(): Promise<string[]> {
    return [...this.versions.keys()];
  }

  async close(): Promise<void> {}
}

const config = environmentsSchema.parse({
  production: {
    target: { command: "node server.js", instances: 2 },
    strategy: { type: "canary", steps: [{ setWeight: 50 }, { pause: {} }], scaleDownDelay: "10s" },
    rollback: { drain: 0 },
  },
}).production!;

let dir: string;
let store: Store;
let target: FakeTarget;
let router: Router;
let now: number;
const logs: string[] = [];

beforeEach(async () => {
  dir = mkdtempSync(path.join(tmpdir(), "sluice-controller-"));
  store = await openStore({ type: "sqlite", path: path.join(dir, "sluice.db") });
  target = new FakeTarget();
  router = createBuiltinRouter({ type: "builtin" }, {});
  now = Date.parse("2026-01-01T00:00:00Z");
  logs.length = 0;
  // v1 is stable and running at full size, as the agent keeps it between rollouts.
  await target.deploy("v1", { command: "node server.js", instances: 2 });
  await store.upsertEnvironment("production", { stableVersion: "v1" });
});

afterEach(async () => {
  await router.stop();
  await store.close();
  rmSync(dir, { recursive: true, force: true });
});

function controller(r: Router = router): RolloutController {
  return new RolloutController({
    environment: "production",
    store,
    target,
    router: r,
    analyses: new AnalysisRunner({ providerContext: { router: r }, onVerdict: () => {} }),
    inbox: new Inbox(),
    now: () => now,
    runSmokeTest: () => {},
    watchVersion: () => {},
    log: (line) => logs.push(line),
  });
}

async function createDeployment(
  overrides: { approvals?: string[]; stableRun?: null } = {},
): Promise<DeploymentRecord> {
  const built = buildDeploymentSpec({
    environment: "production",
    config: { ...config, approvals: overrides.approvals ?? [] },
    analyses: {},
    version: "v2",
    stable: { version: "v1", run: { command: "node server.js" } },
  });
  const spec = overrides.stableRun === null ? { ...built, stableRun: null } : built;
  return store.createDeployment({
    environment: "production",
    version: "v2",
    previousVersion: "v1",
    strategy: "canary",
    phase: "pending",
    spec,
    state: null,
    actor: "ann",
    runId: null,
    ref: null,
    sha: null,
    artifact: null,
  });
}

/** Ticks until `test` holds of the stored deployment (background target calls settle in between). */
async function tickUntil(c: RolloutController, id: string, test: (d: DeploymentRecord) => boolean) {
  for (let i = 0; i < 50; i++) {
    await c.tick();
    await new Promise((r) => setTimeout(r, 5));
    const d = (await store.getDeployment(id))!;
    if (test(d)) return d;
  }
  throw new Error(`never got there; log:\n${logs.join("\n")}`);
}

const phase = (p: string) => (d: DeploymentRecord) => d.phase === p;

describe("RolloutController", () => {
  it("starts a stopped stable version and waits for it before the canary takes a share", async () => {
    target.versions.delete("v1"); // `sluice stop` stopped it
    target.calls.length = 0;
    target.readyAfter = 60;
    const d = await createDeployment();
    const c = controller();
    await c.tick();
    expect(target.calls).toContain("deploy v1 2");
    expect((await store.getDeployment(d.id))!.phase).toBe("pending");
    expect(target.calls).not.toContain("deploy v2 1");
    expect(await router.getWeights()).toEqual({});
    const paused = await tickUntil(c, d.id, phase("paused"));
    expect(target.status()["v1"]?.ready).toBe(2);
    expect((paused.state as RolloutState).weights).toEqual({ v1: 50, v2: 50 });
    expect(logs.some((l) => l.includes("had no ready instance"))).toBe(false);
  });

  it("treats a stable version whose run was not recorded as no stable: the new version takes all", async () => {
    target.versions.delete("v1");
    target.calls.length = 0;
    const d = await createDeployment({ stableRun: null });
    const c = controller();
    const done = await tickUntil(c, d.id, (x) => (x.state as RolloutState | null)?.weights?.["v2"] === 100);
    expect((done.state as RolloutState).weights).toEqual({ v2: 100 });
    expect(target.calls.some((x) => x.startsWith("deploy v1"))).toBe(false);
    const audit = await store.listAudit({ subject: `deployment:${d.id}` });
    expect(JSON.stringify(audit[0]?.data)).toContain("no stable version");
  });

  it("drives a canary through its steps, persisting each decision with its audit entries", async () => {
    const d = await createDeployment();
    const c = controller();
    const paused = await tickUntil(c, d.id, phase("paused"));
    expect(await router.getWeights()).toEqual({ v1: 50, v2: 50 });
    expect(target.calls).toContain("deploy v2 1");
    expect((paused.state as RolloutState).weights).toEqual({ v1: 50, v2: 50 });

    await store.enqueueDeployCommand({
      environment: "production",
      deploymentId: d.id,
      command: { type: "promote" },
      actor: "bob",
    });
    await tickUntil(c, d.id, phase("promoted"));
    expect(await router.getWeights()).toEqual({ v2: 100 });
    expect(await store.pendingDeployCommands("production")).toEqual([]);
    expect((await store.getEnvironment("production"))?.stableVersion).toBe("v1");

    now += 10_000; // the scale-down delay
    const done = await tickUntil(c, d.id, (x) => x.status === "completed");
    expect(done.finishedAt).not.toBeNull();
    expect((await store.getEnvironment("production"))?.stableVersion).toBe("v2");
    await new Promise((r) => setTimeout(r, 20));
    expect([...target.versions.keys()]).toEqual(["v2"]);

    const audit = await store.listAudit({ subject: `deployment:${d.id}` });
    const actions = audit.map((a) => a.action);
    expect(actions[0]).toBe("deployment.started");
    expect(actions).toContain("deployment.command");
    expect(actions.at(-1)).toBe("deployment.completed");
    expect(audit.every((a) => a.actor === "sluice-agent")).toBe(true);
    expect((await store.verifyAudit()).ok).toBe(true);
  });

  it("a new controller (a restarted agent) resumes: records it, restores the split, carries on", async () => {
    const d = await createDeployment();
    await tickUntil(controller(), d.id, phase("paused"));
    const fresh = createBuiltinRouter({ type: "builtin" }, {});
    try {
      const resumed = await tickUntil(controller(fresh), d.id, (x) => x.revision > 0 && x.phase === "paused");
      const history = (resumed.state as RolloutState).history.map((h) => h.type);
      expect(history).toContain("resumed");
      expect(await fresh.getWeights()).toEqual({ v1: 50, v2: 50 });
      const actions = (await store.listAudit({ subject: `deployment:${d.id}` })).map((a) => a.action);
      expect(actions).toContain("deployment.resumed");
    } finally {
      await fresh.stop();
    }
  });

  it("a tick that fails after deciding is re-asserted as a resume by the next one", async () => {
    const d = await createDeployment();
    const c = controller();
    const setWeights = router.setWeights.bind(router);
    let failures = 0;
    router.setWeights = async (w) => {
      if (w.v2 === 50 && failures === 0) {
        failures += 1;
        throw new Error("router unreachable");
      }
      return setWeights(w);
    };
    let thrown: unknown = null;
    for (let i = 0; i < 20 && thrown === null; i++) {
      await c.tick().catch((err: unknown) => (thrown = err));
      await new Promise((r) => setTimeout(r, 5));
    }
    expect(String(thrown)).toMatch(/router unreachable/);
    // The decision was persisted before the router failed: the state says 50/50, the router does not.
    expect((await store.getDeployment(d.id))?.phase).toBe("paused");
    expect(await router.getWeights()).not.toHaveProperty("v2");
    await c.tick();
    expect(await router.getWeights()).toEqual({ v1: 50, v2: 50 });
    const history = ((await store.getDeployment(d.id))!.state as RolloutState).history.map((h) => h.type);
    expect(history.at(-2)).toBe("resumed");
  });

  it("environment approvals hold the rollout before anything starts", async () => {
    const d = await createDeployment({ approvals: ["qa"] });
    const c = controller();
    const first = await c.tick();
    expect(first.deployment?.id).toBe(d.id);
    expect([...c.approvalRequests]).toEqual([[environmentApprovalId("qa"), "qa"]]);
    expect(target.calls).toEqual(["deploy v1 2"]);
    expect((await store.getDeployment(d.id))?.state).toBeNull();

    await store.recordApproval({
      deploymentId: d.id,
      requestId: environmentApprovalId("qa"),
      name: "qa",
      approved: true,
      by: "carol",
      comment: null,
    });
    await tickUntil(c, d.id, phase("paused"));
    expect(c.approvalRequests.size).toBe(0);
    expect(target.calls).toContain("deploy v2 1");
  });

  it("a rejected environment approval aborts the rollout without touching anything", async () => {
    const d = await createDeployment({ approvals: ["qa"] });
    await store.recordApproval({
      deploymentId: d.id,
      requestId: environmentApprovalId("qa"),
      name: "qa",
      approved: false,
      by: "dave",
      comment: null,
    });
    const result = await controller().tick();
    expect(result.deployment).toBeNull();
    const ended = (await store.getDeployment(d.id))!;
    expect(ended).toMatchObject({ status: "aborted", reason: 'approval "qa" rejected by dave' });
    expect(target.calls).toEqual(["deploy v1 2"]);
  });
});

describe("routeWeights", () => {
  it("never gives a share to a version before the router has one of its instances", async () => {
    target.readyAfter = 150;
    await target.deploy("v2", { command: "x", instances: 1 });
    const order: string[] = [];
    const spy: Router = Object.create(router) as Router;
    spy.setBackends = async (version, backends) => {
      order.push(`backends ${version} ${backends.length}`);
      return router.setBackends(version, backends);
    };
    spy.setWeights = async (w) => {
      order.push(`weights ${JSON.stringify(w)}`);
      return router.setWeights(w);
    };
    const started = Date.now();
    const missing = await routeWeights(target, spy, { v1: 50, v2: 50 }, 2000);
    expect(missing).toEqual([]);
    expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    expect(order.indexOf("backends v2 1")).toBeGreaterThan(-1);
    expect(order.indexOf("backends v2 1")).toBeLessThan(order.indexOf('weights {"v1":50,"v2":50}'));
  });

  it("sets the split anyway after the wait, and says which version had no instance", async () => {
    target.readyAfter = 60_000;
    await target.deploy("v2", { command: "x", instances: 1 });
    const missing = await routeWeights(target, router, { v1: 50, v2: 50 }, 100);
    expect(missing).toEqual(["v2"]);
    expect(await router.getWeights()).toEqual({ v1: 50, v2: 50 });
  });

  it("an inconclusive step analysis (too little traffic to judge) holds instead of promoting", async () => {
    const canaryConfig = environmentsSchema.parse({
      production: {
        target: { command: "node server.js", instances: 2 },
        strategy: { type: "canary", steps: [{ setWeight: 10 }, { analysis: "slo" }, { setWeight: 100 }] },
        rollback: { drain: 0 },
      },
    }).production!;
    const analyses = analysesSchema.parse({
      slo: {
        interval: "20ms",
        count: 3,
        metrics: [{ name: "errorRate", query: "errorRate" }],
        judge: { type: "threshold", conditions: ["errorRate < 0.01"], minSamples: 20 },
      },
    });
    // Every request the canary gets fails, but it gets one per look: never minSamples of them.
    let served = 0;
    const thin = {
      async metrics(version: string): Promise<VersionMetrics | null> {
        const n = version === "v2" ? ++served : 1000;
        const errors = version === "v2" ? n : 0;
        return {
          version,
          requests: n,
          status: { "1xx": 0, "2xx": n - errors, "3xx": 0, "4xx": 0, "5xx": errors },
          connectionErrors: 0,
          faultsInjected: 0,
          latency: {
            bucketsMs: LATENCY_BUCKETS_MS,
            counts: LATENCY_BUCKETS_MS.map((_, i) => (i === 3 ? n : 0)).concat(0),
            sumMs: 5 * n,
            count: n,
          },
          samples: Array.from({ length: Math.min(n, 50) }, () => ({
            at: Date.now(),
            ms: 5,
            status: version === "v2" ? 500 : 200,
          })),
        };
      },
    };
    const inbox = new Inbox();
    const runner = new AnalysisRunner({
      providerContext: { router: thin },
      onVerdict: (v) => inbox.analysis(v),
    });
    const c = new RolloutController({
      environment: "production",
      store,
      target,
      router,
      analyses: runner,
      inbox,
      now: () => now,
      runSmokeTest: () => {},
      watchVersion: () => {},
      log: (line) => logs.push(line),
    });
    const spec = buildDeploymentSpec({
      environment: "production",
      config: canaryConfig,
      analyses,
      version: "v2",
      stable: { version: "v1", run: { command: "node server.js" } },
    });
    const d = await store.createDeployment({
      environment: "production",
      version: "v2",
      previousVersion: "v1",
      strategy: "canary",
      phase: "pending",
      spec,
      state: null,
      actor: "ann",
      runId: null,
      ref: null,
      sha: null,
      artifact: null,
    });
    try {
      const held = await tickUntil(c, d.id, phase("paused"));
      const state = held.state as RolloutState;
      expect(state.weights).toEqual({ v1: 90, v2: 10 });
      const hold = state.history.filter((h) => h.type === "hold").at(-1);
      expect(hold?.message).toMatch(
        /^step analysis inconclusive: slo: 1 of \d+ looks? inconclusive, more than inconclusiveLimit 0 \(last: errorRate < 0.01: canary.errorRate has \d+ observations?, fewer than minSamples 20\); waiting for promote or abort$/,
      );
      for (let i = 0; i < 5; i++) await c.tick();
      expect((await store.getDeployment(d.id))!.phase).toBe("paused");
      expect(await router.getWeights()).toEqual({ v1: 90, v2: 10 });
      expect(state.history.some((h) => h.type === "promoted")).toBe(false);
    } finally {
      runner.stopAll();
    }
  });
});
