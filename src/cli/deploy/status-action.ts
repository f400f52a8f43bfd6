/** `sluice status ENV` (live view of the environment and its rollout) and `sluice history ENV`. */
import pc from "picocolors";
import { agentAlive } from "../../deploy/client/agent-process";
import { environmentConfig } from "../../deploy/client/start-deployment";
import type { LiveView } from "../../deploy/controller/live";
import type { RolloutState } from "../../deploy/strategy/index";
import type { DeploymentRecord, EnvironmentRecord } from "../../store/deployment-types";
import { formatDuration } from "../render/format";
import type { CliIO, ExitCode } from "../io";
import { withDeployContext } from "./context";
import { formatEvent } from "../../deploy/client/follow";

export interface StatusSnapshot {
  environment: string;
  agent: { pid: number | null; alive: boolean; heartbeatAt: string | null; routerUrl: string | null };
  stableVersion: string | null;
  deployment: DeploymentRecord | null;
  live: LiveView | null;
}

export function statusAction(
  io: CliIO,
  environment: string,
  flags: { json?: boolean; watch?: boolean },
): Promise<ExitCode> {
  return withDeployContext(io, async (ctx): Promise<ExitCode> => {
    environmentConfig(ctx.config, environment);
    const snapshot = async (): Promise<StatusSnapshot> => {
      const env = await ctx.store.getEnvironment(environment);
      const deployment =
        (await ctx.store.activeDeployment(environment)) ??
        (await ctx.store.listDeployments({ environment, limit: 1 }))[0] ??
        null;
      return describe(environment, env, deployment);
    };
    if (!flags.watch) {
      const s = await snapshot();
      io.stdout.write(
        flags.json ? JSON.stringify(s, null, 2) + "\n" : renderStatus(s, io.stdout.isTTY === true),
      );
      return 0;
    }
    let last = "";
    while (!io.signal.aborted) {
      const s = await snapshot();
      const text = flags.json ? JSON.stringify(s) + "\n" : renderStatus(s, io.stdout.isTTY === true);
      if (io.stdout.isTTY && !flags.json) io.stdout.write("\x1b[H\x1b[2J" + text);
      else if (text !== last) io.stdout.write(text + (flags.json ? "" : "\n"));
      last = text;
      await new Promise((r) => setTimeout(r, 1000));
    }
    return 0;
  });
}

function describe(
  environment: string,
  env: EnvironmentRecord | null,
  deployment: DeploymentRecord | null,
): StatusSnapshot {
  return {
    environment,
    agent: {
      pid: env?.agentPid ?? null,
      alive: agentAlive(env),
      heartbeatAt: env?.heartbeatAt ?? null,
      routerUrl: env?.routerUrl ?? null,
    },
    stableVersion: env?.stableVersion ?? null,
    deployment,
    live: agentAlive(env) ? ((env?.live as LiveView | null) ?? null) : null,
  };
}

export function renderStatus(s: StatusSnapshot, color: boolean): string {
  const bold = (t: string): string => (color ? pc.bold(t) : t);
  const lines: string[] = [];
  const agent = s.agent.alive
    ? `agent pid ${s.agent.pid}, routing ${s.agent.routerUrl ?? "?"}`
    : "no agent running (sluice deploy starts one)";
  lines.push(`${bold(s.environment)}  stable ${s.stableVersion ?? "none"}  ·  ${agent}`);
  const d = s.deployment;
  if (d?.status === "in_progress" && !s.agent.alive) {
    // Nothing decides for this rollout now; traffic stays where the last decision put it.
    lines.push(
      `rollout #${d.number} is not watched: its agent is gone. sluice agent ${s.environment} --detach resumes it (sluice abort ${s.environment} returns traffic to stable).`,
    );
  }
  if (d) {
    const state = d.state as RolloutState | null;
    const took = formatDuration(
      (d.finishedAt ? Date.parse(d.finishedAt) : Date.now()) - Date.parse(d.createdAt),
    );
    lines.push(
      `deployment #${d.number}: ${d.version} (${d.strategy}) — ${d.status === "in_progress" ? d.phase : d.status} after ${took}${d.reason ? `: ${d.reason}` : ""}`,
    );
    if (state && d.status === "in_progress") lines.push(`  ${progressLine(state)}`);
  }
  const live = s.live;
  if (live) {
    const weights = Object.entries(live.weights).map(([v, w]) => `${v} ${w}%`);
    lines.push(`weights: ${weights.length > 0 ? weights.join(" · ") : "none"}`);
    lines.push(`  ${"VERSION".padEnd(16)} READY  RESTARTS  REQ/10s  ERRORS  P95`);
    for (const [v, x] of Object.entries(live.versions)) {
      const err = x.recent.errorRate === null ? "-" : `${(x.recent.errorRate * 100).toFixed(1)}%`;
      const p95 = x.recent.p95Ms === null ? "-" : `${Math.round(x.recent.p95Ms)} ms`;
      lines.push(
        `  ${v.padEnd(16)} ${`${x.ready}/${x.instances}`.padEnd(6)} ${String(x.restarts).padEnd(9)} ${String(x.recent.requests).padEnd(8)} ${err.padEnd(7)} ${p95}`,
      );
    }
    for (const a of live.analyses) {
      lines.push(
        `analysis ${a.analysis} (${a.scope}): ${a.measurements} looks, last ${a.lastVerdict ?? "-"}${a.lastReason ? ` — ${a.lastReason}` : ""}`,
      );
    }
    for (const a of live.approvals)
      lines.push(`waiting for approval "${a.name}": sluice approve ${s.environment}`);
    if (live.fault && live.fault.until > Date.now()) {
      lines.push(
        `chaos: ${Math.round(live.fault.errorRate * 1000) / 10}% errors, +${live.fault.latencyMs} ms on ${live.fault.version ?? "every version"} until ${new Date(live.fault.until).toISOString().slice(11, 19)}`,
      );
    }
  }
  const history = (d?.state as RolloutState | null)?.history ?? [];
  if (history.length > 0) {
    lines.push("timeline:");
    for (const e of history.slice(-12)) lines.push(`  ${formatEvent(e, color)}`);
  }
  return lines.join("\n") + "\n";
}

function progressLine(state: RolloutState): string {
  const parts = [`phase ${state.phase}`];
  if (state.strategy === "canary") {
    if (state.stepIndex >= 0) parts.push(`step ${state.stepIndex + 1}`);
    if (state.step?.kind === "pause") {
      parts.push(
        state.step.until === null
          ? "paused until promoted"
          : `pause ends ${new Date(state.step.until).toISOString().slice(11, 19)}`,
      );
    }
    if (state.hold) parts.push(`held: ${state.hold.reason}`);
  }
  if (state.strategy === "blueGreen" && state.hold) parts.push(`held: ${state.hold}`);
  return parts.join(", ");
}

export function historyAction(
  io: CliIO,
  environment: string,
  flags: { limit: number; json?: boolean },
): Promise<ExitCode> {
  return withDeployContext(io, async (ctx): Promise<ExitCode> => {
    environmentConfig(ctx.config, environment);
    const records = await ctx.store.listDeployments({ environment, limit: flags.limit });
    if (flags.json) {
      io.stdout.write(
        JSON.stringify(
          records.map(({ spec: _spec, state: _state, ...rest }) => rest),
          null,
          2,
        ) + "\n",
      );
      return 0;
    }
    if (records.length === 0) {
      io.stdout.write(`no deployments to ${environment} yet (sluice deploy ${environment} --version V)\n`);
      return 0;
    }
    for (const d of records) {
      const took = formatDuration(
        (d.finishedAt ? Date.parse(d.finishedAt) : Date.now()) - Date.parse(d.createdAt),
      );
      const from = d.previousVersion ? `${d.previousVersion} → ` : "";
      io.stdout.write(
        `#${String(d.number).padEnd(4)} ${d.createdAt.slice(0, 19).replace("T", " ")}  ${`${from}${d.version}`.padEnd(24)} ${d.strategy.padEnd(9)} ${d.status.padEnd(11)} ${took.padEnd(8)} ${d.actor}${d.reason ? `  ${d.reason}` : ""}\n`,
      );
    }
    return 0;
  });
}
