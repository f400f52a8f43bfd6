/**
 * The second phase of validating sluice.yml (expression-sites.ts says why it is separate): compiles
 * each CEL site with the compiler that will run it, and returns a zod-style issue per problem so
 * that issues.ts words and locates them as it does the schema's own.
 */
import { getJudge } from "../analysis/judge/registry";
import { isSluiceError } from "../core/errors";
import { compileRule } from "../gate/rules";
import { compilePolicyRule } from "../scan/policy/compile";
import type { ExpressionSite } from "./expression-sites";

export interface ExpressionIssue {
  code: "custom";
  path: PropertyKey[];
  message: string;
  input: unknown;
}

export function checkExpressions(sites: readonly ExpressionSite[]): ExpressionIssue[] {
  const issues: ExpressionIssue[] = [];
  for (const site of sites) {
    for (const message of problemsOf(site)) {
      issues.push({ code: "custom", path: site.path, message, input: undefined });
    }
  }
  return issues;
}

// Each compiler words its errors as the schema used to pass them on: a gate rule's message; a
// policy rule's located problems; a judge's SluiceError problems.
function problemsOf(site: ExpressionSite): string[] {
  try {
    if (site.kind === "gate-rule") {
      compileRule({ name: site.expression, expression: site.expression, severity: "fail" });
    } else if (site.kind === "policy-rule") {
      compilePolicyRule(site.input);
    } else {
      getJudge(site.type).parseSpec(site.spec);
    }
    return [];
  } catch (err) {
    if (site.kind === "judge") return isSluiceError(err) ? err.problems.map((p) => p.message) : [String(err)];
    const problems =
      site.kind === "policy-rule" ? (err as { problems?: Array<{ message: string }> }).problems : [];
    if (problems && problems.length > 0) return problems.map((p) => p.message);
    return [err instanceof Error ? err.message : String(err)];
  }
}
