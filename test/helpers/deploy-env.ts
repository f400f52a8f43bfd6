/**
 * A temporary repository with a deployable service for the deployment end-to-end tests: the fixture
 * server (test/e2e/deploy/server.mjs), a `sluice.yml` built by the test, the real CLI, and a way to
 * read the repository's store, find the agent and every instance it started, and end them all.
 */
import { spawn } from "node:child_process";
import type { ChildProcess } from "node:child_process";
import { cpSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { openStore } from "../../src/store/registry";
import type { DeploymentRecord, EnvironmentRecord } from "../../src/store/deployment-types";
import type { Store } from "../../src/store/types";
import { initRepo, makeTempDir } from "./git-repo";
import type { RepoHistory } from "./git-repo";
import { killAll, processesMatching, waitForNoProcesses } from "./processes";
import type { ProcessInfo } from "./processes";
import { cliEnv, collect, spawnSluice } from "./sluice-cli";
import type { CliResult } from "./sluice-cli";

const SERVER = fileURLToPath(new URL("../e2e/deploy/server.mjs", import.meta.url));

/** The instance command of a test environment: the fixture server, tagged with the repository. */
export function serverCommand(tag: string): string[] {
  return ["node", "server.mjs", "--tag", tag];
}

/** An analysis of the error rate only (latency would make a loaded 2-core machine's runs flaky). */
export const errorAnalysis = {
  interval: "500ms",
  metrics: [{ name: "errorRate", query: "errorRate" }],
  judge: { type: "sequential", latency: false },
};

export interface DeployEnvOptions {
  /** Build sluice.yml from the repository's tag (JSON is YAML). */
  config: (tag: string) => Record<string, unknown>;
  history?: RepoHistory;
  /** The environment the test deploys to (default `production`). */
  environment?: string;
}

export class DeployEnv {
  readonly dir: string;
  /** Appears in every instance's command line, and nowhere else. */
  readonly tag: string;
  readonly environment: string;
  #store: Store | null = null;

  constructor(options: DeployEnvOptions) {
    this.dir = makeTempDir("sluice-deploy-");
    this.tag = path.basename(this.dir);
    this.environment = options.environment ?? "production";
    cpSync(SERVER, path.join(this.dir, "server.mjs"));
    writeFileSync(path.join(this.dir, "sluice.yml"), JSON.stringify(options.config(this.tag), null, 2));
    initRepo(this.dir, options.history);
  }

  /** Runs `sluice <args>` in the repository to completion. */
  run(args: string[], env: Record<string, string> = {}): Promise<CliResult> {
    return collect(this.spawn(args, env));
  }

  /**
   * Starts `sluice <args>` in the repository; the caller waits for it. SLUICE_E2E_CLI names another
   * build's cli.js (`node scripts/build.mjs --outdir …`) to run instead of dist/, which every vitest
   * run rebuilds — handy while other suites run beside this one.
   */
  spawn(args: string[], env: Record<string, string> = {}): ChildProcess {
    const cli = process.env.SLUICE_E2E_CLI;
    const extra = { SLUICE_ACTOR: "e2e", ...env };
    if (cli === undefined) return spawnSluice(args, { cwd: this.dir, env: extra });
    return spawn(process.execPath, [cli, ...args], {
      cwd: this.dir,
      env: cliEnv(extra),
      stdio: ["ignore", "pipe", "pipe"],
    });
  }

  /** The repository's store (the agent writes it concurrently; SQLite serialises). */
  async store(): Promise<Store> {
    this.#store ??= await openStore({ type: "sqlite", path: path.join(this.dir, ".sluice", "sluice.db") });
    return this.#store;
  }

  async environmentRecord(): Promise<EnvironmentRecord | null> {
    return (await this.store()).getEnvironment(this.environment);
  }

  async active(): Promise<DeploymentRecord | null> {
    return (await this.store()).activeDeployment(this.environment);
  }

  /** Polls `read` until it returns something other than undefined/false/null; fails after `timeoutMs`. */
  async waitFor<T>(
    what: string,
    read: () => Promise<T | null | undefined | false>,
    timeoutMs = 20_000,
  ): Promise<T> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const value = await read();
      if (value !== null && value !== undefined && value !== false) return value;
      if (Date.now() > deadline)
        throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}\n${this.agentLog()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  /** Waits until the active deployment satisfies `test` (e.g. is paused); returns it. */
  waitForDeployment(
    what: string,
    test: (d: DeploymentRecord) => boolean,
    timeoutMs?: number,
  ): Promise<DeploymentRecord> {
    return this.waitFor(
      what,
      async () => {
        const d = await this.active();
        return d !== null && test(d) ? d : null;
      },
      timeoutMs,
    );
  }

  /** The router's address, once the agent has published it. */
  async routerUrl(): Promise<string> {
    return this.waitFor(
      "the router address",
      async () => (await this.environmentRecord())?.routerUrl ?? null,
    );
  }

  /** The running agent's pid, from its heartbeat record. */
  async agentPid(): Promise<number> {
    return this.waitFor("the agent", async () => (await this.environmentRecord())?.agentPid ?? null);
  }

  /** Pids of the instances the process target recorded (they outlive a killed agent). */
  instancePids(): Record<string, number[]> {
    try {
      const state = JSON.parse(readFileSync(this.agentFile("instances.json"), "utf8")) as {
        versions: Record<string, { instances: { pid: number }[] }>;
      };
      return Object.fromEntries(
        Object.entries(state.versions).map(([v, r]) => [v, r.instances.map((i) => i.pid)]),
      );
    } catch {
      return {};
    }
  }

  /** Instance processes of this repository still alive. */
  instances(): ProcessInfo[] {
    return processesMatching(`--tag ${this.tag}`);
  }

  agentFile(name: string): string {
    return path.join(this.dir, ".sluice", "deploy", this.environment, name);
  }

  agentLog(): string {
    try {
      return `--- agent.log (tail) ---\n${readFileSync(this.agentFile("agent.log"), "utf8").split("\n").slice(-40).join("\n")}`;
    } catch {
      return "(no agent log)";
    }
  }

  /**
   * `sluice stop`, then whatever survived it is killed (the agent, instances). Returns what had to be
   * killed — an orphan, which a test should treat as a failure — and removes the repository.
   */
  async cleanup(): Promise<{ stop: CliResult; orphans: ProcessInfo[] }> {
    const stop = await this.run(["stop", this.environment]);
    const env = await this.environmentRecord().catch(() => null);
    await this.#store?.close();
    this.#store = null;
    const orphans = await waitForNoProcesses(`--tag ${this.tag}`, 3000);
    killAll(orphans);
    if (env?.agentPid) {
      try {
        process.kill(env.agentPid, "SIGKILL");
      } catch {
        // gone, as it should be
      }
    }
    rmSync(this.dir, { recursive: true, force: true });
    return { stop, orphans };
  }
}
