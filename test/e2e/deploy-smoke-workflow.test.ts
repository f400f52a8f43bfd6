/**
 * Blue-green smoke tests written as a workflow job (`smokeTest: { workflow, job }`): the agent runs the
 * job with `sluice run`, the job reaches green through $URL, and only a job that ran and succeeded lets
 * green take traffic.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DeployEnv, serverCommand } from "../helpers/deploy-env";

const smoke = `name: smoke
on: workflow_dispatch
jobs:
  smoke:
    runs-on: ubuntu-latest
    steps:
      - run: |
          node -e "fetch(process.env.URL).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"
`;

let env: DeployEnv | null = null;
afterEach(async () => {
  if (env === null) return;
  const { orphans } = await env.cleanup();
  env = null;
  expect(orphans.map((p) => p.args)).toEqual([]);
});

describe("blue-green smoke test as a workflow job", () => {
  it("switches when the job passes and rolls back when it fails", { timeout: 120_000 }, async () => {
    env = new DeployEnv({
      config: (tag) => ({
        version: 1,
        environments: {
          production: {
            target: { command: serverCommand(tag), instances: 1 },
            router: { port: 0 },
            strategy: {
              type: "blueGreen",
              smokeTest: { workflow: ".sluice/smoke/smoke.yml", job: "smoke", timeout: "60s" },
              scaleDownDelay: "0s",
            },
          },
        },
      }),
    });
    mkdirSync(path.join(env.dir, ".sluice", "smoke"), { recursive: true });
    writeFileSync(path.join(env.dir, ".sluice", "smoke", "smoke.yml"), smoke);

    const good = await env.run(["deploy", "production", "--version", "v1"]);
    expect(good.code, `${good.stdout}\n${good.stderr}\n${env.agentLog()}`).toBe(0);
    expect(good.stdout).toContain("smoke test smoke passed");

    const bad = await env.run(["deploy", "production", "--version", "v2", "--env", "ERROR_RATE=1"]);
    expect(bad.code, `${bad.stdout}\n${bad.stderr}\n${env.agentLog()}`).toBe(1);
    expect(bad.stdout + bad.stderr).toMatch(/job smoke of the smoke test workflow ended failure/);
    const status = JSON.parse((await env.run(["status", "production", "--json"])).stdout) as {
      stableVersion: string;
    };
    expect(status.stableVersion).toBe("v1");
  });
});
