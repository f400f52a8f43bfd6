/**
 * Runs step processes on the host. Each process leads its own process group (detached), so
 * cancellation signals reach everything a step started and nothing is left behind.
 *
 * Processes are spawned through a small helper process (spawn-helper.ts) unless that is switched off
 * or the helper cannot run, in which case they are spawned from this process. Either way output,
 * exit and signals behave the same; the helper only makes spawning cheaper (see helper-program.ts).
 */
import type { Executor, OutputSink, ProcessHandle, ProcessSpec } from "../types";
import { spawnDirect } from "./direct-spawn";
import { SpawnHelper } from "./spawn-helper";

export const LOCAL_EXECUTOR = "local";

export interface LocalExecutorOptions {
  /**
   * Spawn through the helper process (default true). `SLUICE_SPAWN_HELPER=0` in the environment
   * switches it off too.
   */
  helper?: boolean;
}

export class LocalExecutor implements Executor {
  readonly type = LOCAL_EXECUTOR;
  private helper: SpawnHelper | null = null;
  private useHelper: boolean;

  constructor(options: LocalExecutorOptions = {}) {
    this.useHelper = (options.helper ?? true) && process.env.SLUICE_SPAWN_HELPER !== "0";
  }

  /**
   * Starts the helper now, so that its startup overlaps other work instead of delaying the first
   * process. Optional: start() starts it when needed.
   */
  warm(): void {
    if (this.useHelper) this.helper ??= new SpawnHelper();
  }

  start(spec: ProcessSpec, sink: OutputSink): ProcessHandle {
    this.warm();
    if (this.helper && !this.helper.usable) {
      // The helper died (killed, or it could not start): spawn from here from now on.
      this.useHelper = false;
      this.helper = null;
    }
    return this.helper ? this.helper.start(spec, sink) : spawnDirect(spec, sink);
  }

  /**
   * Ends the helper and resolves once it has exited. Idempotent; a later start() uses a new helper.
   * Not calling it is safe: an idle helper never keeps this process alive, and it exits with it.
   */
  async close(): Promise<void> {
    const helper = this.helper;
    this.helper = null;
    await helper?.close();
  }
}
