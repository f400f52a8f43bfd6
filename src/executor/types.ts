/**
 * An Executor starts the processes of steps. `local` runs them as child processes on the host;
 * `kubernetes` (later) runs them in pods. The engine only talks to this interface.
 */

export interface ProcessSpec {
  /** Executable and arguments, already resolved (no shell parsing happens here). */
  command: string;
  args: string[];
  cwd: string;
  env: Record<string, string>;
}

export interface ProcessExit {
  /** null when the process was ended by a signal or never started. */
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  /** Set when the process could not be started (e.g. ENOENT for a missing shell). */
  error?: Error;
}

export interface ProcessHandle {
  readonly pid: number | undefined;
  /** Resolves once the process has exited and its output streams have ended. Never rejects. */
  readonly exit: Promise<ProcessExit>;
  /**
   * Graceful stop of the whole process group: SIGINT, then SIGTERM, then SIGKILL after `graceMs`
   * in total. Idempotent; resolves when the process has exited.
   */
  stop(graceMs: number): Promise<void>;
  /** Sends SIGKILL to whatever is left in the process group (background children). Idempotent. */
  killGroup(): void;
}

export interface OutputSink {
  stdout(chunk: Buffer): void;
  stderr(chunk: Buffer): void;
}

export interface Executor {
  readonly type: string;
  start(spec: ProcessSpec, sink: OutputSink): ProcessHandle;
}
