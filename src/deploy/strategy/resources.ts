/**
 * The resource trigger: the new version's busiest instance above a share of its memory or CPU limit,
 * continuously for a while, rolls back — a leak or a hot loop that no error rate shows yet. A single
 * measurement below the share resets the clock, so a short spike (a GC, a cache warm-up) costs nothing.
 */
import { record, type Ctx } from "./common";
import type { RolloutStateBase } from "./types";

const DEFAULT_SHARE = 0.9;
const DEFAULT_FOR_MS = 60_000;

/** Returns a rollback reason when the breach has lasted long enough, else null. */
export function checkResources<S extends RolloutStateBase>(ctx: Ctx<S>): string | null {
  const trigger = ctx.safety.resources;
  const usage = ctx.obs.instances?.[ctx.candidate]?.usage;
  if (!trigger || usage === undefined) return null;
  const share = trigger.share ?? DEFAULT_SHARE;
  const over: string[] = [];
  if (trigger.memoryBytes !== undefined && usage.rssBytes > share * trigger.memoryBytes) {
    over.push(`memory ${mib(usage.rssBytes)} of ${mib(trigger.memoryBytes)}`);
  }
  if (trigger.cpuCores !== undefined && usage.cpuCores > share * trigger.cpuCores) {
    over.push(`CPU ${usage.cpuCores.toFixed(2)} of ${trigger.cpuCores} cores`);
  }
  const c = ctx.state.counters;
  if (over.length === 0) {
    if (c.resourceBreachSince != null)
      record(ctx, "health", `${ctx.candidate} back under its resource limits`);
    c.resourceBreachSince = null;
    return null;
  }
  if (c.resourceBreachSince == null) {
    c.resourceBreachSince = ctx.now;
    record(
      ctx,
      "health",
      `${ctx.candidate} above ${Math.round(share * 100)} % of its limit: ${over.join(", ")}`,
    );
  }
  const forMs = trigger.forMs ?? DEFAULT_FOR_MS;
  if (ctx.now - c.resourceBreachSince < forMs) return null;
  return `${ctx.candidate} stayed above ${Math.round(share * 100)} % of its limit for ${Math.round(forMs / 1000)}s: ${over.join(", ")}`;
}

function mib(bytes: number): string {
  return `${Math.round(bytes / 1048576)} MiB`;
}
