/**
 * Job-level `concurrency:` groups, shared by every run in this process: at most one job of a group
 * runs and one waits; a newer waiter replaces (cancels) an older one; with cancel-in-progress the
 * newcomer cancels the running job. Workflow-level groups across processes live in ../concurrency.ts.
 */
import type { ConcurrencySetting } from "../concurrency";

interface Holder {
  /** Cancels this job (running or pending). */
  cancel(): void;
  grant(): void;
}

interface Group {
  running: Holder | null;
  pending: Holder | null;
}

const groups = new Map<string, Group>();

/**
 * Waits for the group. Resolves with a release function once the job may run, or with null when a
 * newer job replaced this one while it was pending (the job then concludes cancelled).
 */
export function acquireJobGroup(
  setting: ConcurrencySetting,
  cancelSelf: () => void,
  onWait: (msg: string) => void,
): Promise<(() => void) | null> {
  let group = groups.get(setting.group);
  if (!group) {
    group = { running: null, pending: null };
    groups.set(setting.group, group);
  }
  const g = group;
  return new Promise((resolve) => {
    let settled = false;
    const release = () => {
      if (g.running !== holder) return;
      g.running = null;
      const next = g.pending;
      g.pending = null;
      if (next) {
        g.running = next;
        next.grant();
      } else {
        groups.delete(setting.group);
      }
    };
    const holder: Holder = {
      cancel: () => {
        if (!settled) {
          settled = true;
          resolve(null);
        } else {
          cancelSelf();
        }
      },
      grant: () => {
        settled = true;
        resolve(release);
      },
    };
    if (!g.running) {
      g.running = holder;
      holder.grant();
      return;
    }
    if (g.pending) g.pending.cancel();
    g.pending = holder;
    if (setting.cancelInProgress) {
      onWait(`concurrency group "${setting.group}": cancelling the job in progress`);
      g.running.cancel();
    } else {
      onWait(`concurrency group "${setting.group}": waiting for the job in progress`);
    }
  });
}
