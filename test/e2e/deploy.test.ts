/**
 * Progressive delivery end to end: the real CLI deploys the fixture server through the environment
 * agent (router, process target, controller) in a temporary repository, with client traffic through
 * the router. Every test stops its environment and checks that no process of it survived.
 */
import { afterEach, describe, expect, it } from "vitest";
import type { DeploymentRecord } from "../../src/store/deployment-types";
import type { RolloutState } from "../../src/deploy/strategy/index";
import { DeployEnv, errorAnalysis, serverCommand } from "../helpers/deploy-env";
import { Traffic } from "../helpers/deploy-traffic";
import { collect } from "../helpers/sluice-cli";

const ENV = "production";

interface EnvOptions {
  strategy?: Record<string, unknown>;
  /** Extra fields of the environment (approvals, branches, rollback…). */
  extra?: Record<string, unknown>;
}

function config(options: EnvOptions = {}): (tag: string) => Record<string, unknown> {
  return (tag) => ({
    version: 1,
    analyses: { errors: errorAnalysis },
    environments: {
      [ENV]: {
        target: { command: serverCommand(tag), instances: 2, readyTimeout: "10s" },
        router: { port: 0 },
        strategy: options.strategy ?? canary("2s"),
        ...options.extra,
        rollback: { drain: "300ms", ...((options.extra?.rollback as object | undefined) ?? {}) },
      },
    },
  });
}

function canary(pause: string | Record<string, never>): Record<string, unknown> {
  return {
    type: "canary",
    steps: [{ setWeight: 50 }, { pause }],
    backgroundAnalysis: "errors",
    scaleDownDelay: "500ms",
  };
}

let env: DeployEnv | null = null;
let traffic: Traffic | null = null;

function open(
  options: EnvOptions = {},
  history?: ConstructorParameters<typeof DeployEnv>[0]["history"],
): DeployEnv {
  env = new DeployEnv({ config: config(options), ...(history ? { history } : {}) });
  return env;
}

afterEach(async () => {
  await traffic?.stop();
  traffic = null;
  if (env === null) return;
  const { stop, orphans } = await env.cleanup();
  env = null;
  expect(stop.code, stop.stderr).toBe(0);
  expect(orphans.map((p) => p.args)).toEqual([]);
});

/** Deploys and checks the exit code, with the agent log in the failure message. */
async function deploy(e: DeployEnv, args: string[], code: number): Promise<string> {
  const r = await e.run(["deploy", ENV, ...args]);
  expect(r.code, `${r.stdout}\n${r.stderr}\n${e.agentLog()}`).toBe(code);
  return r.stdout + r.stderr;
}

async function startTraffic(e: DeployEnv): Promise<Traffic> {
  const url = await e.routerUrl();
  traffic = new Traffic(() => url);
  await traffic.waitForRequests(20);
  return traffic;
}

async function deploymentOf(e: DeployEnv, number: number): Promise<DeploymentRecord> {
  return (await (await e.store()).getDeployment(String(number)))!;
}

function timeline(d: DeploymentRecord): string[] {
  return ((d.state as RolloutState | null)?.history ?? []).map((h) => `${h.type}: ${h.message}`);
}

describe("sluice deploy: canary", () => {
  it("a first deployment, then a healthy canary completes with no failed request", async () => {
    const e = open();
    await deploy(e, ["--version", "v1"], 0);
    const t = await startTraffic(e);
    const during = Date.now();
    const out = await deploy(e, ["--version", "v2"], 0);
    expect(out).toMatch(/v1 50%, v2 50%/);
    await t.waitForRequests(20);
    const after = Date.now();
    await t.waitForRequests(30);
    await t.stop();

    expect(t.failures(), JSON.stringify(t.failures().slice(0, 5))).toEqual([]);
    expect(Object.keys(t.byVersion(during)).sort()).toEqual(["v1", "v2"]);
    expect(Object.keys(t.byVersion(after))).toEqual(["v2"]);

    const history = JSON.parse((await e.run(["history", ENV, "--json"])).stdout) as DeploymentRecord[];
    expect(history.map((d) => [d.number, d.version, d.status, d.previousVersion])).toEqual([
      [2, "v2", "completed", "v1"],
      [1, "v1", "completed", null],
    ]);
    const status = JSON.parse((await e.run(["status", ENV, "--json"])).stdout) as {
      stableVersion: string;
      agent: { alive: boolean };
      deployment: DeploymentRecord;
      live: { weights: Record<string, number> };
    };
    expect(status.stableVersion).toBe("v2");
    expect(status.agent.alive).toBe(true);
    expect(status.deployment).toMatchObject({ version: "v2", status: "completed" });
    await e.waitFor("the live view to show v2 alone", async () => {
      const now = JSON.parse((await e.run(["status", ENV, "--json"])).stdout) as typeof status;
      return JSON.stringify(now.live.weights) === '{"v2":100}';
    });
    expect((await e.environmentRecord())?.stableVersion).toBe("v2");
    // The old version is gone once the rollout completed.
    await e.waitFor("v1 stopped", async () => e.instances().every((p) => !p.args.includes("v1")) && true);
    expect(Object.keys(e.instancePids())).toEqual(["v2"]);
  });

  it("a canary with injected errors rolls back by itself; all traffic returns to stable", async () => {
    const e = open({ strategy: canary("30s") });
    await deploy(e, ["--version", "v1"], 0);
    const t = await startTraffic(e);
    const out = await deploy(e, ["--version", "v2", "--env", "ERROR_RATE=0.3"], 1);
    expect(out).toMatch(/deployment #2 rolledBack: background analysis failed/);
    const ended = Date.now();
    await t.waitForRequests(30);
    await t.stop();

    const d = await deploymentOf(e, 2);
    expect(d.status).toBe("rolledBack");
    const events = timeline(d);
    expect(events.filter((x) => x.startsWith("rollback:"))[0]).toMatch(/background analysis failed/);
    expect(events).toContain("rolled-back: all traffic back on v1; v2 stopped");
    expect(t.failures(ended)).toEqual([]);
    expect(t.byVersion(ended)).toEqual({ v1: expect.any(Number) });
    expect((await e.environmentRecord())?.stableVersion).toBe("v1");
  });

  it("sluice chaos on the canary during its pause triggers the automatic rollback", async () => {
    const e = open({ strategy: canary({}) });
    await deploy(e, ["--version", "v1"], 0);
    const t = await startTraffic(e);
    const follower = collect(e.spawn(["deploy", ENV, "--version", "v2"]));
    await e.waitForDeployment("the canary's pause", (d) => d.phase === "paused");
    await t.waitForRequests(20);
    const chaos = await e.run(["chaos", ENV, "--error-rate", "0.5", "--version", "v2", "--for", "30s"]);
    expect(chaos.code, chaos.stderr).toBe(0);
    const r = await follower;
    expect(r.code, `${r.stdout}\n${r.stderr}\n${e.agentLog()}`).toBe(1);
    expect((await deploymentOf(e, 2)).status).toBe("rolledBack");
    const ended = Date.now();
    await t.waitForRequests(20);
    await t.stop();
    expect(t.byVersion(ended)).toEqual({ v1: expect.any(Number) });
    const audit = await (await e.store()).listAudit({ subject: `environment:${ENV}` });
    expect(audit.map((a) => a.action)).toContain("environment.chaos");
  });
});

describe("sluice deploy: blue-green with a smoke test", () => {
  const smoke =
    'node -e "fetch(process.env.URL).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(2))"';

  it("a passing smoke test switches; a failing one rolls back before green gets any traffic", async () => {
    const e = open({ strategy: { type: "blueGreen", smokeTest: smoke, scaleDownDelay: "500ms" } });
    await deploy(e, ["--version", "v1"], 0);
    const t = await startTraffic(e);
    const out = await deploy(e, ["--version", "v2"], 0);
    expect(out).toMatch(/smoke test smoke passed/);
    const switched = Date.now();
    await t.waitForRequests(20);

    const bad = await deploy(e, ["--version", "v3", "--env", "ERROR_RATE=1"], 1);
    expect(bad).toMatch(/smoke test smoke failed/);
    await t.waitForRequests(20);
    await t.stop();
    expect(t.failures()).toEqual([]);
    expect(Object.keys(t.byVersion(switched))).toEqual(["v2"]);
    expect((await deploymentOf(e, 3)).status).toBe("rolledBack");
    expect((await e.environmentRecord())?.stableVersion).toBe("v2");
  });
});

describe("sluice promote, abort, approve", () => {
  it("environment approvals gate every rollout; pause {} waits for promote; abort returns to stable", async () => {
    const e = open({ strategy: canary({}), extra: { approvals: ["qa"] } });
    const detached = async (version: string): Promise<void> => {
      const r = await e.run(["deploy", ENV, "--version", version, "--detach"]);
      expect(r.code, r.stderr).toBe(0);
    };
    const approve = async (...flags: string[]): Promise<void> => {
      const r = await e.run(["approve", ENV, ...flags]);
      expect(r.code, r.stderr).toBe(0);
    };
    const ended = (n: number): Promise<DeploymentRecord> =>
      e.waitFor(`deployment #${n} to end`, async () => {
        const d = await deploymentOf(e, n);
        return d.status === "in_progress" ? null : d;
      });

    // The first deployment waits for qa too; nothing runs before the approval.
    await detached("v1");
    const live = await e.waitFor("the approval request", async () => {
      const s = JSON.parse((await e.run(["status", ENV, "--json"])).stdout) as {
        live: { approvals: { name: string }[] } | null;
      };
      return s.live?.approvals.length ? s.live : null;
    });
    expect(live.approvals.map((a) => a.name)).toEqual(["qa"]);
    expect(e.instances()).toEqual([]);
    await approve("--comment", "looks fine");
    expect((await ended(1)).status).toBe("completed");

    // A rejection aborts before any traffic moves.
    await detached("v2");
    await e.waitForDeployment("v2 waiting for approval", (d) => d.version === "v2");
    await approve("--reject");
    const rejected = await ended(2);
    expect(rejected.status).toBe("aborted");
    expect(rejected.reason).toMatch(/approval "qa" rejected by e2e/);

    // Approved, the canary stops at `pause: {}` until promoted.
    await detached("v3");
    await e.waitForDeployment("v3 waiting for approval", (d) => d.version === "v3");
    await approve();
    await e.waitForDeployment("v3 paused", (d) => d.phase === "paused");
    const promote = await e.run(["promote", ENV]);
    expect(promote.code, promote.stderr).toBe(0);
    expect((await ended(3)).status).toBe("completed");

    // Aborted at the pause: all traffic back on v3.
    await detached("v4");
    await e.waitForDeployment("v4 waiting for approval", (d) => d.version === "v4");
    await approve();
    await e.waitForDeployment("v4 paused", (d) => d.phase === "paused");
    const abort = await e.run(["abort", ENV, "--reason", "not today"]);
    expect(abort.code, abort.stderr).toBe(0);
    const aborted = await ended(4);
    expect(aborted.status).toBe("aborted");
    expect(aborted.reason).toMatch(/aborted by e2e: not today/);
    // The live view is the agent's heartbeat (every second): it catches up with the abort.
    const s = await e.waitFor("the live view to show v3 alone", async () => {
      const now = JSON.parse((await e.run(["status", ENV, "--json"])).stdout) as {
        stableVersion: string;
        live: { weights: Record<string, number> };
      };
      return JSON.stringify(now.live.weights) === '{"v3":100}' ? now : null;
    });
    expect(s.stableVersion).toBe("v3");

    const audit = await (await e.store()).listAudit();
    const actions = audit.map((a) => a.action);
    expect(actions.filter((a) => a === "approval.granted")).toHaveLength(3);
    expect(actions).toContain("approval.rejected");
    expect((await (await e.store()).verifyAudit()).ok).toBe(true);
  });
});

describe("kill -9 of the agent mid-rollout", () => {
  async function killDuringPause(e: DeployEnv): Promise<{
    follower: ReturnType<typeof collect>;
    deployment: DeploymentRecord;
    url: string;
  }> {
    await deploy(e, ["--version", "v1"], 0);
    const url = await e.routerUrl();
    traffic = new Traffic(() => url);
    const follower = collect(e.spawn(["deploy", ENV, "--version", "v2"]));
    const deployment = await e.waitForDeployment("the canary's pause", (d) => d.phase === "paused");
    const pids = e.instancePids();
    expect(Object.keys(pids).sort()).toEqual(["v1", "v2"]);
    process.kill(await e.agentPid(), "SIGKILL");
    // sluice status reads only: it reports the unwatched rollout and starts nothing.
    await e.waitFor("status to see the agent gone", async () =>
      /rollout #2 is not watched/.test((await e.run(["status", ENV])).stdout),
    );
    // The instances outlive the agent (they run in their own process groups).
    for (const pid of Object.values(pids).flat()) expect(() => process.kill(pid, 0)).not.toThrow();
    return { follower, deployment, url };
  }

  it("a new agent adopts the instances and resumes the rollout to completion", async () => {
    const e = open({ strategy: canary("3s") });
    const { follower, deployment, url } = await killDuringPause(e);
    const restarted = await e.run(["agent", ENV, "--detach"]);
    expect(restarted.code, restarted.stderr).toBe(0);
    expect(restarted.stdout).toMatch(/agent started: pid \d+, routing .*; deployment #2 \(v2\) in progress/);
    // Same address: the restarted router took the port again.
    expect((await e.environmentRecord())?.routerUrl).toBe(url);
    const back = Date.now();
    const r = await follower;
    expect(r.code, `${r.stdout}\n${r.stderr}\n${e.agentLog()}`).toBe(0);
    await traffic!.waitForRequests(20);
    await traffic!.stop();
    expect(traffic!.failures(back), JSON.stringify(traffic!.failures(back).slice(0, 3))).toEqual([]);
    expect(e.agentLog()).toMatch(/adopted running instances of v1, v2/);

    const store = await e.store();
    const audit = await store.listAudit({ subject: `deployment:${deployment.id}` });
    const actions = audit.map((a) => a.action);
    expect(actions).toContain("deployment.resumed");
    expect(actions.indexOf("deployment.resumed")).toBeLessThan(actions.indexOf("deployment.completed"));
    expect(await store.verifyAudit()).toMatchObject({ ok: true, brokenAt: null });
    expect((await deploymentOf(e, 2)).status).toBe("completed");
  });

  it("with rollback.onResume: rollback, the new agent returns all traffic to stable", async () => {
    const e = open({ strategy: canary({}), extra: { rollback: { onResume: "rollback" } } });
    const { follower, deployment } = await killDuringPause(e);
    // A command for the rollout starts the agent it needs (sluice status only reads).
    const promote = await e.run(["promote", ENV]);
    expect(promote.code, promote.stderr).toBe(0);
    expect(promote.stderr).toMatch(/starting one/);
    const r = await follower;
    expect(r.code, `${r.stdout}\n${r.stderr}\n${e.agentLog()}`).toBe(1);
    const d = await deploymentOf(e, 2);
    expect(d.status).toBe("rolledBack");
    expect(d.reason).toMatch(/onResume: rollback/);
    const back = Date.now();
    await traffic!.waitForRequests(20);
    await traffic!.stop();
    expect(traffic!.byVersion(back)).toEqual({ v1: expect.any(Number) });

    const store = await e.store();
    const actions = (await store.listAudit({ subject: `deployment:${deployment.id}` })).map((a) => a.action);
    expect(actions).toEqual(expect.arrayContaining(["deployment.resumed", "deployment.rollback"]));
    expect((await store.verifyAudit()).ok).toBe(true);
  });
});

describe("sluice deploy refuses", () => {
  it("another branch, an unknown environment, and a second rollout while one runs", async () => {
    const e = open(
      {
        strategy: { type: "canary", steps: [{ setWeight: 50 }, { pause: {} }] },
        extra: { branches: ["main"] },
      },
      { branch: "feature" },
    );
    const branch = await e.run(["deploy", ENV, "--version", "v1"]);
    expect(branch.code).toBe(2);
    expect(branch.stderr).toMatch(/SLUICE_E_DEPLOY_REFUSED/);
    expect(branch.stderr).toMatch(/accepts deployments from main; this is feature/);

    const unknown = await e.run(["deploy", "nowhere", "--version", "v1"]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toMatch(/SLUICE_E_DEPLOYMENT_NOT_FOUND/);
    expect(e.instances()).toEqual([]);

    // A first deployment has nothing to keep warm: it completes without the 30 s scale-down delay.
    const first = await e.run(["deploy", ENV, "--version", "v1", "--ref", "main"]);
    expect(first.code, first.stderr).toBe(0);
    const d1 = await deploymentOf(e, 1);
    expect(Date.parse(d1.finishedAt!) - Date.parse(d1.createdAt)).toBeLessThan(10_000);

    const second = await e.run(["deploy", ENV, "--version", "v2", "--ref", "main", "--detach"]);
    expect(second.code, second.stderr).toBe(0);
    const busy = await e.run(["deploy", ENV, "--version", "v3", "--ref", "main"]);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toMatch(/SLUICE_E_DEPLOY_BUSY/);
    expect(busy.stderr).toMatch(/Deployment #2 \(v2\)/);
    const abort = await e.run(["abort", ENV]);
    expect(abort.code, abort.stderr).toBe(0);
  });
});
