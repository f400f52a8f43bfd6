/** How the project reaches each package: the shortest chain of dependencies from a direct one. */
import type { DependencyGraph } from "../types";

/**
 * Package id → ids from a direct dependency down to the package itself (`[id]` for a direct one).
 * Breadth-first from the direct packages in id order, so the path is a shortest one and the same
 * on every run. Packages no direct package reaches (a lockfile's stale entries) are absent.
 */
export function shortestPaths(graph: DependencyGraph): Map<string, string[]> {
  const paths = new Map<string, string[]>();
  const queue: string[] = [];
  for (const pkg of [...graph.packages.values()].filter((p) => p.direct).sort((a, b) => cmp(a.id, b.id))) {
    paths.set(pkg.id, [pkg.id]);
    queue.push(pkg.id);
  }
  for (let i = 0; i < queue.length; i++) {
    const id = queue[i]!;
    const path = paths.get(id)!;
    for (const dep of [...(graph.packages.get(id)?.dependencies ?? [])].sort(cmp)) {
      if (paths.has(dep) || !graph.packages.has(dep)) continue;
      paths.set(dep, [...path, dep]);
      queue.push(dep);
    }
  }
  return paths;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
