/**
 * Spawning the real, bundled CLI (`bin/sluice.js`) from end-to-end tests, with an environment that
 * makes it behave as under CI: plain output, no colour, and none of vitest's variables (the CLI's
 * entry point does nothing when it believes vitest imported it).
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { fileURLToPath } from "node:url";

export const sluiceBin = fileURLToPath(new URL("../../bin/sluice.js", import.meta.url));

export interface CliResult {
  /** Exit code, or null when a signal ended the process. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  durationMs: number;
}

/** The environment of a spawned CLI: the host's, minus test-runner and debug variables, plus `extra`. */
export function cliEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, CI: "true", NO_COLOR: "1" };
  for (const key of Object.keys(env)) {
    if (
      key.startsWith("VITEST") ||
      key === "SLUICE_TEST" ||
      key === "RUNNER_DEBUG" ||
      key === "NODE_OPTIONS"
    ) {
      delete env[key];
    }
  }
  return { ...env, ...extra };
}

export interface SpawnOptions {
  cwd: string;
  env?: Record<string, string>;
  /** Start the CLI in its own process group (signal the group with `process.kill(-pid, sig)`). */
  detached?: boolean;
}

/** Starts `sluice <args>` in `cwd`; the caller owns the child (signals, waiting). */
export function spawnSluice(args: string[], opts: SpawnOptions): ChildProcess {
  return spawn(process.execPath, [sluiceBin, ...args], {
    cwd: opts.cwd,
    env: cliEnv(opts.env),
    stdio: ["ignore", "pipe", "pipe"],
    detached: opts.detached ?? false,
  });
}

/** Collects a spawned CLI's output until it exits. */
export function collect(child: ChildProcess): Promise<CliResult> {
  const started = Date.now();
  let stdout = "";
  let stderr = "";
  child.stdout?.setEncoding("utf8").on("data", (s: string) => (stdout += s));
  child.stderr?.setEncoding("utf8").on("data", (s: string) => (stderr += s));
  return new Promise((resolve) => {
    child.once("close", (code, signal) =>
      resolve({ code, signal, stdout, stderr, durationMs: Date.now() - started }),
    );
  });
}

/** Runs `sluice <args>` in `cwd` to completion. */
export function runSluice(args: string[], opts: SpawnOptions): Promise<CliResult> {
  return collect(spawnSluice(args, opts));
}

/** Resolves once `predicate(stdout so far)` holds; rejects after `timeoutMs`. */
export function waitForOutput(
  child: ChildProcess,
  predicate: (stdout: string) => boolean,
  timeoutMs: number,
): Promise<string> {
  let seen = "";
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      child.stdout?.off("data", onData);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for output; got:\n${seen}`));
    }, timeoutMs);
    const onData = (chunk: Buffer | string) => {
      seen += chunk.toString();
      if (predicate(seen)) {
        clearTimeout(timer);
        child.stdout?.off("data", onData);
        resolve(seen);
      }
    };
    child.stdout?.on("data", onData);
  });
}
