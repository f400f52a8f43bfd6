/** `sluice deploy` and `sluice rollback`: record the deployment, make sure the agent runs, follow it. */
import { createError } from "../../core/errors";
import { agentAlive } from "../../deploy/client/agent-process";
import { launchDeployment } from "../../deploy/client/launch-deployment";
import { startDeployment } from "../../deploy/client/start-deployment";
import type { DeploymentRecord } from "../../store/deployment-types";
import type { CliIO, ExitCode } from "../io";
import type { DeployContext } from "./context";
import { withDeployContext } from "./context";
import { followDeployment } from "../../deploy/client/follow";

export interface DeployFlags {
  version?: string;
  artifact?: string;
  env?: Record<string, string>;
  ref?: string;
  force?: boolean;
  detach?: boolean;
  json?: boolean;
}

export function deployAction(io: CliIO, environment: string, flags: DeployFlags): Promise<ExitCode> {
  return withDeployContext(io, async (ctx): Promise<ExitCode> => {
    const record = await startDeployment({
      config: ctx.config,
      store: ctx.store,
      environment,
      ...(flags.version ? { version: flags.version } : {}),
      ...(flags.artifact ? { artifact: flags.artifact } : {}),
      ...(flags.env ? { env: flags.env } : {}),
      actor: ctx.actor,
      ref: flags.ref ? qualify(flags.ref) : ctx.git.ref,
      sha: ctx.git.sha || null,
      runId: io.env.SLUICE_RUN_ID ?? null,
      force: flags.force === true,
    });
    return runDeployment(io, ctx, record, flags);
  });
}

export function rollbackAction(
  io: CliIO,
  environment: string,
  flags: { to?: string; detach?: boolean; json?: boolean },
): Promise<ExitCode> {
  return withDeployContext(io, async (ctx): Promise<ExitCode> => {
    const active = await ctx.store.activeDeployment(environment);
    if (active !== null) {
      // A rollout in progress: return its traffic to stable (the strategy does it, with the audit).
      await ctx.store.enqueueDeployCommand({
        environment,
        deploymentId: active.id,
        command: { type: "rollback" },
        actor: ctx.actor,
      });
      io.stderr.write(`rolling back deployment #${active.number} (${active.version}) of ${environment}\n`);
      return runDeployment(io, ctx, active, { ...flags, quietStart: true });
    }
    const target = await rollbackTarget(ctx, environment, flags.to);
    const record = await startDeployment({
      config: ctx.config,
      store: ctx.store,
      environment,
      version: target.version,
      actor: ctx.actor,
      ref: target.ref,
      sha: target.sha,
      rollbackOf: target.id,
      force: true,
    });
    return runDeployment(io, ctx, record, flags);
  });
}

/** The deployment to go back to: the newest completed one of `to`, or the one before the stable. */
async function rollbackTarget(
  ctx: DeployContext,
  environment: string,
  to: string | undefined,
): Promise<DeploymentRecord> {
  const done = await ctx.store.listDeployments({ environment, status: "completed" });
  const env = await ctx.store.getEnvironment(environment);
  const found =
    to === undefined
      ? done.find((d) => d.version !== env?.stableVersion)
      : done.find((d) => d.version === to);
  if (found === undefined) {
    throw createError(
      "SLUICE_E_DEPLOYMENT_NOT_FOUND",
      to === undefined
        ? `${environment} has no earlier completed deployment to roll back to.`
        : `${environment} never completed a deployment of ${to}.`,
    );
  }
  return found;
}

async function runDeployment(
  io: CliIO,
  ctx: DeployContext,
  record: DeploymentRecord,
  flags: { detach?: boolean; json?: boolean; quietStart?: boolean },
): Promise<ExitCode> {
  const { environment } = record;
  // When no agent can start, the deployment nothing acted on is ended, so the environment is not busy.
  const env = await launchDeployment({ store: ctx.store, repoRoot: ctx.root, record, env: io.env });
  if (!flags.quietStart) {
    io.stderr.write(
      `deployment #${record.number}: ${record.version} → ${environment} (${record.strategy}${record.previousVersion ? `, replacing ${record.previousVersion}` : ", first deployment"}) via ${env.routerUrl ?? "the router"}\n`,
    );
  }
  if (flags.detach) {
    if (flags.json) io.stdout.write(JSON.stringify(record, null, 2) + "\n");
    else io.stderr.write(`following stopped (--detach); watch with: sluice status ${environment}\n`);
    return 0;
  }
  const final = await followDeployment({
    store: ctx.store,
    id: record.id,
    write: (text) => (flags.json ? io.stderr : io.stdout).write(text),
    color: io.stdout.isTTY === true && !flags.json,
    signal: io.signal,
    isAgentAlive: async () => agentAlive(await ctx.store.getEnvironment(environment)),
  });
  if (flags.json) io.stdout.write(JSON.stringify(final, null, 2) + "\n");
  if (final.status === "in_progress") {
    io.stderr.write(
      io.signal.aborted
        ? `stopped following; the rollout goes on (sluice status ${environment}, sluice abort ${environment})\n`
        : `the agent of ${environment} stopped answering; see .sluice/deploy/${environment}/agent.log\n`,
    );
    return io.signal.aborted ? 0 : 1;
  }
  io.stderr.write(`deployment #${final.number} ${final.status}${final.reason ? `: ${final.reason}` : ""}\n`);
  return final.status === "completed" ? 0 : 1;
}

function qualify(ref: string): string {
  return ref.startsWith("refs/") ? ref : `refs/heads/${ref}`;
}
