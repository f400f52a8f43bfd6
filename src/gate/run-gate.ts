/**
 * `sluice gate` and `uses: sluice/gate@v1`: choose the gate and its rules (config, branch and
 * environment overrides, ad-hoc --rule), read the reports, compute Sluice's own metrics, fetch the
 * baseline from the store, evaluate, and record the result.
 */
import path from "node:path";
import type { SluiceConfig } from "../config/schema";
import { createError } from "../core/errors";
import { readReports } from "../report/read";
import type { Store } from "../store/types";
import { matchFilters } from "../workflow/filters";
import { computeMetrics } from "./computed";
import { evaluateGate } from "./evaluate";
import { metricsFromReports, mergeMetrics, unavailableMetrics } from "./metrics";
import type { Metrics } from "./metrics";
import type { GateOutcome } from "./render";
import { compileRule, mergeRules, toGateRule } from "./rules";
import type { GateRule } from "./rules";

export interface GateRequest {
  repoRoot: string;
  cwd: string;
  config: SluiceConfig;
  store: Store;
  /** Gate name; optional when sluice.yml has exactly one gate or `rules` are given. */
  gate?: string;
  /** Report specs (`path`, `format:path`, globs); default: the gate's `reports`. */
  reports: string[];
  /** Ad-hoc rules (`--rule`), added to (or, without a configured gate, forming) the gate. */
  rules: string[];
  ref: string;
  sha: string;
  environment?: string;
  /** Branch whose last passing result is the baseline; default: the gate's baseline.branch, else ref. */
  baselineRef?: string;
  runId?: string | null;
  /** Record the result in the store (default true). */
  record?: boolean;
}

export async function runGate(req: GateRequest): Promise<GateOutcome & { metrics: Metrics }> {
  const { name, spec } = chooseGate(req);
  const branch = req.ref.replace(/^refs\/heads\//, "");
  const overrides = (spec?.overrides ?? []).filter(
    (o) =>
      (!o.branches || (req.ref.startsWith("refs/heads/") && matchFilters(o.branches, branch))) &&
      (!o.environments || (req.environment !== undefined && o.environments.includes(req.environment))),
  );
  const rules: GateRule[] = mergeRules(
    (spec?.rules ?? []).map(toGateRule),
    ...overrides.map((o) => o.rules.map(toGateRule)),
    req.rules.map(toGateRule),
  );
  // Unknown metrics and syntax errors are usage errors: report them before reading anything.
  for (const rule of rules) compileRule(rule);
  const specs = req.reports.length > 0 ? req.reports : (spec?.reports ?? []);
  const reports = await readReports(specs, req.cwd);
  const fromReports = metricsFromReports(reports, req.repoRoot);
  const unavailable = unavailableMetrics(reports);
  const computed = spec ? await computeMetrics(spec.compute, req.repoRoot, reports) : {};
  const metrics = mergeMetrics(fromReports, computed);

  const baselineRef = normalizeRef(req.baselineRef ?? spec?.baseline.branch ?? req.ref);
  const baselineRecord = await req.store.latestGateResult({
    gate: name,
    ref: baselineRef,
    passedOnly: true,
    excludeRunId: req.runId ?? undefined,
  });
  const evaluation = evaluateGate(
    rules,
    metrics,
    baselineRecord ? (baselineRecord.metrics as Metrics) : null,
    unavailable,
  );
  const outcome = {
    ...evaluation,
    gate: name,
    ref: req.ref,
    environment: req.environment ?? null,
    baseline: baselineRecord
      ? { ref: baselineRecord.ref, sha: baselineRecord.sha, createdAt: baselineRecord.createdAt }
      : null,
    reports: reports.map((r) => ({ file: path.relative(req.cwd, r.file) || r.file, format: r.format })),
    unavailable,
    metrics,
  };
  if (req.record !== false) {
    await req.store.recordGateResult({
      gate: name,
      runId: req.runId ?? null,
      ref: req.ref,
      sha: req.sha,
      environment: req.environment ?? null,
      passed: evaluation.passed,
      metrics,
      rules: evaluation.rules,
    });
  }
  return outcome;
}

function chooseGate(req: GateRequest): { name: string; spec: SluiceConfig["gates"][string] | undefined } {
  const gates = req.config.gates;
  const names = Object.keys(gates);
  if (req.gate) {
    const spec = gates[req.gate];
    if (!spec && req.rules.length === 0) {
      throw createError(
        "SLUICE_E_GATE_UNKNOWN",
        `no gate "${req.gate}" in sluice.yml (configured: ${names.join(", ") || "none"})`,
      );
    }
    return { name: req.gate, spec };
  }
  if (req.rules.length > 0 && names.length !== 1) return { name: "adhoc", spec: undefined };
  if (names.length === 1) return { name: names[0]!, spec: gates[names[0]!] };
  throw createError(
    "SLUICE_E_GATE_UNKNOWN",
    names.length === 0
      ? "no gates in sluice.yml: add one under `gates:` or pass rules with --rule"
      : `several gates are configured (${names.join(", ")}): name one`,
  );
}

function normalizeRef(ref: string): string {
  return ref.startsWith("refs/") ? ref : `refs/heads/${ref}`;
}
