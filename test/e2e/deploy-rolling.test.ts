/**
 * The rolling strategy and `sluice rollback --to` end to end: instances replaced batch by batch with
 * no failed request, then an earlier version brought back by a rollback redeployment.
 */
import { afterEach, describe, expect, it } from "vitest";
import { DeployEnv, serverCommand } from "../helpers/deploy-env";
import { Traffic } from "../helpers/deploy-traffic";

let env: DeployEnv | null = null;
let traffic: Traffic | null = null;

afterEach(async () => {
  await traffic?.stop();
  traffic = null;
  if (env === null) return;
  const { orphans } = await env.cleanup();
  env = null;
  expect(orphans.map((p) => p.args)).toEqual([]);
});

async function deploy(e: DeployEnv, args: string[], code = 0): Promise<string> {
  const r = await e.run(args);
  expect(r.code, `${r.stdout}\n${r.stderr}\n${e.agentLog()}`).toBe(code);
  return r.stdout + r.stderr;
}

describe("rolling updates and rollback --to", () => {
  it(
    "replaces instances batch by batch, then rolls back to an earlier version",
    { timeout: 120_000 },
    async () => {
      env = new DeployEnv({
        config: (tag) => ({
          version: 1,
          environments: {
            production: {
              target: { command: serverCommand(tag), instances: 3, readyTimeout: "10s" },
              router: { port: 0 },
              strategy: { type: "rolling", maxSurge: 1, maxUnavailable: 0 },
              rollback: { drain: "300ms" },
            },
          },
        }),
      });
      await deploy(env, ["deploy", "production", "--version", "v1"]);
      const url = await env.routerUrl();
      traffic = new Traffic(() => url);
      await traffic.waitForRequests(20);

      await deploy(env, ["deploy", "production", "--version", "v2"]);
      await deploy(env, ["deploy", "production", "--version", "v3"]);
      const before = traffic.byVersion();
      expect(Object.keys(before).sort()).toEqual(["v1", "v2", "v3"]);

      const rolledBack = await deploy(env, ["rollback", "production", "--to", "v1"]);
      expect(rolledBack).toMatch(/completed/);
      // The stable version is recorded by the action that follows the persisted decision: poll for it.
      const e = env;
      await e.waitFor("v1 stable again", async () => (await e.environmentRecord())?.stableVersion === "v1");
      const mark = traffic.byVersion();
      await new Promise((r) => setTimeout(r, 1000));
      const after = traffic.byVersion();
      expect((after.v1 ?? 0) - (mark.v1 ?? 0)).toBeGreaterThan(0);
      expect((after.v3 ?? 0) - (mark.v3 ?? 0)).toBe(0);
      await traffic.stop();
      expect(traffic.failures()).toEqual([]);

      const history = JSON.parse((await env.run(["history", "production", "--json"])).stdout) as Array<{
        version: string;
        strategy: string;
        status: string;
      }>;
      expect(history.map((d) => [d.version, d.strategy, d.status])).toEqual([
        ["v1", "blueGreen", "completed"],
        ["v3", "rolling", "completed"],
        ["v2", "rolling", "completed"],
        ["v1", "rolling", "completed"],
      ]);
    },
  );
});
