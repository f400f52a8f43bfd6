/**
 * `scanPolicy`: the I/O edge of policy as code. Discover → read → parse → `evaluatePolicy` (pure)
 * → a ScanResult. Unreadable or malformed files are counted and skipped: a policy scan reports what
 * it can read, and the workflow loader and `kubectl` report syntax errors better.
 */
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { Problem } from "../../core/errors";
import type { ScanFinding, ScanResult, ScanRule } from "../types";
import { compilePolicyRule } from "./compile";
import { discoverPolicyFiles } from "./discover";
import type { PolicyCandidate } from "./discover";
import { readDockerfile } from "./dockerfile";
import { evaluatePolicy } from "./evaluate";
import type { PolicyInput } from "./evaluate";
import { mayBeKubernetes, parseKubernetes } from "./kubernetes";
import { compiledBuiltinRules } from "./rules/index";
import type { CompiledPolicyRule, PolicyOptions, PolicyRuleInput } from "./types";
import { closestName } from "../../core/did-you-mean";
import { parseWorkflow } from "./workflow";

/** Files larger than this are not policy inputs (generated bundles, data dumps). */
export const MAX_POLICY_FILE_BYTES = 2 * 1024 * 1024;

export interface ScanPolicyOptions {
  /** The repository to scan; findings' files are relative to it. */
  root: string;
  /** Rules added to the built-in pack; one with a built-in rule's id replaces it. */
  rules?: ReadonlyArray<PolicyRuleInput | CompiledPolicyRule>;
  /** Rule ids not to check (built-in or added). */
  disable?: readonly string[];
  /** Settings the rules read as `options.*`. */
  options?: PolicyOptions;
  /** Candidate files instead of discovering them (relative to root). */
  files?: readonly PolicyCandidate[];
  /** Reported as the tool's version. */
  version?: string;
}

/**
 * Scans `root` with the built-in pack plus `rules`, less `disable`. Throws SLUICE_E_POLICY for an
 * invalid added rule (before reading anything); never throws for a file's content. A rule that
 * cannot be evaluated on an object (a missing key read without `has()`, a result that is not a
 * bool) is an error of the result, not a finding: a broken control must fail the scan, as in
 * conftest, rather than pass as a low-severity remark. `disable` naming no rule is a note.
 */
export async function scanPolicy(opts: ScanPolicyOptions): Promise<ScanResult> {
  const started = performance.now();
  const rules = selectPolicyRules(opts.rules ?? [], opts.disable ?? []);
  const notes = unknownDisabled(opts.rules ?? [], opts.disable ?? []);
  const candidates = opts.files ?? (await discoverPolicyFiles(opts.root));
  const inputs: PolicyInput[] = [];
  let bytes = 0;
  let skipped = 0;
  for (const candidate of candidates) {
    const text = await readCandidate(path.join(opts.root, candidate.file));
    if (text === null) {
      skipped++;
      continue;
    }
    bytes += Buffer.byteLength(text);
    const input = parseCandidate(candidate, text);
    if (input) inputs.push(input);
    else if (candidate.kind !== "yaml") skipped++;
  }
  const evaluated = evaluatePolicy(inputs, rules, opts.options);
  const findings = evaluated.filter((f) => !f.properties?.evaluationError);
  const errors = evaluationProblems(evaluated.filter((f) => f.properties?.evaluationError));
  const count = (target: PolicyInput["target"]): number => inputs.filter((i) => i.target === target).length;
  return {
    kind: "policy",
    tool: { name: "sluice-policy", version: opts.version ?? "0.0.0" },
    rules: rules.map(toScanRule),
    findings,
    ...(errors.length > 0 ? { errors } : {}),
    ...(notes.length > 0 ? { notes } : {}),
    stats: {
      files: inputs.length,
      bytes,
      kubernetes: count("kubernetes"),
      dockerfiles: count("dockerfile"),
      workflows: count("workflow"),
      skipped,
      rules: rules.length,
      durationMs: Math.round(performance.now() - started),
    },
  };
}

/**
 * The built-in rules with `added` merged in (same id replaces, in place; new ids appended) and
 * `disable`d ids removed. Compiles added inputs, so an invalid one throws SLUICE_E_POLICY.
 */
export function selectPolicyRules(
  added: ReadonlyArray<PolicyRuleInput | CompiledPolicyRule>,
  disable: readonly string[],
): CompiledPolicyRule[] {
  const rules = [...compiledBuiltinRules()];
  for (const input of added) {
    const rule = "test" in input ? input : compilePolicyRule(input);
    const i = rules.findIndex((r) => r.id === rule.id);
    if (i >= 0) rules[i] = rule;
    else rules.push(rule);
  }
  const off = new Set(disable);
  return rules.filter((r) => !off.has(r.id));
}

/** One problem per rule that failed, at its first failure, with how many objects it failed on. */
function evaluationProblems(failed: ScanFinding[]): Problem[] {
  const byRule = new Map<string, ScanFinding[]>();
  for (const f of failed) byRule.set(f.ruleId, [...(byRule.get(f.ruleId) ?? []), f]);
  return [...byRule].map(([id, list]) => {
    const first = list[0]!;
    const more = list.length > 1 ? ` (and on ${list.length - 1} more object(s))` : "";
    return {
      code: "SLUICE_E_POLICY",
      message: `rule ${id} could not be evaluated on ${String(first.properties?.object)}${more}: ${String(first.properties?.error)}`,
      location: { file: first.file!, line: first.line, column: first.column },
    };
  });
}

/** Ids in `disable` that no built-in or added rule has, with the likely intended one. */
function unknownDisabled(
  added: ReadonlyArray<PolicyRuleInput | CompiledPolicyRule>,
  disable: readonly string[],
): string[] {
  const known = [...compiledBuiltinRules().map((r) => r.id), ...added.map((r) => r.id)];
  return disable
    .filter((id) => !known.includes(id))
    .map((id) => {
      const guess = closestName(id, known, { maxDistance: 3, substring: true });
      return `policy.disable names unknown rule "${id}"${guess ? ` (did you mean "${guess}"?)` : ""}: nothing was disabled for it`;
    });
}

/** Parses one file by its kind; null when it holds nothing a policy applies to. */
export function parseCandidate(candidate: PolicyCandidate, text: string): PolicyInput | null {
  switch (candidate.kind) {
    case "dockerfile":
      return readDockerfile(text, candidate.file);
    case "workflow":
      return parseWorkflow(text, candidate.file);
    case "kubernetes":
    case "yaml":
      return mayBeKubernetes(text) ? parseKubernetes(text, candidate.file) : null;
  }
}

async function readCandidate(file: string): Promise<string | null> {
  try {
    const info = await stat(file);
    if (!info.isFile() || info.size > MAX_POLICY_FILE_BYTES) return null;
    return await readFile(file, "utf8");
  } catch {
    return null;
  }
}

function toScanRule(rule: CompiledPolicyRule): ScanRule {
  return {
    id: rule.id,
    name: rule.name,
    description: rule.description,
    severity: rule.severity,
    ...(rule.helpUri ? { helpUri: rule.helpUri } : {}),
    ...(rule.tags ? { tags: rule.tags } : {}),
  };
}
