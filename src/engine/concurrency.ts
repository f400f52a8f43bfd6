/**
 * `concurrency:` groups, for workflow runs and jobs alike, across every `sluice run` process of the
 * repository (GitHub: groups are per repository, shared by workflows and jobs, names case-insensitive).
 * At most one member of a group is in progress and one is pending; a newer pending member replaces
 * (cancels) an older one; `cancel-in-progress` cancels the holder. Members and their states live in
 * the shared store, which lets exactly one claim a free group; cancellation requests are files that
 * the target polls for. Members of dead processes are recovered (their steps stopped) before their
 * groups are released.
 */
import { runLevelHost } from "../workflow/expression/evaluate";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/index";
import { coerceToString, isTruthy } from "../workflow/expression/data";
import { evaluateToken } from "../workflow/expression/template";
import { isPidAlive } from "../store/pid";
import type { ConcurrencyContender, ConcurrencyMember } from "../store/types";
import { recoverDeadRuns, stopDeadProcesses } from "./recover-orphans";
import type { RunScope } from "./scope";

export interface ConcurrencySetting {
  group: string;
  cancelInProgress: boolean;
}

const POLL_MS = 200;

/** Evaluates `concurrency:` (a string, or `{group, cancel-in-progress}`); null when unset or empty. */
export function resolveConcurrency(
  token: TemplateToken | undefined,
  contexts: Record<string, unknown>,
): ConcurrencySetting | null {
  if (!token) return null;
  const host = runLevelHost();
  const value = evaluateToken(token, { contexts, host });
  if (value && typeof value === "object" && !Array.isArray(value)) {
    const group = coerceToString(value.group);
    return group ? { group, cancelInProgress: isTruthy(value["cancel-in-progress"]) } : null;
  }
  const group = coerceToString(value);
  return group ? { group, cancelInProgress: false } : null;
}

export function cancelRequestPath(stateDir: string, id: string): string {
  return path.join(stateDir, "cancel", id);
}

/** Cancel watchers of this process by member id: they hear of a request at once. */
const localWatchers = new Map<string, () => void>();

/** Asks a run or job (in any process) to cancel; another process notices within a poll interval. */
export function requestCancel(stateDir: string, id: string): void {
  const local = localWatchers.get(id);
  if (local) return local();
  const file = cancelRequestPath(stateDir, id);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, new Date().toISOString());
}

/** Calls `onCancel` when a cancel request for the run or job appears; returns a stop function. */
export function watchCancelRequest(stateDir: string, id: string, onCancel: () => void): () => void {
  const file = cancelRequestPath(stateDir, id);
  localWatchers.set(id, onCancel);
  const timer = setInterval(() => {
    if (existsSync(file)) onCancel();
  }, POLL_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    localWatchers.delete(id);
    rmSync(file, { force: true });
  };
}

/** Waiters of this process, woken when a local member joins or leaves a group. */
const wakers = new Set<() => void>();

/** Tells this process's waiting members to look at their groups again now. */
export function notifyGroupChange(): void {
  for (const wake of [...wakers]) wake();
}

export type GroupOutcome =
  | "granted"
  /** A newer member became the pending one. */
  | "replaced"
  /** A job whose own run holds the group would wait for itself. */
  | "deadlock"
  /** `signal` was aborted, or the member was completed by someone else. */
  | "aborted";

/**
 * Joins `member` (already recorded as queued) to the group and waits until it holds it, or is
 * replaced. `say` reports the wait once, and again when what it waits for changes.
 */
export async function acquireGroup(
  run: RunScope,
  member: ConcurrencyMember,
  setting: ConcurrencySetting,
  signal: AbortSignal,
  say: (message: string) => void,
): Promise<GroupOutcome> {
  const { store, stateDir } = run;
  await store.joinConcurrencyGroup(member, setting.group);
  notifyGroupChange();
  const cancelled = new Set<string>();
  let said = "";
  while (!signal.aborted) {
    let list = await store.listConcurrencyContenders(setting.group);
    if (list.some((c) => c.pid !== null && !isPidAlive(c.pid))) {
      // A crashed holder keeps its group until its steps are stopped and it is recorded as failed.
      await recoverDeadRuns(store, stateDir, run.killGraceMs);
      list = list.filter((c) => c.pid === null || isPidAlive(c.pid));
    }
    const self = list.find((c) => c.id === member.id);
    if (!self || signal.aborted) return "aborted";
    const others = list.filter((c) => c !== self && c.pid !== null);
    if (member.kind === "job" && others.some((c) => c.kind === "run" && c.id === self.runId))
      return "deadlock";
    const holders = others.filter((c) => c.status === "in_progress");
    const queued = [...others.filter((c) => c.status === "queued"), self].sort(byArrival);
    if (holders.length === 0 && queued[0] === self) {
      // Steps a crashed Sluice left running go before anyone else takes over (recovery may have
      // completed its runs from a process that does not stop them, such as `sluice runs`).
      await stopDeadProcesses(stateDir, run.killGraceMs);
      if (await store.claimConcurrencyGroup(member, new Date().toISOString())) return "granted";
      // Another member got in first: it is the holder at the next look.
    } else if (queued.at(-1) !== self) {
      say(`concurrency group "${setting.group}": replaced by a newer pending ${describe(queued.at(-1)!)}`);
      return "replaced";
    } else {
      if (setting.cancelInProgress) {
        for (const h of holders.filter((h) => !cancelled.has(h.id))) {
          cancelled.add(h.id);
          requestCancel(stateDir, h.id);
        }
      }
      // No holder: the oldest pending member is about to take the group.
      const waitingFor = holders.map(describe).join(", ") || `${describe(queued[0]!)} (starting)`;
      const verb = setting.cancelInProgress ? "cancelling" : "waiting for";
      const message = `concurrency group "${setting.group}": ${verb} ${waitingFor}`;
      if (message !== said) say((said = message));
    }
    await pause(POLL_MS, signal);
  }
  return "aborted";
}

/**
 * Waits for the run's workflow-level group; on any outcome but "granted" aborts `controller` (the
 * run then concludes cancelled). Returns the release function.
 */
export async function acquireRunGroup(
  run: RunScope,
  setting: ConcurrencySetting | null,
  controller: AbortController,
): Promise<() => void> {
  if (!setting) return () => {};
  const member: ConcurrencyMember = { kind: "run", id: run.identity.runId };
  const outcome = await acquireGroup(run, member, setting, controller.signal, (m) => run.reporter.info(m));
  if (outcome !== "granted") controller.abort();
  // The group is released by the run's completion in the store; local waiters need not poll for it.
  return notifyGroupChange;
}

/** Arrival order in the group, the same in every process: joining time, then run number, then position. */
function byArrival(a: ConcurrencyContender, b: ConcurrencyContender): number {
  if (a.queuedAt !== b.queuedAt) return a.queuedAt < b.queuedAt ? -1 : 1;
  return a.runNumber - b.runNumber || a.position - b.position;
}

function describe(c: ConcurrencyContender): string {
  return c.kind === "run" ? `run #${c.runNumber}` : `job "${c.name}" of run #${c.runNumber}`;
}

function pause(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      wakers.delete(done);
      signal.removeEventListener("abort", done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    wakers.add(done);
    signal.addEventListener("abort", done, { once: true });
  });
}
