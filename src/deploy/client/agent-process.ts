/**
 * Finding or starting an environment's agent. An agent is alive when its pid runs and its heartbeat
 * is recent; otherwise a new one is started detached (it outlives the CLI) with its output in
 * `.sluice/deploy/<environment>/agent.log`, and the CLI waits for its first heartbeat.
 */
import { spawn } from "node:child_process";
import { mkdirSync, openSync, readFileSync, closeSync } from "node:fs";
import path from "node:path";
import { createError } from "../../core/errors";
import { cliEntry } from "../controller/agent-support";
import type { EnvironmentRecord } from "../../store/deployment-types";
import type { Store } from "../../store/types";
import { isPidAlive } from "../../store/pid";

/** A heartbeat older than this means the agent is gone (it beats every second). */
export const HEARTBEAT_STALE_MS = 5000;

export function agentDir(repoRoot: string, environment: string): string {
  return path.join(repoRoot, ".sluice", "deploy", environment);
}

export function agentAlive(env: EnvironmentRecord | null, now = Date.now()): boolean {
  if (!env?.agentPid || !env.heartbeatAt) return false;
  return processRuns(env.agentPid) && now - Date.parse(env.heartbeatAt) < HEARTBEAT_STALE_MS;
}

/**
 * The pid exists and is not a zombie. A killed agent whose parent (often init, for a detached one)
 * has not reaped it yet still answers signal 0; on Linux /proc tells the difference at once.
 */
function processRuns(pid: number): boolean {
  if (!isPidAlive(pid)) return false;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, "utf8");
    // pid (comm) state …: comm may hold spaces and parentheses, so read after the last ")".
    return stat.slice(stat.lastIndexOf(")") + 2, stat.lastIndexOf(")") + 3) !== "Z";
  } catch {
    return true; // no /proc (macOS) or no permission: signal 0 is all there is
  }
}

export async function ensureAgent(options: {
  store: Store;
  repoRoot: string;
  environment: string;
  env: NodeJS.ProcessEnv;
  timeoutMs?: number;
}): Promise<EnvironmentRecord> {
  const { store, repoRoot, environment } = options;
  const current = await store.getEnvironment(environment);
  if (agentAlive(current)) return current!;
  const dir = agentDir(repoRoot, environment);
  mkdirSync(dir, { recursive: true });
  const logFile = path.join(dir, "agent.log");
  const out = openSync(logFile, "a");
  const startedAt = Date.now();
  let exited: string | null = null;
  try {
    const child = spawn(process.execPath, [cliEntry(options.env), "agent", environment], {
      cwd: repoRoot,
      env: options.env,
      detached: true,
      stdio: ["ignore", out, out],
    });
    child.on("exit", (code, signal) => (exited = `exited with ${signal ?? code}`));
    child.unref();
  } finally {
    closeSync(out);
  }
  const deadline = startedAt + (options.timeoutMs ?? 20_000);
  while (Date.now() < deadline && exited === null) {
    await new Promise((r) => setTimeout(r, 100));
    const env = await store.getEnvironment(environment);
    if (env?.heartbeatAt && Date.parse(env.heartbeatAt) >= startedAt - 1000 && agentAlive(env)) return env;
  }
  throw createError(
    "SLUICE_E_AGENT",
    `The agent for ${environment} ${exited ?? `did not start within ${Math.round((deadline - startedAt) / 1000)} s`}. Last lines of ${path.relative(repoRoot, logFile)}:\n${tail(logFile)}`,
  );
}

function tail(file: string): string {
  try {
    return readFileSync(file, "utf8").trim().split("\n").slice(-15).join("\n");
  } catch {
    return "(no log)";
  }
}
