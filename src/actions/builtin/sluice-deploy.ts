/**
 * `uses: sluice/deploy@v1`: rolls a version out to an environment of sluice.yml from a workflow, as
 * `sluice deploy` does, and follows it: the step fails when the rollout is rolled back or aborted.
 * Inputs: `environment` (required), `version` (default: the commit's short sha), `artifact`, `env`
 * (KEY=VALUE lines for the new version's instances), `wait` (default true). Outputs: `deployment`
 * (number), `status`, `version`, `url` (where the environment's router listens).
 */
import type { BuiltinAction } from "../types";

export const sluiceDeployAction: BuiltinAction = {
  name: "sluice/deploy",
  async main(ctx) {
    // Loaded on first use, like the gate and scan steps: `sluice run` does not pay for deploy code.
    const [{ loadConfig }, { startDeployment }, { launchDeployment }, { agentAlive }, { followDeployment }] =
      await Promise.all([
        import("../../config/index"),
        import("../../deploy/client/start-deployment"),
        import("../../deploy/client/launch-deployment"),
        import("../../deploy/client/agent-process"),
        import("../../deploy/client/follow"),
      ]);
    const environment = ctx.input("environment");
    if (environment === "")
      return { outcome: "failure", message: "sluice/deploy needs the `environment` input" };
    const { config } = await loadConfig(ctx.workspace);
    const sha = ctx.env.GITHUB_SHA ?? "";
    const extraEnv = Object.fromEntries(
      ctx
        .input("env")
        .split(/\r?\n/)
        .map((l) => l.trim())
        .filter((l) => l.includes("="))
        .map((l) => [l.slice(0, l.indexOf("=")), l.slice(l.indexOf("=") + 1)]),
    );
    const record = await startDeployment({
      config,
      store: ctx.store,
      environment,
      version: ctx.input("version") || sha.slice(0, 7) || undefined,
      ...(ctx.input("artifact") ? { artifact: ctx.input("artifact") } : {}),
      ...(Object.keys(extraEnv).length > 0 ? { env: extraEnv } : {}),
      actor: ctx.env.GITHUB_ACTOR || "sluice",
      ref: ctx.env.GITHUB_REF || null,
      sha: sha || null,
      runId: ctx.runId,
    });
    const env = await launchDeployment({
      store: ctx.store,
      repoRoot: ctx.workspace,
      record,
      env: process.env,
    });
    ctx.log(
      `deployment #${record.number}: ${record.version} → ${environment} (${record.strategy}) via ${env.routerUrl}`,
    );
    ctx.setOutput("deployment", String(record.number));
    ctx.setOutput("version", record.version);
    ctx.setOutput("url", env.routerUrl ?? "");
    if (ctx.input("wait") === "false") {
      ctx.setOutput("status", record.status);
      return { outcome: "success" };
    }
    const final = await followDeployment({
      store: ctx.store,
      id: record.id,
      write: (text) => {
        for (const line of text.trimEnd().split("\n")) ctx.log(line);
      },
      color: false,
      signal: ctx.signal,
      isAgentAlive: async () => agentAlive(await ctx.store.getEnvironment(environment)),
    });
    ctx.setOutput("status", final.status);
    if (final.status === "completed") return { outcome: "success" };
    return {
      outcome: "failure",
      message: `deployment #${final.number} of ${final.version} to ${environment}: ${final.status}${final.reason ? ` — ${final.reason}` : ""}`,
    };
  },
};
