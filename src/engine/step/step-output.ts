/**
 * The output pipeline of one step: raw chunks → lines → workflow commands → masking → the reporter
 * and the stored log. Secrets never reach either unmasked.
 */
import { CommandProcessor } from "../commands/workflow-commands";
import type { AnnotationLevel, WorkflowCommand } from "../commands/workflow-commands";
import { LineSplitter } from "../commands/line-splitter";
import type { JobScope } from "../scope";
import type { StepRef } from "../types";

/** Logs are written to the store in chunks of about this size, and at the end of the step. */
const LOG_FLUSH_BYTES = 64 * 1024;

export class StepOutput {
  readonly outputs: Record<string, string> = {};
  readonly state: Record<string, string> = {};
  private readonly stdout = new LineSplitter();
  private readonly stderr = new LineSplitter();
  private readonly processor = new CommandProcessor();
  private log = "";
  private pending: Promise<void> = Promise.resolve();

  constructor(
    private readonly job: JobScope,
    private readonly step: StepRef,
    private readonly stepRecordId: string,
  ) {}

  chunk(stream: "stdout" | "stderr", data: Buffer | string): void {
    const splitter = stream === "stdout" ? this.stdout : this.stderr;
    for (const line of splitter.push(data)) this.line(line);
  }

  /** A line produced by Sluice itself (built-in actions, engine notes), processed like step output. */
  line(raw: string): void {
    const processed = this.processor.feed(raw);
    if (processed.kind === "text") {
      this.emit(processed.text);
      return;
    }
    if (this.processor.echo) this.emit(processed.line);
    if (processed.command.name !== "resume-commands") this.apply(processed.command as WorkflowCommand);
  }

  /**
   * An annotation from Sluice itself (a failed file command, a job timeout): recorded and logged
   * like `::error::`, but not parsed as a command, so `::stop-commands::` cannot swallow it.
   */
  annotate(level: AnnotationLevel, message: string): void {
    this.apply({ name: level, properties: {}, message });
  }

  /**
   * Flushes partial lines and writes the remaining log; call once the step's process has ended, and
   * again after a line written once the step ended (a job-level message at the end of its log).
   */
  async finish(): Promise<void> {
    for (const splitter of [this.stdout, this.stderr]) {
      const rest = splitter.flush();
      if (rest !== null) this.line(rest);
    }
    this.flushLog();
    await this.pending;
  }

  private apply(cmd: WorkflowCommand): void {
    const run = this.job.run;
    switch (cmd.name) {
      case "add-mask":
        run.masker.add(cmd.message);
        return;
      case "group":
        this.emit(`▸ ${cmd.message}`);
        return;
      case "endgroup":
        return;
      case "debug":
        if (run.debug) this.emit(`[debug] ${cmd.message}`);
        return;
      case "error":
      case "warning":
      case "notice": {
        const annotation = {
          level: cmd.name,
          ...annotationProps(cmd),
          message: run.masker.mask(cmd.message),
        };
        this.job.annotations.push(annotation);
        run.reporter.annotation(this.job.ref, this.step, annotation);
        this.appendLog(`${cmd.name}: ${annotation.message}`);
        return;
      }
      case "set-output":
        if (cmd.properties.name) this.outputs[cmd.properties.name] = cmd.message;
        this.deprecated("set-output", "GITHUB_OUTPUT");
        return;
      case "save-state":
        if (cmd.properties.name) this.state[cmd.properties.name] = cmd.message;
        this.deprecated("save-state", "GITHUB_STATE");
        return;
      case "set-env":
      case "add-path":
        this.warn(`The \`${cmd.name}\` command is disabled (as on GitHub); use GITHUB_ENV / GITHUB_PATH.`);
        return;
      default:
        return;
    }
  }

  private deprecated(name: string, replacement: string): void {
    this.warn(`The \`${name}\` command is deprecated; write to ${replacement} instead.`);
  }

  private warn(message: string): void {
    const annotation = { level: "warning" as const, message };
    this.job.annotations.push(annotation);
    this.job.run.reporter.annotation(this.job.ref, this.step, annotation);
  }

  private emit(text: string): void {
    const masked = this.job.run.masker.mask(text);
    this.job.run.reporter.stepOutput(this.job.ref, this.step, masked);
    this.appendLog(masked);
  }

  private appendLog(masked: string): void {
    this.log += masked + "\n";
    if (this.log.length >= LOG_FLUSH_BYTES) this.flushLog();
  }

  private flushLog(): void {
    if (!this.log) return;
    const text = this.log;
    this.log = "";
    const store = this.job.run.store;
    this.pending = this.pending.then(() => store.appendLog(this.stepRecordId, text));
  }
}

function annotationProps(cmd: WorkflowCommand) {
  const p = cmd.properties;
  const num = (v: string | undefined) =>
    v === undefined || v === "" || Number.isNaN(Number(v)) ? undefined : Number(v);
  return {
    file: p.file,
    line: num(p.line),
    endLine: num(p.endLine),
    col: num(p.col),
    endColumn: num(p.endColumn),
    title: p.title,
  };
}
