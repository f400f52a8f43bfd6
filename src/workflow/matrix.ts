/**
 * `jobs.<id>.strategy.matrix` expansion, following GitHub's documented rules: cartesian product of the
 * vectors, then `exclude`, then `include`.
 */

/** One job's matrix values, keyed by matrix key in definition order. */
export type MatrixCombination = Record<string, unknown>;

/** One reason a matrix is invalid, with where it lies so a loader can point at the YAML. */
export interface MatrixProblem {
  message: string;
  /** Keys and indexes from the matrix mapping to the culprit ([] = the matrix itself). */
  path: Array<string | number>;
  /** The culprit is the last path element's key, not its value (an unknown exclude key). */
  atKey?: boolean;
}

/** The outcome of {@link expandMatrix}. */
export interface MatrixExpansion {
  /** The job combinations in GitHub's order; empty whenever `problems` is not. */
  combinations: MatrixCombination[];
  /** Why the matrix is invalid (GitHub fails the workflow for each of these); empty when valid. */
  problems: string[];
  /** The same problems with where each lies. */
  located: MatrixProblem[];
}

/** GitHub's limit on the jobs one matrix may generate. */
export const MAX_MATRIX_COMBINATIONS = 256;

// Past this size the cartesian product is not even built: no realistic `exclude` list brings it back
// under the limit, and building it would only exhaust memory.
const MAX_PRODUCT = MAX_MATRIX_COMBINATIONS * 256;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === "object" && !Array.isArray(value);
}

/** Structural equality of JSON-like values (matrix values come from YAML or `fromJSON`). */
export function deepEqual(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    return Array.isArray(b) && a.length === b.length && a.every((item, i) => deepEqual(item, b[i]));
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const keys = Object.keys(a);
    return (
      keys.length === Object.keys(b).length && keys.every((k) => Object.hasOwn(b, k) && deepEqual(a[k], b[k]))
    );
  }
  return false;
}

function entryList(
  value: unknown,
  key: "include" | "exclude",
  problems: MatrixProblem[],
): Array<[number, Record<string, unknown>]> {
  if (!Array.isArray(value)) {
    problems.push({ message: `Matrix ${key} must be a sequence of mappings`, path: [key] });
    return [];
  }
  const entries: Array<[number, Record<string, unknown>]> = [];
  value.forEach((entry, i) => {
    if (isPlainObject(entry)) entries.push([i, entry]);
    else problems.push({ message: `Matrix ${key} entry ${i + 1} must be a mapping`, path: [key, i] });
  });
  return entries;
}

function product(vectors: [string, unknown[]][]): MatrixCombination[] {
  // Later keys vary fastest, so the first key defined varies slowest, as GitHub orders jobs.
  let combos: MatrixCombination[] = [{}];
  for (const [key, values] of vectors) {
    const next: MatrixCombination[] = [];
    for (const combo of combos) for (const value of values) next.push({ ...combo, [key]: value });
    combos = next;
  }
  return combos;
}

/**
 * Expands a matrix (already expression-evaluated) into job combinations the way GitHub does:
 * - the cartesian product of every key except `include`/`exclude`, the first key varying slowest;
 * - `exclude` removes each combination that equals an entry on all of the entry's keys (a partial entry
 *   excludes every combination it matches; values compare structurally);
 * - each `include` entry, in order, is merged into every product combination whose original matrix values
 *   it would not change (values added by earlier includes may be overwritten); an entry that fits none
 *   becomes a combination of its own, and those are never merged into. With no vectors, the combinations
 *   are the include entries.
 * Problems (never thrown): a vector that is not a sequence or is empty, malformed include/exclude, an
 * exclude key that is not a matrix key, no combinations at all, more than {@link MAX_MATRIX_COMBINATIONS}.
 * Pure; the input is not modified.
 */
export function expandMatrix(matrix: unknown): MatrixExpansion {
  const located = checkMatrix(matrix);
  return {
    combinations: located.combinations,
    problems: located.problems.map((p) => p.message),
    located: located.problems,
  };
}

function checkMatrix(matrix: unknown): { combinations: MatrixCombination[]; problems: MatrixProblem[] } {
  const fail = (message: string) => ({ combinations: [], problems: [{ message, path: [] }] });
  if (!isPlainObject(matrix)) return fail("Matrix must be a mapping");
  const problems: MatrixProblem[] = [];
  const vectors: [string, unknown[]][] = [];
  let include: Array<[number, Record<string, unknown>]> = [];
  let exclude: Array<[number, Record<string, unknown>]> = [];
  for (const [key, value] of Object.entries(matrix)) {
    if (key === "include") include = entryList(value, key, problems);
    else if (key === "exclude") exclude = entryList(value, key, problems);
    else if (!Array.isArray(value))
      problems.push({ message: `Matrix vector '${key}' must be a sequence`, path: [key] });
    else if (value.length === 0)
      problems.push({ message: `Matrix vector '${key}' does not contain any values`, path: [key] });
    else vectors.push([key, value]);
  }
  const vectorKeys = new Set(vectors.map(([key]) => key));
  for (const [i, entry] of exclude) {
    for (const key of Object.keys(entry)) {
      if (!vectorKeys.has(key))
        problems.push({
          message: `Matrix exclude key '${key}' does not match any key within the matrix`,
          path: ["exclude", i, key],
          atKey: true,
        });
    }
  }
  const size = vectors.reduce((n, [, values]) => n * values.length, vectors.length > 0 ? 1 : 0);
  if (size > MAX_PRODUCT) {
    problems.push({
      message: `Matrix would generate ${size} jobs; GitHub allows at most ${MAX_MATRIX_COMBINATIONS}`,
      path: [],
    });
  }
  if (problems.length > 0) return { combinations: [], problems };

  // An empty exclude entry is skipped rather than read as "exclude everything".
  const excluding = exclude.map(([, entry]) => entry).filter((entry) => Object.keys(entry).length > 0);
  const originals = (vectors.length > 0 ? product(vectors) : []).filter(
    (combo) => !excluding.some((entry) => Object.entries(entry).every(([k, v]) => deepEqual(combo[k], v))),
  );
  const merged = originals.map((combo) => ({ ...combo }));
  const added: MatrixCombination[] = [];
  for (const [, entry] of include) {
    let fitted = false;
    originals.forEach((original, i) => {
      const keepsOriginals = Object.entries(entry).every(
        ([k, v]) => !vectorKeys.has(k) || deepEqual(original[k], v),
      );
      if (keepsOriginals) {
        Object.assign(merged[i] as MatrixCombination, entry);
        fitted = true;
      }
    });
    if (!fitted) added.push({ ...entry });
  }
  const combinations = [...merged, ...added];
  if (combinations.length === 0) {
    // GitHub's words for a matrix without vectors (an empty `include` from fromJSON, say).
    if (vectors.length === 0) return fail("Matrix must define at least one vector");
    return fail("Matrix does not contain any combinations: every combination is excluded");
  }
  if (combinations.length > MAX_MATRIX_COMBINATIONS) {
    return fail(
      `Matrix generates ${combinations.length} jobs; GitHub allows at most ${MAX_MATRIX_COMBINATIONS}`,
    );
  }
  return { combinations, problems: [] };
}

function displayValues(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(displayValues);
  if (isPlainObject(value)) return Object.values(value).flatMap(displayValues);
  if (value === null || value === undefined) return [""];
  return [String(value)];
}

/**
 * The `(a, b)` suffix GitHub appends to a matrix job's name: the combination's values in key order,
 * joined by ", ". Object and array values contribute their leaf values in order (GitHub shows the leaves,
 * not JSON), null shows as empty. Returns "" for an empty combination; the caller adds the separating space.
 */
export function matrixDisplaySuffix(combination: MatrixCombination): string {
  const values = Object.values(combination).flatMap(displayValues);
  return values.length === 0 ? "" : `(${values.join(", ")})`;
}
