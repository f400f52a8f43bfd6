/**
 * Load-time check of static matrices: GitHub expands a `strategy.matrix` without `${{ }}` when it
 * reads the workflow and rejects the file ("The workflow is not valid. … Matrix exclude key 'x' does
 * not match any key within the matrix") before any job runs. Matrices holding expressions are
 * expanded, and checked, when their job starts (engine/job/expand-job.ts).
 */
import { isMapping, isSequence, isString } from "@actions/workflow-parser";
import { TemplateToken } from "@actions/workflow-parser/templates/tokens/index";
import type { Problem } from "../core/errors";
import { expandMatrix } from "./matrix";
import type { MatrixProblem } from "./matrix";
import { mappingEntries, tokenLocation } from "./tokens";

/** Problems of every job's static matrix, skipping matrices where `skip` already reports one. */
export function checkStaticMatrices(
  root: TemplateToken,
  file: string,
  skip: (matrix: TemplateToken) => boolean,
): Problem[] {
  const problems: Problem[] = [];
  for (const job of mappingEntries(mappingEntries(root).get("jobs")).values()) {
    const matrix = mappingEntries(mappingEntries(job).get("strategy")).get("matrix");
    if (!matrix || !isMapping(matrix) || hasExpression(matrix) || skip(matrix)) continue;
    for (const p of expandMatrix(literalValue(matrix)).located) {
      problems.push({
        code: "SLUICE_E_WORKFLOW_INVALID",
        message: p.message,
        location: tokenLocation(file, culprit(matrix, p)),
      });
    }
  }
  return problems;
}

function hasExpression(token: TemplateToken): boolean {
  for (const [, t, key] of TemplateToken.traverse(token)) {
    if (t.isExpression || key?.isExpression) return true;
  }
  return false;
}

/** The plain value of a token without expressions. */
function literalValue(token: TemplateToken): unknown {
  if (isSequence(token)) return [...token].map(literalValue);
  if (isMapping(token)) {
    const out: Record<string, unknown> = {};
    for (const pair of token)
      out[isString(pair.key) ? pair.key.value : String(pair.key)] = literalValue(pair.value);
    return out;
  }
  return token.toJSON();
}

/** The token a matrix problem is about, or the closest one that exists. */
function culprit(matrix: TemplateToken, problem: MatrixProblem): TemplateToken {
  let token = matrix;
  for (const [i, step] of problem.path.entries()) {
    const last = i === problem.path.length - 1;
    if (typeof step === "number" && isSequence(token) && step < token.count) {
      token = token.get(step);
    } else if (typeof step === "string" && isMapping(token)) {
      const pair = [...token].find((p) => isString(p.key) && p.key.value === step);
      if (!pair) break;
      token = last && problem.atKey ? pair.key : pair.value;
    } else {
      break;
    }
  }
  return token;
}
