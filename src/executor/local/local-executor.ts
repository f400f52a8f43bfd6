/**
 * Runs step processes on the host. Each process leads its own process group (detached), so
 * cancellation signals reach everything a step started and nothing is left behind.
 *
 * Spawning: a run's first processes are spawned from this process; once a run has started a few
 * (or when warm() says many will come), a small helper process (spawn-helper.ts) is started, and the
 * processes after it is ready are spawned through it. Forking from this process costs 3–5 ms per step once a long run has grown its
 * memory, on the event loop; the helper does it in ≈ 1 ms, on another core (helper-program.ts
 * says why). A short run never starts the helper and so pays nothing for it. Output, exit and
 * signals behave the same either way.
 */
import type { Executor, OutputSink, ProcessHandle, ProcessSpec } from "../types";
import { spawnDirect } from "./direct-spawn";
import type { GroupTracker } from "./group-handle";
import { GroupRecords } from "./group-records";
import { addLiveGroup, countExecutor, removeLiveGroup } from "./live-groups";
import { SpawnHelper } from "./spawn-helper";

export const LOCAL_EXECUTOR = "local";

/**
 * `auto`: the helper once a run has started {@link HELPER_AFTER} processes; `always`: every process
 * through the helper; `off`: never. The environment variable SLUICE_SPAWN_HELPER (`0`, `1`, `auto`)
 * overrides the option.
 */
export type SpawnHelperMode = "auto" | "always" | "off";

export interface LocalExecutorOptions {
  spawnHelper?: SpawnHelperMode;
  /**
   * Where to record the process groups of running steps (the state directory's `processes/`), so
   * that after a crash the next Sluice stops them (orphan-groups.ts). Default: not recorded.
   */
  recordDir?: string;
}

/** Processes spawned directly before `auto` starts the helper: its startup costs ≈ 40 ms of CPU. */
export const HELPER_AFTER = 8;

export class LocalExecutor implements Executor {
  readonly type = LOCAL_EXECUTOR;
  private helper: SpawnHelper | null = null;
  private mode: SpawnHelperMode;
  private started = 0;
  private readonly records: GroupRecords | null;
  private open = false;
  private readonly tracker: GroupTracker;

  constructor(options: LocalExecutorOptions = {}) {
    const fromEnv = { "0": "off", "1": "always", auto: "auto" } as const;
    const env = process.env.SLUICE_SPAWN_HELPER as keyof typeof fromEnv | undefined;
    this.mode = (env && fromEnv[env]) ?? options.spawnHelper ?? "auto";
    this.records = options.recordDir && GroupRecords.supported ? new GroupRecords(options.recordDir) : null;
    this.markOpen();
    const records = this.records;
    this.tracker = {
      started({ pgid, startTime }) {
        addLiveGroup(pgid, startTime);
        if (startTime !== null) records?.add(pgid, startTime);
      },
      ended(pgid) {
        removeLiveGroup(pgid);
        records?.remove(pgid);
      },
    };
  }

  /**
   * Starts the helper now (unless it is off), for a caller that knows many processes will follow:
   * its startup then overlaps other work, and even the first processes skip forking from here.
   */
  warm(): void {
    if (this.mode !== "off") this.helper ??= new SpawnHelper();
  }

  start(spec: ProcessSpec, sink: OutputSink): ProcessHandle {
    this.markOpen();
    this.started += 1;
    if (this.mode === "always" || (this.mode === "auto" && this.started > HELPER_AFTER)) {
      this.helper ??= new SpawnHelper();
    }
    if (this.helper && !this.helper.usable) {
      // The helper died (killed, or it could not start): spawn from here from now on.
      this.mode = "off";
      this.helper = null;
    }
    // Until it is ready (`auto`), processes do not wait for it.
    const viaHelper = this.helper && (this.mode === "always" || this.helper.ready);
    return viaHelper ? this.helper!.start(spec, sink, this.tracker) : spawnDirect(spec, sink, this.tracker);
  }

  /**
   * Ends the helper, if one was started, and resolves once it has exited. Idempotent; a later
   * start() may start a new one. Not calling it is safe: an idle helper never keeps this process
   * alive, and it exits with it.
   */
  async close(): Promise<void> {
    const helper = this.helper;
    this.helper = null;
    this.started = 0;
    if (this.open) countExecutor(-1);
    this.open = false;
    // Every job has ended and killed its groups by now: no record is needed any more.
    this.records?.close();
    await helper?.close();
  }

  /** Counted as open from construction (a run's first steps may still be ahead) until close(). */
  private markOpen(): void {
    if (!this.open) countExecutor(1);
    this.open = true;
  }
}
