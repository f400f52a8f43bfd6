/**
 * SARIF 2.1.0 (CodeQL, Semgrep, ESLint's SARIF formatter, Trivy, and Sluice's own scanners): every
 * result of every run becomes a finding.
 *
 * Results that do not stand as problems are left out, as GitHub code scanning leaves them out:
 * `kind` pass/notApplicable, `baselineState: "absent"` (fixed since the baseline) and suppressed
 * results. A result's level falls back to its rule's `defaultConfiguration.level`, then to
 * `warning` (the SARIF default). `security-severity` (a CVSS-like score that CodeQL and GitHub put
 * on rules or results) gives the severity.
 *
 * A run whose invocation says `executionSuccessful: false` (the tool did not run, stopped early, or
 * could not read some files) is listed in `incompleteRuns` with what its notifications say, so gates
 * can tell "nothing found" from "nothing (or not everything) checked".
 */
import { JsonInput } from "./json-input";
import type { JsonObject, JsonPath } from "./json-input";
import type { Finding, FindingLevel, IncompleteRun, ReportParser, Severity } from "../types";

/** Tools whose SARIF reports are lint findings rather than security or generic ones. */
const lintTools =
  /^(?:eslint|stylelint|biome|oxlint|ruff|pylint|flake8|golangci-lint|clippy|hadolint|shellcheck)$/i;

/** Whether a SARIF driver is a linter: its results are `lint` findings (unless tagged security). */
export function isLintTool(tool: string): boolean {
  return lintTools.test(tool);
}

/** GitHub's bands for `security-severity`. */
export function severityFromScore(score: number): Severity {
  if (score >= 9) return "critical";
  if (score >= 7) return "high";
  if (score >= 4) return "medium";
  if (score > 0) return "low";
  return "info";
}

interface RunContext {
  input: JsonInput;
  tool: string;
  rules: JsonObject[];
  rulesById: Map<string, JsonObject>;
  extensions: unknown[];
  artifacts: unknown[];
}

function asObject(value: unknown): JsonObject | undefined {
  return typeof value === "object" && value !== null && !Array.isArray(value)
    ? (value as JsonObject)
    : undefined;
}

function readRules(input: JsonInput, component: JsonObject, path: JsonPath): JsonObject[] {
  const rules = input.optionalArray(component.rules, [...path, "rules"]) ?? [];
  return rules.map((r, i) => input.object(r, [...path, "rules", i]));
}

/** The rule a result points at: by index (possibly in a tool extension), else by id. */
function findRule(ctx: RunContext, result: JsonObject, path: JsonPath): JsonObject | undefined {
  const ref = ctx.input.optionalObject(result.rule, [...path, "rule"]);
  const index = ctx.input.optionalNumber(result.ruleIndex ?? ref?.index, [...path, "ruleIndex"]);
  const component = asObject(ref?.toolComponent);
  if (index !== undefined && index >= 0) {
    if (typeof component?.index === "number") {
      const ext = asObject(ctx.extensions[component.index]);
      const rule = asObject(Array.isArray(ext?.rules) ? ext.rules[index] : undefined);
      if (rule) return rule;
    } else if (ctx.rules[index]) return ctx.rules[index];
  }
  const id = typeof result.ruleId === "string" ? result.ruleId : ref?.id;
  return typeof id === "string" ? ctx.rulesById.get(id) : undefined;
}

/** message.text, or the rule's messageStrings[message.id] with {0}, {1}… filled from arguments. */
function messageText(
  ctx: RunContext,
  result: JsonObject,
  rule: JsonObject | undefined,
  path: JsonPath,
): string {
  const message = ctx.input.object(result.message, [...path, "message"]);
  const text = ctx.input.optionalString(message.text, [...path, "message", "text"]);
  if (text !== undefined) return text;
  const id = ctx.input.optionalString(message.id, [...path, "message", "id"]);
  const template = asObject(asObject(rule?.messageStrings)?.[id ?? ""])?.text;
  if (typeof template !== "string")
    ctx.input.fail([...path, "message"], "message has neither text nor a known id");
  const args = Array.isArray(message.arguments) ? message.arguments : [];
  return template.replace(/\{(\d+)\}/g, (all, n: string) => {
    const arg: unknown = args[Number(n)];
    return arg === undefined ? all : String(arg);
  });
}

function isSuppressed(result: JsonObject): boolean {
  if (!Array.isArray(result.suppressions) || result.suppressions.length === 0) return false;
  const statuses = result.suppressions.map((s) => asObject(s)?.status);
  return !statuses.some((s) => s === "underReview" || s === "rejected");
}

function readScore(value: unknown): number | undefined {
  const n = typeof value === "string" ? Number(value) : value;
  return typeof n === "number" && Number.isFinite(n) ? n : undefined;
}

/** Artifact URIs are URIs: file:// URIs become paths and %-escapes are decoded. */
function uriToPath(uri: string): string {
  const raw = uri.startsWith("file://") ? uri.slice(uri.startsWith("file:///") ? 7 : 5) : uri;
  try {
    return decodeURIComponent(raw);
  } catch {
    return raw;
  }
}

function readLocation(
  ctx: RunContext,
  result: JsonObject,
  path: JsonPath,
): Pick<Finding, "file" | "line" | "column"> {
  const locations = ctx.input.optionalArray(result.locations, [...path, "locations"]);
  const first = locations?.[0];
  if (first === undefined) return {};
  const at = [...path, "locations", 0];
  const physical = ctx.input.optionalObject(ctx.input.object(first, at).physicalLocation, [
    ...at,
    "physicalLocation",
  ]);
  if (!physical) return {};
  const artifact = ctx.input.optionalObject(physical.artifactLocation, [
    ...at,
    "physicalLocation",
    "artifactLocation",
  ]);
  let uri = ctx.input.optionalString(artifact?.uri, [...at, "physicalLocation", "artifactLocation", "uri"]);
  if (uri === undefined && typeof artifact?.index === "number") {
    const listed = asObject(asObject(ctx.artifacts[artifact.index])?.location)?.uri;
    if (typeof listed === "string") uri = listed;
  }
  const regionPath = [...at, "physicalLocation", "region"];
  const region = ctx.input.optionalObject(physical.region, regionPath);
  const line = ctx.input.optionalNumber(region?.startLine, [...regionPath, "startLine"]);
  const column = ctx.input.optionalNumber(region?.startColumn, [...regionPath, "startColumn"]);
  return {
    ...(uri !== undefined ? { file: uriToPath(uri) } : {}),
    ...(line !== undefined ? { line } : {}),
    ...(column !== undefined ? { column } : {}),
  };
}

function readResult(ctx: RunContext, value: unknown, path: JsonPath): Finding | undefined {
  const { input } = ctx;
  const result = input.object(value, path);
  const kind = input.optionalString(result.kind, [...path, "kind"]) ?? "fail";
  if (kind === "pass" || kind === "notApplicable") return undefined;
  if (result.baselineState === "absent" || isSuppressed(result)) return undefined;
  const rule = findRule(ctx, result, path);
  const ruleLevel = asObject(rule?.defaultConfiguration)?.level;
  const level = input.optionalString(result.level, [...path, "level"]) ?? ruleLevel ?? "warning";
  if (level !== "error" && level !== "warning" && level !== "note" && level !== "none") {
    input.fail([...path, "level"], `unknown level ${JSON.stringify(level)}`);
  }
  const props = asObject(result.properties);
  const ruleProps = asObject(rule?.properties);
  const score = readScore(props?.["security-severity"]) ?? readScore(ruleProps?.["security-severity"]);
  const tags = [props?.tags, ruleProps?.tags].flatMap((t) => (Array.isArray(t) ? t : []));
  const ruleId = input.optionalString(result.ruleId, [...path, "ruleId"]) ?? rule?.id;
  const category: Finding["category"] =
    score !== undefined || tags.includes("security") ? "security" : isLintTool(ctx.tool) ? "lint" : "other";
  return {
    tool: ctx.tool,
    category,
    ruleId: typeof ruleId === "string" ? ruleId : "unknown",
    // `none` marks informational results (kind review/open/informational): a note at most.
    level: (level === "none" ? "note" : level) as FindingLevel,
    ...(score !== undefined ? { severity: severityFromScore(score) } : {}),
    message: messageText(ctx, result, rule, path),
    ...readLocation(ctx, result, path),
  };
}

/** Notification levels, most severe first; SARIF's default level for a notification is `warning`. */
const NOTIFICATION_RANK: Record<string, number> = { error: 0, warning: 1, note: 2, none: 3 };

/**
 * A notification's text: `message.text`, else the message string its descriptor (in the driver's
 * `notifications`) gives for `message.id`, else the descriptor's description, else its id.
 */
function notificationText(value: unknown, descriptors: JsonObject[]): string | undefined {
  const n = asObject(value);
  const message = asObject(n?.message);
  if (typeof message?.text === "string" && message.text.trim() !== "") return message.text.trim();
  const id = asObject(n?.descriptor)?.id;
  const descriptor = descriptors.find((d) => d.id === id);
  const fromId = asObject(asObject(descriptor?.messageStrings)?.[String(message?.id)])?.text;
  const description =
    asObject(descriptor?.shortDescription)?.text ?? asObject(descriptor?.fullDescription)?.text;
  for (const text of [fromId, description, id])
    if (typeof text === "string" && text.trim()) return text.trim();
  return undefined;
}

/**
 * The run's notifications when one of its invocations says `executionSuccessful: false`, else
 * `undefined`. A missing flag counts as success (it is required by SARIF; tools that omit it do not
 * use it to report failures); a flag that is not a boolean is a malformed report.
 */
function incompleteNotifications(
  input: JsonInput,
  run: JsonObject,
  driver: JsonObject,
  path: JsonPath,
): string[] | undefined {
  const invocations = input.optionalArray(run.invocations, [...path, "invocations"]) ?? [];
  const descriptors = (Array.isArray(driver.notifications) ? driver.notifications : []).flatMap((d) => {
    const o = asObject(d);
    return o ? [o] : [];
  });
  let failed = false;
  const notes: Array<{ rank: number; text: string }> = [];
  invocations.forEach((value, i) => {
    const at = [...path, "invocations", i];
    const invocation = input.object(value, at);
    const ok = input.optionalBoolean(invocation.executionSuccessful, [...at, "executionSuccessful"]);
    if (ok === false) failed = true;
    for (const key of ["toolExecutionNotifications", "toolConfigurationNotifications"]) {
      const list: unknown = invocation[key];
      for (const n of Array.isArray(list) ? list : []) {
        const text = notificationText(n, descriptors);
        const level = asObject(n)?.level;
        const rank = NOTIFICATION_RANK[typeof level === "string" ? level : "warning"] ?? 1;
        if (text !== undefined) notes.push({ rank, text });
      }
    }
  });
  if (!failed) return undefined;
  // Array.prototype.sort is stable: within a level, execution notifications stay first, in order.
  return [...new Set(notes.sort((a, b) => a.rank - b.rank).map((n) => n.text))];
}

/** Parses a SARIF log; each run's `tool.driver.name` becomes the findings' `tool`. */
export const sarifParser: ReportParser = {
  format: "sarif",
  detect(head, fileName) {
    const json = /^\s*\{/.test(head);
    const marked = /"\$schema"\s*:\s*"[^"]*sarif/i.test(head) || /"version"\s*:\s*"2\.1\.0"/.test(head);
    return (json && marked && /"runs"\s*:/.test(head)) || /\.sarif(?:\.json)?$/i.test(fileName);
  },
  parse(content, file) {
    const input: JsonInput = new JsonInput(content, file, "sarif");
    const log = input.object(input.root, []);
    const runs = input.array(log.runs, ["runs"]);
    const findings: Finding[] = [];
    const tools: string[] = [];
    const incompleteRuns: IncompleteRun[] = [];
    runs.forEach((value, r) => {
      const run = input.object(value, ["runs", r]);
      const tool = input.object(run.tool, ["runs", r, "tool"]);
      const driver = input.object(tool.driver, ["runs", r, "tool", "driver"]);
      const rules = readRules(input, driver, ["runs", r, "tool", "driver"]);
      const extensions = input.optionalArray(tool.extensions, ["runs", r, "tool", "extensions"]) ?? [];
      // CodeQL keeps query rules in extensions (packs): ids are looked up across all components.
      const allRules = extensions.flatMap((ext, e) =>
        readRules(input, input.object(ext, ["runs", r, "tool", "extensions", e]), [
          "runs",
          r,
          "tool",
          "extensions",
          e,
        ]),
      );
      allRules.push(...rules);
      const ctx: RunContext = {
        input,
        tool: input.string(driver.name, ["runs", r, "tool", "driver", "name"]),
        rules,
        rulesById: new Map(allRules.filter((x) => typeof x.id === "string").map((x) => [x.id as string, x])),
        extensions,
        artifacts: input.optionalArray(run.artifacts, ["runs", r, "artifacts"]) ?? [],
      };
      tools.push(ctx.tool);
      const notifications = incompleteNotifications(input, run, driver, ["runs", r]);
      if (notifications) incompleteRuns.push({ tool: ctx.tool, notifications });
      const results = input.optionalArray(run.results, ["runs", r, "results"]) ?? [];
      results.forEach((result, i) => {
        const finding = readResult(ctx, result, ["runs", r, "results", i]);
        if (finding) findings.push(finding);
      });
    });
    return {
      format: "sarif",
      file,
      findings,
      tools,
      ...(incompleteRuns.length > 0 ? { incompleteRuns } : {}),
    };
  },
};
