/**
 * Reads what the demo's last run left in the repository's store: its jobs' conclusions and the gate
 * results it recorded. The demo narrates from these rather than from the run's output, so the story is the
 * same with and without --json, and it comes from the record Sluice keeps, as a user would look it up.
 */
import path from "node:path";
import { loadConfig } from "../config/index";
import { openStore } from "../store/registry";

/** One rule's outcome as recorded with a gate result (the parts the demo shows). */
export interface RecordedRule {
  name: string;
  severity: string;
  status: string;
  message: string;
}

/** A gate evaluation recorded by the run. */
export interface RecordedGate {
  gate: string;
  passed: boolean;
  /** Line coverage the gate measured, when a coverage report was read. */
  coverageLines: number | null;
  rules: RecordedRule[];
}

/** The newest run of the repository, as stored. */
export interface RunRecordSummary {
  number: number;
  sha: string;
  conclusion: string | null;
  /** Conclusion of each job by its workflow id (`test`, `quality`). */
  jobs: Record<string, string | null>;
  gates: RecordedGate[];
}

/** The newest run recorded in `repo`'s store, or null when there is none. */
export async function inspectLatestRun(repo: string): Promise<RunRecordSummary | null> {
  const { config } = await loadConfig(repo);
  const store = await openStore({ type: config.store.type, path: path.resolve(repo, config.store.path) });
  try {
    const [run] = await store.listRuns({ limit: 1 });
    if (!run) return null;
    const jobs = await store.listJobs(run.id);
    const gates = await store.listGateResults(run.id);
    return {
      number: run.number,
      sha: run.sha,
      conclusion: run.conclusion,
      jobs: Object.fromEntries(jobs.map((job) => [job.jobKey, job.conclusion])),
      gates: gates.map((g) => ({
        gate: g.gate,
        passed: g.passed,
        coverageLines: coverageLines(g.metrics),
        rules: g.rules.map(toRecordedRule),
      })),
    };
  } finally {
    await store.close();
  }
}

function coverageLines(metrics: Record<string, unknown>): number | null {
  const coverage = metrics.coverage as { lines?: unknown } | undefined;
  return typeof coverage?.lines === "number" ? coverage.lines : null;
}

function toRecordedRule(rule: unknown): RecordedRule {
  const r = (rule ?? {}) as Record<string, unknown>;
  const text = (v: unknown): string => (typeof v === "string" ? v : "");
  return { name: text(r.name), severity: text(r.severity), status: text(r.status), message: text(r.message) };
}
