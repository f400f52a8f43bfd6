/**
 * Cross-references in the deployment config that one field's schema cannot see: every analysis a
 * strategy names must be defined under `analyses`.
 */
import type { z } from "zod";
import type { AnalysisConfig, EnvironmentConfig } from "./deploy-schema";

interface DeployPart {
  environments: Record<string, EnvironmentConfig>;
  analyses: Record<string, AnalysisConfig>;
}

/** Adds an issue (at the referring field) for each analysis name that is not defined. */
export function checkAnalysisReferences(config: DeployPart, ctx: z.RefinementCtx): void {
  for (const [envName, env] of Object.entries(config.environments)) {
    for (const { path, analysis } of analysisReferences(env)) {
      if (Object.hasOwn(config.analyses, analysis)) continue;
      const known = Object.keys(config.analyses);
      ctx.addIssue({
        code: "custom",
        path: ["environments", envName, "strategy", ...path],
        message: `analysis "${analysis}" is not defined under \`analyses\`${known.length > 0 ? ` (defined: ${known.join(", ")})` : ""}`,
      });
    }
  }
}

function analysisReferences(env: EnvironmentConfig): { path: (string | number)[]; analysis: string }[] {
  const refs: { path: (string | number)[]; analysis: string }[] = [];
  const strategy = env.strategy;
  if (strategy.type === "canary") {
    strategy.steps.forEach((step, i) => {
      if (step.analysis) refs.push({ path: ["steps", i, "analysis"], analysis: step.analysis.name });
    });
    const bg = strategy.backgroundAnalysis;
    if (bg !== undefined) refs.push({ path: ["backgroundAnalysis"], analysis: bg.name });
  } else if (strategy.type === "blueGreen") {
    if (strategy.prePromotionAnalysis)
      refs.push({ path: ["prePromotionAnalysis"], analysis: strategy.prePromotionAnalysis });
    if (strategy.postPromotionAnalysis)
      refs.push({ path: ["postPromotionAnalysis"], analysis: strategy.postPromotionAnalysis });
  }
  return refs;
}
