/**
 * Keeps the router's backends equal to the target's ready instances: instances restart on new ports,
 * scale up and down, and a version that stopped has none. Only versions whose list changed are sent.
 * `routeWeights` is the one way the controller moves traffic: it never gives a share to a version
 * the router has no instance of (which would answer 503) without first waiting for one.
 */
import type { Backend, Router, Weights } from "../router/types";
import type { Target } from "../target/types";

/** Longest wait for a router to take new backends before the caller carries on. */
const SETTLE_MS = 1000;
/** Longest wait for a version that is to get traffic to have a ready instance. */
export const ROUTE_WAIT_MS = 3000;
const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms).unref?.());

const known = new WeakMap<Router, Map<string, string>>();
/** Versions taken out of the router ahead of their stop: kept out until the target drops them. */
const leaving = new WeakMap<Router, Set<string>>();

export async function syncBackends(target: Target, router: Router): Promise<void> {
  let last = known.get(router);
  if (last === undefined) known.set(router, (last = new Map()));
  const byVersion = readyBackends(target);
  for (const version of leaving.get(router) ?? []) {
    if (byVersion.has(version)) byVersion.set(version, []);
    else leaving.get(router)!.delete(version);
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

/** Takes `version` out of the router now (before its instances stop), and remembers it is out. */
export async function removeBackends(router: Router, version: string): Promise<void> {
  let out = leaving.get(router);
  if (out === undefined) leaving.set(router, (out = new Set()));
  out.add(version);
  known.get(router)?.set(version, "");
  await router.setBackends(version, []);
}

function readyBackends(target: Target): Map<string, Backend[]> {
  const byVersion = new Map<string, Backend[]>();
  for (const i of target.listInstances()) {
    const list = byVersion.get(i.version) ?? [];
    // Ready is enough: pods (kubernetes target) have no local pid, and a restarting process is not ready.
    if (i.ready) list.push({ host: i.host, port: i.port });
    byVersion.set(i.version, list);
  }
  return byVersion;
}

/** Versions that `weights` gives a share to but that have no ready instance. */
export function versionsWithoutBackends(target: Target, weights: Weights): string[] {
  const ready = readyBackends(target);
  return Object.entries(weights)
    .filter(([v, w]) => w > 0 && (ready.get(v)?.length ?? 0) === 0)
    .map(([v]) => v);
}

/**
 * Sets the split once every version with a share has a ready instance in the router, waiting up to
 * `waitMs` for one (an instance that was ready when the decision was taken may be restarting). Past
 * that the split is set anyway — the decision is persisted and the strategy watches the version —
 * and the versions without instances are returned so the caller can say so.
 */
export async function routeWeights(
  target: Target,
  router: Router,
  weights: Weights,
  waitMs = ROUTE_WAIT_MS,
): Promise<string[]> {
  const deadline = Date.now() + waitMs;
  await syncBackends(target, router);
  let missing = versionsWithoutBackends(target, weights);
  while (missing.length > 0 && Date.now() < deadline) {
    await sleep(50);
    await syncBackends(target, router);
    missing = versionsWithoutBackends(target, weights);
  }
  if (Object.keys(weights).length > 0) await router.setWeights(weights);
  return missing;
}
