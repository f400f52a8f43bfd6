/**
 * Where sluice.yml holds CEL: gate rules, policy rules and analysis judges (the threshold judge's
 * conditions). The schema checks their shape; compiling them is a second phase (expressions.ts)
 * that loads cel-js and the compilers only when a file has any, so that commands reading a
 * sluice.yml without expressions — every `sluice run` of most repositories — start ≈ 20 ms sooner.
 *
 * This module walks the parsed YAML defensively (the schema may have rejected it): whatever is not
 * where and what a site needs is left to the schema's own problems.
 */
import { JUDGE_TYPES } from "../analysis/judge/names";

export type ExpressionSite =
  | { kind: "gate-rule"; path: PropertyKey[]; expression: string }
  | { kind: "policy-rule"; path: PropertyKey[]; input: unknown }
  | { kind: "judge"; path: PropertyKey[]; type: string; spec: Record<string, unknown> };

/** The judge an analysis uses when its `judge:` names none (deploy-schema.ts has the same default). */
export const DEFAULT_JUDGE_TYPE = "sequential";

export function expressionSites(value: unknown): ExpressionSite[] {
  const sites: ExpressionSite[] = [];
  const root = mapping(value);
  for (const [name, gate] of entries(root?.gates)) {
    gateRules(sites, mapping(gate)?.rules, ["gates", name, "rules"]);
    list(mapping(gate)?.overrides).forEach((override, j) =>
      gateRules(sites, mapping(override)?.rules, ["gates", name, "overrides", j, "rules"]),
    );
  }
  list(mapping(mapping(mapping(root?.scan)?.policy))?.rules).forEach((input, i) =>
    sites.push({ kind: "policy-rule", path: ["scan", "policy", "rules", i], input }),
  );
  for (const [name, analysis] of entries(root?.analyses)) {
    const judge = mapping(analysis)?.judge;
    if (mapping(analysis) === undefined || (judge !== undefined && mapping(judge) === undefined)) continue;
    const { type = DEFAULT_JUDGE_TYPE, ...spec } = mapping(judge) ?? {};
    if (typeof type !== "string" || !JUDGE_TYPES.includes(type)) continue;
    sites.push({ kind: "judge", path: ["analyses", name, "judge"], type, spec });
  }
  return sites;
}

function gateRules(sites: ExpressionSite[], rules: unknown, path: PropertyKey[]): void {
  list(rules).forEach((rule, i) => {
    if (typeof rule === "string" && rule !== "") {
      sites.push({ kind: "gate-rule", path: [...path, i], expression: rule });
      return;
    }
    const expression = mapping(rule)?.rule;
    if (typeof expression === "string" && expression !== "") {
      sites.push({ kind: "gate-rule", path: [...path, i, "rule"], expression });
    }
  });
}

function mapping(value: unknown): Record<string, unknown> | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as Record<string, unknown>)
    : undefined;
}

function entries(value: unknown): Array<[string, unknown]> {
  return Object.entries(mapping(value) ?? {});
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}
