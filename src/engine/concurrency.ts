/**
 * Workflow-level `concurrency:` across runs, including runs of other `sluice run` processes on the
 * same repository: at most one run of a group is in progress and one is pending; a newer pending run
 * replaces (cancels) an older pending one; `cancel-in-progress` cancels the holder. Coordination goes
 * through the shared store; cancellation requests are files that the target run polls for.
 */
import { runLevelHost } from "../workflow/expression/evaluate";
import { existsSync, mkdirSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { TemplateToken } from "@actions/workflow-parser/templates/tokens/index";
import { coerceToString, isTruthy } from "../workflow/expression/data";
import { evaluateToken } from "../workflow/expression/template";
import { isPidAlive } from "../store/pid";
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

export function cancelRequestPath(stateDir: string, runId: string): string {
  return path.join(stateDir, "cancel", runId);
}

/** Asks a run (in any process) to cancel; it notices within a poll interval. */
export function requestCancel(stateDir: string, runId: string): void {
  const file = cancelRequestPath(stateDir, runId);
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, new Date().toISOString());
}

/** Aborts `controller` when a cancel request for the run appears; returns a stop function. */
export function watchCancelRequest(stateDir: string, runId: string, controller: AbortController): () => void {
  const file = cancelRequestPath(stateDir, runId);
  const timer = setInterval(() => {
    if (existsSync(file)) controller.abort();
  }, POLL_MS);
  timer.unref();
  return () => {
    clearInterval(timer);
    rmSync(file, { force: true });
  };
}

/** Waits until the run may hold `setting.group`; returns the release function. */
export async function acquireRunGroup(
  run: RunScope,
  setting: ConcurrencySetting | null,
  controller: AbortController,
): Promise<() => void> {
  if (!setting) return () => {};
  const { store, identity } = run;
  await store.updateRun(identity.runId, { concurrencyGroup: setting.group, pid: process.pid });
  const self = await store.getRun(identity.runId);
  let announced = false;
  while (!controller.signal.aborted) {
    const others = (await store.listRuns({ limit: 1000 })).filter(
      (r) =>
        r.id !== identity.runId &&
        r.concurrencyGroup === setting.group &&
        r.status !== "completed" &&
        r.pid !== null &&
        isPidAlive(r.pid),
    );
    const holders = others.filter((r) => r.status === "in_progress");
    const olderPending = others.filter(
      (r) => r.status === "queued" && self && r.createdAt <= self.createdAt && r.number < self.number,
    );
    for (const r of olderPending) requestCancel(run.stateDir, r.id);
    if (setting.cancelInProgress) for (const r of holders) requestCancel(run.stateDir, r.id);
    if (holders.length === 0 && olderPending.length === 0) break;
    if (!announced) {
      announced = true;
      const held = holders.map((r) => `#${r.number}`).join(", ");
      run.reporter.info(
        `concurrency group "${setting.group}": ${setting.cancelInProgress ? "cancelling" : "waiting for"} run ${held || "(pending)"}`,
      );
    }
    await new Promise((r) => setTimeout(r, POLL_MS));
  }
  return () => {};
}
