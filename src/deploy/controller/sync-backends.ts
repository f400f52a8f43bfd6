/**
 * Keeps the router's backends equal to the target's ready instances: instances restart on new ports,
 * scale up and down, and a version that stopped has none. Only versions whose list changed are sent.
 */
import type { Backend, Router } from "../router/types";
import type { Target } from "../target/types";

/** Longest wait for a router to take new backends before the caller carries on. */
const SETTLE_MS = 1000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref?.());

const known = new WeakMap<Router, Map<string, string>>();

export async function syncBackends(target: Target, router: Router): Promise<void> {
  let last = known.get(router);
  if (last === undefined) known.set(router, (last = new Map()));
  const byVersion = new Map<string, Backend[]>();
  for (const i of target.listInstances()) {
    const list = byVersion.get(i.version) ?? [];
    if (i.ready && i.pid !== null) list.push({ host: i.host, port: i.port });
    byVersion.set(i.version, list);
  }
  for (const version of last.keys()) if (!byVersion.has(version)) byVersion.set(version, []);
  const pending: Promise<unknown>[] = [];
  for (const [version, backends] of byVersion) {
    const key = backends.map((b) => `${b.host}:${b.port}`).join(",");
    if (last.get(version) === key) continue;
    last.set(version, key);
    const done = router.setBackends(version, backends).catch(() => last.delete(version));
    // New instances take traffic at once; removed ones resolve only when drained, which must not
    // hold the controller — but a weight change right after must find the new instances in place.
    if (backends.length > 0) pending.push(Promise.race([done, sleep(SETTLE_MS)]));
  }
  await Promise.all(pending);
}
