/**
 * `sluice promote | abort | approve | chaos | stop`: commands for an environment's agent, queued in
 * the store (the agent acknowledges them once a persisted decision has seen them). A command for a
 * rollout whose agent is gone (killed, machine restarted) starts a new one, which resumes the rollout
 * and then acts on the command; `sluice status` only reads and never starts one.
 */
import { HAPROXY_PID_FILE } from "../../deploy/router/haproxy/haproxy-router";
import { NGINX_PID_FILE } from "../../deploy/router/nginx/nginx-router";
import { stopOrphanRouter } from "../../deploy/router/orphan";
import path from "node:path";
import { createError } from "../../core/errors";
import { agentAlive, agentDir, ensureAgent } from "../../deploy/client/agent-process";
import { createTarget } from "../../deploy/target/registry";
import { isPidAlive } from "../../store/pid";
import { environmentConfig } from "../../deploy/client/start-deployment";
import { environmentApprovalId } from "../../deploy/controller/environment-approvals";
import type { DeploymentSpec } from "../../deploy/controller/deployment-spec";
import type { CanaryState } from "../../deploy/strategy/index";
import type { DeploymentRecord } from "../../store/deployment-types";
import type { CliIO, ExitCode } from "../io";
import type { DeployContext } from "./context";
import { withDeployContext } from "./context";

async function active(ctx: DeployContext, environment: string): Promise<DeploymentRecord> {
  environmentConfig(ctx.config, environment);
  const record = await ctx.store.activeDeployment(environment);
  if (record === null) {
    throw createError("SLUICE_E_DEPLOYMENT_NOT_FOUND", `${environment} has no rollout in progress.`);
  }
  return record;
}

export function rolloutCommandAction(
  io: CliIO,
  environment: string,
  command: { type: "promote"; full?: boolean } | { type: "abort"; reason?: string },
): Promise<ExitCode> {
  return withDeployContext(io, async (ctx): Promise<ExitCode> => {
    const record = await active(ctx, environment);
    await ctx.store.enqueueDeployCommand({ environment, deploymentId: record.id, command, actor: ctx.actor });
    io.stdout.write(
      `${command.type} sent to deployment #${record.number} (${record.version}) of ${environment}\n`,
    );
    await resumeAgent(io, ctx, environment);
    return 0;
  });
}

export function approveAction(
  io: CliIO,
  environment: string,
  flags: { name?: string; reject?: boolean; comment?: string },
): Promise<ExitCode> {
  return withDeployContext(io, async (ctx): Promise<ExitCode> => {
    const record = await active(ctx, environment);
    const open = openApprovals(record);
    const pick = flags.name === undefined ? open : open.filter((a) => a.name === flags.name);
    if (pick.length === 0) {
      throw createError(
        "SLUICE_E_DEPLOYMENT_NOT_FOUND",
        open.length === 0
          ? `Deployment #${record.number} of ${environment} waits for no approval now.`
          : `No open approval "${flags.name}"; open: ${open.map((a) => a.name).join(", ")}.`,
      );
    }
    for (const a of pick) {
      const stored = await ctx.store.recordApproval({
        deploymentId: record.id,
        requestId: a.requestId,
        name: a.name,
        approved: flags.reject !== true,
        by: ctx.actor,
        comment: flags.comment ?? null,
      });
      await ctx.store.appendAudit({
        actor: ctx.actor,
        action: stored.approved ? "approval.granted" : "approval.rejected",
        subject: `deployment:${record.id}`,
        data: { environment, approval: a.name, requestId: a.requestId, comment: flags.comment ?? null },
      });
      io.stdout.write(`${a.name}: ${stored.approved ? "approved" : "rejected"} by ${stored.by}\n`);
    }
    await resumeAgent(io, ctx, environment);
    return 0;
  });
}

/** Approval requests the deployment waits for now: the environment's own, or a canary approval step. */
function openApprovals(record: DeploymentRecord): { requestId: string; name: string }[] {
  const spec = record.spec as DeploymentSpec;
  if (record.phase === "pending") {
    return spec.approvals.map((name) => ({ requestId: environmentApprovalId(name), name }));
  }
  const state = record.state as CanaryState | null;
  if (state?.strategy === "canary" && state.step?.kind === "approval") {
    return [{ requestId: state.step.requestId, name: state.step.name }];
  }
  return [];
}

export function chaosAction(
  io: CliIO,
  environment: string,
  fault: { errorRate: number; latencyMs: number; forMs: number; version?: string; status?: number },
): Promise<ExitCode> {
  return withDeployContext(io, async (ctx): Promise<ExitCode> => {
    environmentConfig(ctx.config, environment);
    const env = await ctx.store.getEnvironment(environment);
    if (!agentAlive(env)) {
      throw createError(
        "SLUICE_E_AGENT",
        `No agent runs ${environment}; deploy something first (sluice deploy ${environment}).`,
      );
    }
    await ctx.store.enqueueDeployCommand({
      environment,
      deploymentId: null,
      command: { type: "chaos", ...fault },
      actor: ctx.actor,
    });
    io.stdout.write(
      `chaos for ${fault.forMs / 1000}s on ${fault.version ?? "every version"} of ${environment}: ${Math.round(fault.errorRate * 1000) / 10}% errors, +${fault.latencyMs} ms\n`,
    );
    return 0;
  });
}

export function stopAction(io: CliIO, environment: string): Promise<ExitCode> {
  return withDeployContext(io, async (ctx): Promise<ExitCode> => {
    environmentConfig(ctx.config, environment);
    const env = await ctx.store.getEnvironment(environment);
    if (!agentAlive(env)) {
      if (env?.agentPid && isPidAlive(env.agentPid)) {
        throw createError(
          "SLUICE_E_AGENT",
          `The agent of ${environment} (pid ${env.agentPid}) runs but stopped answering; end it (kill ${env.agentPid}), then run sluice stop ${environment} again.`,
        );
      }
      await stopLeftovers(ctx, environment);
      io.stdout.write(`no agent runs ${environment}; any instance a killed agent left is stopped\n`);
      return 0;
    }
    await ctx.store.enqueueDeployCommand({
      environment,
      deploymentId: null,
      command: { type: "stop" },
      actor: ctx.actor,
    });
    const deadline = Date.now() + 30_000;
    while (Date.now() < deadline) {
      await new Promise((r) => setTimeout(r, 200));
      if (!agentAlive(await ctx.store.getEnvironment(environment))) {
        io.stdout.write(`${environment} stopped (router and instances)\n`);
        return 0;
      }
    }
    throw createError("SLUICE_E_AGENT", `The agent of ${environment} did not stop within 30 s.`);
  });
}

/** `sluice agent ENV --detach`: makes sure the environment's agent runs (it resumes any rollout). */
export function agentAction(io: CliIO, environment: string): Promise<ExitCode> {
  return withDeployContext(io, async (ctx): Promise<ExitCode> => {
    environmentConfig(ctx.config, environment);
    const before = await ctx.store.getEnvironment(environment);
    const env = await ensureAgent({ store: ctx.store, repoRoot: ctx.root, environment, env: io.env });
    const active = await ctx.store.activeDeployment(environment);
    io.stdout.write(
      `${agentAlive(before) ? "agent already runs" : "agent started"}: pid ${env.agentPid}, routing ${env.routerUrl ?? "?"}` +
        (active ? `; deployment #${active.number} (${active.version}) in progress` : "") +
        "\n",
    );
    return 0;
  });
}

/**
 * Instances a killed agent left running (they outlive it on purpose, so a new agent can adopt them):
 * found through the target's state file and killed.
 */
async function stopLeftovers(ctx: DeployContext, environment: string): Promise<void> {
  const config = environmentConfig(ctx.config, environment);
  const target = createTarget(config.target.type, {
    cwd: ctx.root,
    stateFile: path.join(agentDir(ctx.root, environment), "instances.json"),
  });
  await target.recover({ adopt: false });
  await target.close();
  // A router process (haproxy, nginx) outlives an agent killed hard: it still holds the address.
  for (const [file, soft] of [
    [HAPROXY_PID_FILE, "SIGUSR1"],
    [NGINX_PID_FILE, "SIGQUIT"],
  ] as const) {
    await stopOrphanRouter(path.join(agentDir(ctx.root, environment), file), 10_000, soft);
  }
}

/** Starts the environment's agent when none runs, so the command just queued is acted on. */
async function resumeAgent(io: CliIO, ctx: DeployContext, environment: string): Promise<void> {
  if (agentAlive(await ctx.store.getEnvironment(environment))) return;
  io.stderr.write(`no agent ran ${environment}; starting one (it resumes the rollout)\n`);
  await ensureAgent({ store: ctx.store, repoRoot: ctx.root, environment, env: io.env });
}
