/**
 * Command health check: exit status 0 passes. The command runs in its own process group so that a
 * timeout kills whatever it started too (a `curl` under a shell script), not just the top process.
 */
import { spawn } from "node:child_process";
import type { CommandHealthCheck, HealthCheckOptions, HealthEndpoint, HealthResult } from "./types";

export const COMMAND_DEFAULT_TIMEOUT_MS = 10_000;
/** The tail of stderr kept for the failure reason. */
const STDERR_TAIL = 500;

export function checkCommand(
  spec: CommandHealthCheck,
  endpoint: HealthEndpoint,
  options: HealthCheckOptions = {},
): Promise<HealthResult> {
  const clock = options.clock ?? (() => performance.now());
  const started = clock();
  const timeoutMs = spec.timeoutMs ?? COMMAND_DEFAULT_TIMEOUT_MS;
  return new Promise((resolve) => {
    let settled = false;
    let stderr = "";
    const child = spawn(spec.command, spec.args ?? [], {
      cwd: spec.cwd,
      env: { ...process.env, ...spec.env, HOST: endpoint.host, PORT: String(endpoint.port) },
      detached: true,
      stdio: ["ignore", "ignore", "pipe"],
    });
    const killGroup = (): void => {
      if (child.pid === undefined) return;
      try {
        process.kill(-child.pid, "SIGKILL");
      } catch {
        // ESRCH: already gone.
      }
    };
    const finish = (error?: string): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener("abort", onAbort);
      if (error !== undefined) killGroup();
      const latencyMs = Math.max(0, clock() - started);
      resolve(error === undefined ? { ok: true, latencyMs } : { ok: false, latencyMs, error });
    };
    const onAbort = (): void => finish("aborted");
    const timer = setTimeout(() => finish(`timeout after ${timeoutMs}ms`), timeoutMs);
    child.stderr?.on("data", (c: Buffer) => {
      stderr = (stderr + c.toString("utf8")).slice(-STDERR_TAIL);
    });
    child.once("error", (e: NodeJS.ErrnoException) => finish(e.code ?? e.message));
    child.once("close", (code, signal) => {
      if (code === 0) return finish();
      const why = code === null ? `killed by ${signal ?? "a signal"}` : `exit status ${code}`;
      const tail = stderr.trim();
      finish(tail === "" ? why : `${why}: ${tail}`);
    });
    if (options.signal?.aborted) return finish("aborted");
    options.signal?.addEventListener("abort", onAbort, { once: true });
  });
}
