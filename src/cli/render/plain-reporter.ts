/**
 * Off a TTY (CI, pipes, files): one plain line per event, each prefixed with its job, so interleaved
 * output of parallel jobs stays readable and greppable.
 */
import type {
  Annotation,
  JobRef,
  JobResult,
  RunReporter,
  RunResult,
  StepRef,
  StepResult,
} from "../../engine/types";
import { conclusionSymbol, formatDuration } from "./format";

export function createPlainReporter(write: (s: string) => void): RunReporter {
  const prefix = (job: JobRef) => `[${job.name}]`;
  return {
    runStarted: (r) => write(`▶ ${r.workflow} — run #${r.runNumber} (${r.runId.slice(0, 8)})\n`),
    jobStarted: (job) => write(`${prefix(job)} ▶ job started\n`),
    stepStarted: (job: JobRef, step: StepRef) => write(`${prefix(job)} ▶ ${step.name}\n`),
    stepOutput: (job, _step, line) => write(`${prefix(job)}   ${line}\n`),
    annotation: (job, _step, a: Annotation) =>
      write(`${prefix(job)} ${a.level}: ${location(a)}${a.message}\n`),
    stepFinished: (job, step, r: StepResult) => {
      if (r.outcome === "skipped") return;
      const note = r.outcome !== r.conclusion ? ` (outcome ${r.outcome}, continue-on-error)` : "";
      write(
        `${prefix(job)} ${conclusionSymbol(r.conclusion, false)} ${step.name} ${formatDuration(r.durationMs)}${note}\n`,
      );
    },
    jobFinished: (job, r: JobResult) =>
      write(
        `${prefix(job)} ${conclusionSymbol(r.conclusion, false)} job ${r.conclusion} in ${formatDuration(r.durationMs)}\n`,
      ),
    runFinished: (r: RunResult) =>
      write(
        `${conclusionSymbol(r.conclusion, false)} ${r.workflow} — run #${r.runNumber} ${r.conclusion} in ${formatDuration(r.durationMs)}\n`,
      ),
    info: (message) => write(`sluice: ${message}\n`),
  };
}

export function location(a: Annotation): string {
  if (!a.file) return "";
  return `${a.file}${a.line ? `:${a.line}` : ""}${a.col ? `:${a.col}` : ""}: `;
}
