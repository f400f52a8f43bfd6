/** Pure helpers over the `needs` graph of a workflow's jobs. */

interface Node {
  id: string;
  needs: string[];
}

/** A cycle as job ids (first repeated at the end), or null when the graph is acyclic. */
export function findNeedsCycle(jobs: Node[]): string[] | null {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const state = new Map<string, "visiting" | "done">();
  const stack: string[] = [];
  const visit = (id: string): string[] | null => {
    const s = state.get(id);
    if (s === "done") return null;
    if (s === "visiting") return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, "visiting");
    stack.push(id);
    for (const dep of byId.get(id)?.needs ?? []) {
      if (!byId.has(dep)) continue;
      const cycle = visit(dep);
      if (cycle) return cycle;
    }
    stack.pop();
    state.set(id, "done");
    return null;
  };
  for (const j of jobs) {
    const cycle = visit(j.id);
    if (cycle) return cycle;
  }
  return null;
}

/** Every job that `id` depends on, directly or transitively. */
export function ancestorsOf(id: string, jobs: Node[]): Set<string> {
  const byId = new Map(jobs.map((j) => [j.id, j]));
  const out = new Set<string>();
  const todo = [...(byId.get(id)?.needs ?? [])];
  while (todo.length > 0) {
    const next = todo.pop()!;
    if (out.has(next)) continue;
    out.add(next);
    todo.push(...(byId.get(next)?.needs ?? []));
  }
  return out;
}
