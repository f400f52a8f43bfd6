/**
 * Blue-green smoke tests: a shell command run against the new version before it takes traffic. It
 * sees `URL` (one instance of the version, directly), `ROUTER_URL`, `VERSION`, and — when the
 * strategy has a preview route — `PREVIEW_HEADER`/`PREVIEW_VALUE` to reach it through the router.
 */
import { spawn } from "node:child_process";
import { signalGroup } from "../target/process/proc";

export interface SmokeTestRun {
  command: string;
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Output lines, for the agent log. */
  onOutput?: (line: string) => void;
}

/** Resolves with the outcome; never rejects. */
export function runSmokeTest(run: SmokeTestRun): Promise<{ ok: boolean; reason?: string }> {
  return new Promise((resolve) => {
    const child = spawn("/bin/sh", ["-c", run.command], {
      cwd: run.cwd,
      env: { ...process.env, ...run.env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let tail = "";
    const collect = (chunk: Buffer): void => {
      const text = chunk.toString("utf8");
      tail = (tail + text).slice(-2000);
      for (const line of text.split("\n")) if (line !== "") run.onOutput?.(line);
    };
    child.stdout.on("data", collect);
    child.stderr.on("data", collect);
    const timer = setTimeout(() => {
      if (child.pid !== undefined) signalGroup(child.pid, "SIGKILL");
      resolve({ ok: false, reason: `timed out after ${run.timeoutMs} ms` });
    }, run.timeoutMs);
    child.on("error", (err) => {
      clearTimeout(timer);
      resolve({ ok: false, reason: err.message });
    });
    child.on("close", (code, signal) => {
      clearTimeout(timer);
      if (code === 0) resolve({ ok: true });
      else {
        const last = tail.trim().split("\n").slice(-3).join(" | ");
        resolve({ ok: false, reason: `exited with ${signal ?? code}${last ? `: ${last}` : ""}` });
      }
    });
  });
}
