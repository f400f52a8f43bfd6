/**
 * The inputs and secrets one `jobs.<id>.uses: ./…` call passes, checked against the called workflow's
 * `on.workflow_call` as GitHub does when it reads the caller ("Input x is required, but not provided
 * while calling", "Invalid secret, X is not defined in the referenced workflow"). Names match
 * case-insensitively, as on GitHub. Only literal values can be type-checked here; a `${{ }}` value is
 * checked when the job runs (engine/job/run-reusable.ts), with the same rule (engine/inputs.ts).
 */
import { isLiteral, isMapping, isString } from "@actions/workflow-parser";
import type {
  MappingToken,
  StringToken,
  TemplateToken,
} from "@actions/workflow-parser/templates/tokens/index";
import type { ErrorCode, Problem } from "../core/errors";
import { inputValueProblem } from "../engine/inputs";
import type { WorkflowDef } from "./model";
import { literalString, tokenLocation } from "./tokens";

export interface CallSite {
  /** The calling workflow's path, where problems are located. */
  file: string;
  /** The calling job's mapping. */
  job: MappingToken;
  /** The `uses:` value. */
  uses: TemplateToken;
}

type Entry = { key: StringToken; value: TemplateToken };

export function checkCallArguments(site: CallSite, callee: WorkflowDef): Problem[] {
  const call = callee.events.workflow_call ?? {};
  const ref = literalString(site.uses) ?? callee.path;
  const problems: Problem[] = [];
  const report = (code: ErrorCode, message: string, token: TemplateToken) =>
    problems.push({ code, message, location: tokenLocation(site.file, token) });
  const withKey = keyOf(site.job, "with");
  const secretsKey = keyOf(site.job, "secrets");

  const inputs = declared(call.inputs);
  const given = entries(valueOf(site.job, "with"));
  const givenInputs = new Set(given.map((e) => e.key.value.toLowerCase()));
  for (const [name, spec] of inputs.values()) {
    // Required means "the caller must pass it", a default notwithstanding (GitHub's parser agrees).
    if (spec.required && !givenInputs.has(name.toLowerCase()))
      report(
        "SLUICE_E_INPUT",
        `input "${name}" is required by ${ref}, but not provided while calling`,
        withKey ?? site.uses,
      );
  }
  for (const { key, value } of given) {
    const spec = inputs.get(key.value.toLowerCase());
    if (!spec) {
      const known = listing(inputs, "inputs");
      report(
        "SLUICE_E_INPUT",
        `invalid input, "${key.value}" is not defined in the referenced workflow ${ref} (${known})`,
        key,
      );
      continue;
    }
    if (!isLiteral(value)) continue;
    const problem = inputValueProblem(spec[0], spec[1], value.toJSON());
    if (problem) report("SLUICE_E_INPUT", problem, value);
  }

  const secretsToken = valueOf(site.job, "secrets");
  // `secrets: inherit` passes whatever the caller has; GitHub checks nothing then.
  if (secretsToken && literalString(secretsToken) === "inherit") return problems;
  const secrets = declared(call.secrets);
  const passed = entries(secretsToken);
  const passedNames = new Set(passed.map((e) => e.key.value.toLowerCase()));
  for (const [name, spec] of secrets.values()) {
    if (spec?.required && !passedNames.has(name.toLowerCase()))
      report(
        "SLUICE_E_REUSABLE_WORKFLOW",
        `secret "${name}" is required by ${ref}, but not provided while calling`,
        secretsKey ?? site.uses,
      );
  }
  for (const { key } of passed) {
    if (secrets.has(key.value.toLowerCase())) continue;
    const known = listing(secrets, "secrets");
    report(
      "SLUICE_E_REUSABLE_WORKFLOW",
      `invalid secret, "${key.value}" is not defined in the referenced workflow ${ref} (${known})`,
      key,
    );
  }
  return problems;
}

/** Declarations keyed by lower-cased name, each with its name as written. */
function declared<T>(specs: Record<string, T> | undefined): Map<string, [string, T]> {
  return new Map(Object.entries(specs ?? {}).map(([name, spec]) => [name.toLowerCase(), [name, spec]]));
}

function listing(specs: Map<string, [string, unknown]>, what: string): string {
  const names = [...specs.values()].map(([name]) => name);
  return names.length > 0 ? `declared: ${names.join(", ")}` : `it declares no ${what}`;
}

/** A mapping's entries with literal keys (`${{ }}` keys cannot name anything). */
function entries(token: TemplateToken | undefined): Entry[] {
  if (!token || !isMapping(token)) return [];
  const out: Entry[] = [];
  for (const pair of token) if (isString(pair.key)) out.push({ key: pair.key, value: pair.value });
  return out;
}

function keyOf(job: MappingToken, name: string): StringToken | undefined {
  return entries(job).find((e) => e.key.value === name)?.key;
}

function valueOf(job: MappingToken, name: string): TemplateToken | undefined {
  return entries(job).find((e) => e.key.value === name)?.value;
}
