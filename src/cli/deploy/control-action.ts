/**
 * `sluice promote | abort | approve | chaos | stop`: commands for an environment's agent, queued in
 * the store (the agent acknowledges them once a persisted decision has seen them).
 */
import { createError } from "../../core/errors";
import { agentAlive } from "../../deploy/client/agent-process";
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
    warnIfNoAgent(io, environment, await agentAlive(await ctx.store.getEnvironment(environment)));
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
      io.stdout.write(`no agent runs ${environment}\n`);
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

function warnIfNoAgent(io: CliIO, environment: string, alive: boolean): void {
  if (!alive) io.stderr.write(`warning: no agent runs ${environment}; the command waits until one starts\n`);
}
