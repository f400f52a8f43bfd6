/**
 * Follows a deployment until it ends, printing its timeline as it grows (the strategy's history, from
 * the store), so `sluice deploy` reads like a log on a terminal and in CI alike. Ctrl-C stops
 * following only: the rollout goes on in the agent (`sluice abort` stops it).
 */
import pc from "picocolors";
import type { DeploymentRecord } from "../../store/deployment-types";
import type { Store } from "../../store/types";
import type { RolloutEvent, RolloutState } from "../strategy/index";

const ICONS: Partial<Record<RolloutEvent["type"], string>> = {
  started: "▶",
  weights: "⇄",
  analysis: "≈",
  "smoke-test": "✓",
  approval: "✋",
  health: "♥",
  crash: "✗",
  promoted: "★",
  completed: "✔",
  rollback: "↩",
  "rolled-back": "↩",
  aborted: "■",
  failed: "✗",
};

export function formatEvent(event: RolloutEvent, color: boolean): string {
  const time = new Date(event.at).toISOString().slice(11, 19);
  const icon = ICONS[event.type] ?? "·";
  const bad = ["crash", "rollback", "rolled-back", "aborted", "failed"].includes(event.type);
  const line = `${time} ${icon} ${event.message}`;
  return color ? (bad ? pc.red(line) : event.type === "completed" ? pc.green(line) : line) : line;
}

export async function followDeployment(options: {
  store: Store;
  id: string;
  write: (text: string) => void;
  color: boolean;
  signal: AbortSignal;
  pollMs?: number;
  /** Give up when the agent stops beating for this long (it died and nobody restarted it). */
  isAgentAlive: () => Promise<boolean>;
}): Promise<DeploymentRecord> {
  const { store, id, write } = options;
  let printed = 0;
  let dropped = 0;
  let agentDownSince: number | null = null;
  for (;;) {
    const record = await store.getDeployment(id);
    if (record === null) throw new Error(`deployment ${id} disappeared`);
    const state = record.state as RolloutState | null;
    if (state) {
      // `history` is capped: events dropped from its front shift the indexes.
      const shift = state.historyDropped - dropped;
      printed = Math.max(0, printed - shift);
      dropped = state.historyDropped;
      for (const event of state.history.slice(printed)) write(formatEvent(event, options.color) + "\n");
      printed = state.history.length;
    }
    if (record.status === "completed") await stableRecorded(store, record);
    if (record.status !== "in_progress" || options.signal.aborted) return record;
    if (await options.isAgentAlive()) agentDownSince = null;
    else if ((agentDownSince ??= Date.now()) < Date.now() - 10_000) return record;
    await new Promise((r) => setTimeout(r, options.pollMs ?? 250));
  }
}

/**
 * The agent records the new stable version in the action that follows the persisted decision, a few
 * milliseconds after the deployment reads `completed`; wait for it (briefly), so a command run right
 * after `sluice deploy` sees the environment as the deployment left it.
 */
async function stableRecorded(store: Store, record: DeploymentRecord): Promise<void> {
  const deadline = Date.now() + 2000;
  while (Date.now() < deadline) {
    const env = await store.getEnvironment(record.environment);
    if (env?.stableDeploymentId === record.id) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}
