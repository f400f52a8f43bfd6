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
  /** A shell command (run by /bin/sh -c), or an argv run as is. */
  command: string | string[];
  cwd: string;
  env: Record<string, string>;
  timeoutMs: number;
  /** Output lines, for the agent log. */
  onOutput?: (line: string) => void;
  /** After exit 0: a reason the test still failed, read from its stdout, or null. */
  judge?: (stdout: string) => string | null;
}

/** Enough for `sluice run --json` of one job; more is not read. */
const MAX_JUDGED_OUTPUT = 4 * 1024 * 1024;

/** Resolves with the outcome; never rejects. */
export function runSmokeTest(run: SmokeTestRun): Promise<{ ok: boolean; reason?: string }> {
  return new Promise((resolve) => {
    const [file, ...args] = typeof run.command === "string" ? ["/bin/sh", "-c", run.command] : run.command;
    const child = spawn(file!, args, {
      cwd: run.cwd,
      env: { ...process.env, ...run.env },
      detached: true,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let tail = "";
    let stdout = "";
    child.stdout.on("data", (chunk: Buffer) => {
      if (run.judge && stdout.length < MAX_JUDGED_OUTPUT) stdout += chunk.toString("utf8");
    });
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
      if (code === 0) {
        const problem = run.judge?.(stdout) ?? null;
        resolve(problem === null ? { ok: true } : { ok: false, reason: problem });
      } else {
        // A judged test (a workflow run) says best why it failed; else the last lines of output.
        const judged = run.judge?.(stdout);
        if (judged) return resolve({ ok: false, reason: judged });
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
  /** The CLI entry (`cli.js`) a workflow smoke test runs. */
  cli: string;
  log: (line: string) => void;
}): Promise<{ ok: boolean; reason?: string }> {
  const { spec, test, version, routerUrl } = options;
  const def = spec.smokeTests[test];
  if (def === undefined) return Promise.resolve({ ok: false, reason: `smoke test "${test}" is not defined` });
  const instance = options.instances.find((i) => i.version === version && i.ready);
  const preview = spec.rollout.strategy === "blueGreen" ? spec.rollout.previewRoute?.match : undefined;
  const command = def.workflow
    ? [
        process.execPath,
        options.cli,
        "run",
        def.workflow.path,
        "--job",
        def.workflow.job,
        "--event",
        "workflow_dispatch",
        "--json",
      ]
    : (def.run ?? "false");
  return runSmokeTest({
    command,
    ...(def.workflow ? { judge: (out: string) => judgeWorkflowRun(out, def.workflow!.job) } : {}),
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

/**
 * A workflow smoke test passes only when its job really ran and succeeded: `sluice run` also exits 0
 * when the workflow's trigger did not match and nothing ran, which must not pass a deployment.
 */
export function judgeWorkflowRun(stdout: string, job: string): string | null {
  let report: { jobs?: { id?: string; conclusion?: string }[]; skipped?: { reason: string }[] };
  try {
    report = JSON.parse(stdout) as typeof report;
  } catch {
    return "the smoke test workflow did not report a result";
  }
  const ran = (report.jobs ?? []).filter((j) => j.id === job);
  if (ran.length === 0) {
    const why = report.skipped?.[0]?.reason;
    return `job ${job} of the smoke test workflow did not run${why ? `: ${why}` : ""} (the workflow needs \`on: workflow_dispatch\`)`;
  }
  const failed = ran.find((j) => j.conclusion !== "success");
  return failed
    ? `job ${job} of the smoke test workflow ended ${failed.conclusion ?? "without a conclusion"}`
    : null;
}
