/**
 * On a TTY: a live view of every job and its steps with durations, redrawn in place at most ten
 * times a second, showing the latest output line of running steps. Annotations and notes print above
 * the view; the final state stays on screen.
 */
import pc from "picocolors";
import type { Conclusion } from "../../store/types";
import type { JobRef, RunReporter, StepRef } from "../../engine/types";
import { conclusionSymbol, formatDuration } from "./format";
import { location } from "./plain-reporter";

interface StepView {
  name: string;
  started: number;
  ended?: number;
  conclusion?: Conclusion;
  last?: string;
  /** The latest lines, shown under a failed step so the cause is on screen. */
  tail: string[];
}

interface JobView {
  name: string;
  started: number;
  ended?: number;
  conclusion?: Conclusion;
  steps: StepView[];
}

const FAILED_TAIL_LINES = 8;
const SPINNER = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];

export function createLiveReporter(out: {
  write(s: string): unknown;
  columns?: number;
}): RunReporter & { stop(): void } {
  const jobs = new Map<string, JobView>();
  let drawnLines = 0;
  let frame = 0;
  let dirty = false;
  const timer = setInterval(() => {
    frame += 1;
    if (dirty || [...jobs.values()].some((j) => !j.ended)) draw();
  }, 100);
  timer.unref();

  const width = () => Math.max(40, (out.columns ?? 100) - 1);
  const clip = (s: string) => (s.length > width() ? s.slice(0, width() - 1) + "…" : s);
  const clear = () => {
    if (drawnLines > 0) out.write(`\x1b[${drawnLines}A\x1b[0J`);
    drawnLines = 0;
  };
  const draw = () => {
    dirty = false;
    const now = Date.now();
    const lines: string[] = [];
    for (const job of jobs.values()) {
      const sym = job.conclusion
        ? conclusionSymbol(job.conclusion, true)
        : pc.cyan(SPINNER[frame % SPINNER.length]!);
      lines.push(`${sym} ${pc.bold(job.name)} ${pc.dim(formatDuration((job.ended ?? now) - job.started))}`);
      if (job.ended && job.conclusion === "success") continue;
      for (const step of job.steps) {
        if (step.conclusion === "skipped") continue;
        const ssym = step.conclusion
          ? conclusionSymbol(step.conclusion, true)
          : pc.cyan(SPINNER[frame % SPINNER.length]!);
        lines.push(
          clip(`   ${ssym} ${step.name} ${pc.dim(formatDuration((step.ended ?? now) - step.started))}`),
        );
        if (!step.ended && step.last) lines.push(pc.dim(clip(`       ${step.last}`)));
        if (step.conclusion === "failure")
          for (const t of step.tail) lines.push(pc.dim(clip(`       │ ${t}`)));
      }
    }
    clear();
    if (lines.length > 0) out.write(lines.join("\n") + "\n");
    drawnLines = lines.length;
  };
  const above = (text: string) => {
    clear();
    out.write(text + "\n");
    dirty = true;
  };
  const step = (job: JobRef, ref: StepRef) => jobs.get(job.key)?.steps[ref.index];

  return {
    runStarted: (r) => above(pc.bold(`▶ ${r.workflow} — run #${r.runNumber}`)),
    jobStarted: (job) => {
      jobs.set(job.key, { name: job.name, started: Date.now(), steps: [] });
      dirty = true;
    },
    stepStarted: (job, ref) => {
      const view = jobs.get(job.key);
      if (view) view.steps[ref.index] = { name: ref.name, started: Date.now(), tail: [] };
      dirty = true;
    },
    stepOutput: (job, ref, line) => {
      const s = step(job, ref);
      if (!s || !line.trim()) return;
      s.last = line;
      s.tail.push(line);
      if (s.tail.length > FAILED_TAIL_LINES) s.tail.shift();
    },
    annotation: (job, _ref, a) => {
      const color = a.level === "error" ? pc.red : a.level === "warning" ? pc.yellow : pc.blue;
      above(`${color(a.level)} ${pc.dim(`[${job.name}]`)} ${location(a)}${a.message}`);
    },
    stepFinished: (job, ref, r) => {
      const s = step(job, ref);
      if (s) Object.assign(s, { ended: Date.now(), conclusion: r.conclusion });
      dirty = true;
    },
    jobFinished: (job, r) => {
      const view = jobs.get(job.key) ?? { name: job.name, started: Date.now(), steps: [] };
      jobs.set(job.key, Object.assign(view, { ended: Date.now(), conclusion: r.conclusion }));
      dirty = true;
    },
    runFinished: (r) => {
      draw();
      drawnLines = 0; // keep the final view on screen
      out.write(
        `${conclusionSymbol(r.conclusion, true)} ${pc.bold(r.workflow)} — run #${r.runNumber} ${r.conclusion} in ${formatDuration(r.durationMs)}\n`,
      );
      // Several workflows may run side by side: keep the ones still running in the view.
      for (const [key, job] of jobs) if (job.ended) jobs.delete(key);
    },
    info: (message) => above(pc.dim(`sluice: ${message}`)),
    stop: () => clearInterval(timer),
  };
}
