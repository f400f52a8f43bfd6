/**
 * `uses: sluice/deploy@v1` end to end: a workflow run by the real CLI deploys to an environment of
 * sluice.yml, follows the rollout in its step log, passes the outcome on as outputs, and fails its step
 * when the rollout is rolled back.
 */
import { mkdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { DeployEnv, errorAnalysis, serverCommand } from "../helpers/deploy-env";

const workflow = `name: deliver
on: push
jobs:
  deploy:
    runs-on: ubuntu-latest
    steps:
      - id: good
        uses: sluice/deploy@v1
        with:
          environment: production
          version: v1
      - run: echo "good=\${{ steps.good.outputs.status }} number=\${{ steps.good.outputs.deployment }} url=\${{ steps.good.outputs.url }}"
      - id: bad
        uses: sluice/deploy@v1
        continue-on-error: true
        with:
          environment: production
          version: v2
          env: |
            ERROR_RATE=0.6
      - run: echo "bad=\${{ steps.bad.outputs.status }} outcome=\${{ steps.bad.outcome }}"
`;

let env: DeployEnv | null = null;

afterEach(async () => {
  if (env === null) return;
  const { orphans } = await env.cleanup();
  env = null;
  expect(orphans.map((p) => p.args)).toEqual([]);
});

describe("uses: sluice/deploy@v1", () => {
  it(
    "deploys from a workflow, reports outputs, and fails the step of a rolled-back release",
    { timeout: 120_000 },
    async () => {
      env = new DeployEnv({
        config: (tag) => ({
          version: 1,
          analyses: { errors: errorAnalysis },
          environments: {
            production: {
              target: { command: serverCommand(tag), instances: 1 },
              router: { port: 0 },
              strategy: {
                type: "canary",
                backgroundAnalysis: "errors",
                steps: [{ setWeight: 50 }, { pause: "20s" }],
              },
            },
          },
        }),
      });
      const dir = path.join(env.dir, ".github", "workflows");
      mkdirSync(dir, { recursive: true });
      writeFileSync(path.join(dir, "deliver.yml"), workflow);
      const url = env.routerUrl.bind(env);

      // Traffic is needed for the analysis to see v2's errors: send it once v1 serves.
      const run = env.spawn(["run", "--json"]);
      let stdout = "";
      let stderr = "";
      run.stdout?.on("data", (c: Buffer) => (stdout += c.toString()));
      run.stderr?.on("data", (c: Buffer) => (stderr += c.toString()));
      const base = await url();
      const stop = sendTraffic(`${base}/`);
      const code = await new Promise<number | null>((resolve) => run.on("close", resolve));
      await stop();

      expect(code, `${stdout}\n${stderr}\n${env.agentLog()}`).toBe(0);
      const log = (await env.run(["logs", "1", "deploy"])).stdout;
      expect(log).toMatch(/good=completed number=1 url=http:\/\/127\.0\.0\.1:\d+/);
      expect(log).toMatch(/bad=rolledBack outcome=failure/);
      expect(log).toContain("background analysis failed");
      const history = JSON.parse((await env.run(["history", "production", "--json"])).stdout) as Array<{
        version: string;
        status: string;
        runId: string | null;
      }>;
      expect(history.map((d) => [d.version, d.status])).toEqual([
        ["v2", "rolledBack"],
        ["v1", "completed"],
      ]);
      expect(history[0]?.runId).toBeTruthy();
    },
  );
});

/** Requests at about 50/s until stopped (errors included: they are what the analysis must see). */
function sendTraffic(url: string): () => Promise<void> {
  let running = true;
  const loop = (async () => {
    while (running) {
      await fetch(url).then(
        (r) => r.arrayBuffer(),
        () => undefined,
      );
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return async () => {
    running = false;
    await loop;
  };
}
