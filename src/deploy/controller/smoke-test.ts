/**
 * Blue-green smoke tests: a shell command run against the new version before it takes traffic. It
 * sees `URL` (one instance of the version, directly), `ROUTER_URL`, `VERSION`, and — when the
 * strategy has a preview route — `PREVIEW_HEADER`/`PREVIEW_VALUE` to reach it through the router.
 */
import { spawn } from "node:child_process";
import { signalGroup } from "../target/process/proc";
import type { InstanceInfo } from "../target/types";
import type { DeploymentSpec } from "./deployment-spec";

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

/** Runs the deployment's smoke test `test` against one ready instance of `version`. Never rejects. */
export function startSmokeTest(options: {
  spec: DeploymentSpec;
  test: string;
  version: string;
  instances: InstanceInfo[];
  routerUrl: string;
  cwd: string;
  log: (line: string) => void;
}): Promise<{ ok: boolean; reason?: string }> {
  const { spec, test, version, routerUrl } = options;
  const def = spec.smokeTests[test];
  if (def === undefined) return Promise.resolve({ ok: false, reason: `smoke test "${test}" is not defined` });
  const instance = options.instances.find((i) => i.version === version && i.ready);
  const preview = spec.rollout.strategy === "blueGreen" ? spec.rollout.previewRoute?.match : undefined;
  return runSmokeTest({
    command: def.run,
    cwd: options.cwd,
    timeoutMs: def.timeoutMs ?? 300_000,
    env: {
      URL: instance ? `http://${instance.host}:${instance.port}` : routerUrl,
      ROUTER_URL: routerUrl,
      VERSION: version,
      ...(preview ? { PREVIEW_HEADER: preview.header, PREVIEW_VALUE: preview.value } : {}),
    },
    onOutput: (line) => options.log(`[smoke ${version}] ${line}`),
  });
}
