/** What a command may touch of the outside world; tests pass their own. */
export interface CliIO {
  stdout: NodeJS.WritableStream & { isTTY?: boolean; columns?: number };
  stderr: NodeJS.WritableStream;
  cwd: string;
  env: NodeJS.ProcessEnv;
  /** Signal aborted on Ctrl-C (SIGINT) or SIGTERM; long-running commands cancel their work on it. */
  signal: AbortSignal;
}

/** A command's action resolves to the process exit code (DESIGN.md: 0 ok, 1 failed, 2 usage/config, 3 internal). */
export type ExitCode = 0 | 1 | 2 | 3;
