/**
 * Turning a job whose needs are done into instances: evaluate its `if` with GitHub's job-level
 * status functions, then its strategy (matrix, fail-fast, max-parallel), possibly computed from
 * `fromJSON(needs.x.outputs.y)`.
 */
import { createError } from "../../core/errors";
import type { Conclusion } from "../../store/types";
import { coerceToString, isTruthy } from "../../workflow/expression/data";
import { evaluateExpression } from "../../workflow/expression/evaluate";
import { evaluateToken } from "../../workflow/expression/template";
import type { EvalScope } from "../../workflow/expression/template";
import { expandMatrix, matrixDisplaySuffix } from "../../workflow/matrix";
import type { JobDef } from "../../workflow/model";
import { jobStatus } from "../status";

export interface ExpandedInstance {
  matrix: Record<string, unknown> | null;
  name: string;
  strategy: Record<string, unknown>;
  continueOnError: boolean;
}

export type Expansion =
  | { kind: "skip"; result: Conclusion; reason: string }
  | { kind: "fail"; message: string }
  | { kind: "run"; instances: ExpandedInstance[]; maxParallel?: number; failFast: boolean };

export interface ExpandInput {
  def: JobDef;
  /** Contexts available to job-level `if` and strategy: github, needs, vars, inputs. */
  contexts: Record<string, unknown>;
  ancestorResults: Conclusion[];
  cancelled: boolean;
}

export function expandJob({ def, contexts, ancestorResults, cancelled }: ExpandInput): Expansion {
  const status = jobStatus(ancestorResults, cancelled);
  const scope: EvalScope = { contexts, host: { ...status, hashFiles: () => "" } };
  try {
    if (!isTruthy(evaluateExpression(def.if, contexts, scope.host))) {
      return cancelled
        ? { kind: "skip", result: "cancelled", reason: "the run was cancelled" }
        : { kind: "skip", result: "skipped", reason: `if: ${def.if} was false` };
    }
    const strategy = (evaluateToken(def.strategy, scope) ?? {}) as Record<string, unknown>;
    if (typeof strategy !== "object" || Array.isArray(strategy))
      throw createError("SLUICE_E_EXPRESSION_EVAL", "strategy must be a mapping");
    const failFast = strategy["fail-fast"] === undefined ? true : isTruthy(strategy["fail-fast"]);
    const maxParallel = typeof strategy["max-parallel"] === "number" ? strategy["max-parallel"] : undefined;
    const combos: Array<Record<string, unknown> | null> = [];
    if (strategy.matrix !== undefined && strategy.matrix !== null) {
      const { combinations, problems } = expandMatrix(strategy.matrix);
      if (problems.length > 0) return { kind: "fail", message: `strategy.matrix: ${problems.join("; ")}` };
      combos.push(...combinations);
    } else {
      combos.push(null);
    }
    const instances = combos.map((matrix, index) => {
      const strategyCtx = {
        "fail-fast": failFast,
        "job-index": index,
        "job-total": combos.length,
        "max-parallel": maxParallel ?? combos.length,
      };
      const withMatrix: EvalScope = {
        contexts: { ...contexts, matrix: matrix ?? {}, strategy: strategyCtx },
        host: scope.host,
      };
      return {
        matrix,
        strategy: strategyCtx,
        name: instanceName(def, matrix, withMatrix),
        continueOnError: isTruthy(evaluateToken(def.continueOnError, withMatrix)),
      };
    });
    return { kind: "run", instances, maxParallel, failFast };
  } catch (err) {
    return { kind: "fail", message: err instanceof Error ? err.message : String(err) };
  }
}

/** The job's `name:` (which may use matrix), else `id`, with GitHub's `(a, b)` matrix suffix. */
function instanceName(def: JobDef, matrix: Record<string, unknown> | null, scope: EvalScope): string {
  const explicit = def.name ? coerceToString(evaluateToken(def.name, scope)) : "";
  const base = explicit || def.id;
  // GitHub appends the matrix values unless the name already uses the matrix context.
  const usesMatrix = def.name && /matrix/i.test(JSON.stringify(def.name.toJSON()));
  const suffix = matrix && !usesMatrix ? matrixDisplaySuffix(matrix) : "";
  return suffix ? `${base} ${suffix}` : base;
}
