/**
 * A Target runs the instances of versions: `process` starts local processes, `kubernetes` manages
 * one Deployment per version. The controller applies a strategy's deployVersion / scale / stopVersion actions
 * through this interface and reads `status()` back as the strategy's instance observations.
 */
import type { HealthCheckSpec } from "../health/types";
import type { InstanceStatus } from "../strategy/types";

/** How to run one version. */
export interface DeploySpec {
  /**
   * The program: an argv array (run as is), or a string run by `/bin/sh -c` (with `exec`, so the
   * shell does not stay between the target and the program). Targets that run images (kubernetes)
   * take an empty one (`[]` or `""`) as the image's own entrypoint.
   */
  command: string | string[];
  /**
   * The container image of this version (kubernetes; `{{version}}` already replaced). Absent: the
   * target's own `image` setting. Targets that run local processes ignore it.
   */
  image?: string;
  /** Working directory (default: the target's `cwd`). */
  cwd?: string;
  /** Extra environment for every instance; `PORT`, `HOST`, `VERSION` and `SLUICE_INSTANCE` are set by the target. */
  env?: Record<string, string>;
  /** How many instances to run. */
  instances: number;
  /** The readiness check (default: a TCP connect to the instance's port). */
  readiness?: HealthCheckSpec;
  /** How long an instance may take to become ready before `deploy`/`scale` give up waiting (default 60 s). */
  readyTimeoutMs?: number;
  /** How long a stopped instance may drain after SIGTERM before SIGKILL, when `stop` gives none (default 10 s). */
  drainMs?: number;
}

/** One running (or restarting) instance. */
export interface InstanceInfo {
  /** The version it runs. */
  version: string;
  /** Stable for the instance's life, across restarts: `<version>#<n>`. */
  id: string;
  /** The address it listens on (loopback for the process target). */
  host: string;
  /** The port of the current process (a restart may get another one). */
  port: number;
  /** null while the instance waits to be restarted. */
  pid: number | null;
  /** Passed readiness since its process last started. */
  ready: boolean;
  /** Times the process was restarted after it exited on its own. */
  restarts: number;
}

/** What `deploy` and `scale` found when they stopped waiting. */
export interface DeployResult {
  /** The version deployed or scaled. */
  version: string;
  /** Instances asked for. */
  wanted: number;
  /** Instances ready when the call returned (less than `wanted` after a readiness timeout). */
  ready: number;
}

export interface Target {
  /** The registry key (`process`, `kubernetes`). */
  readonly type: string;
  /**
   * Ensures `spec.instances` instances of `version` run, then waits until they are ready or
   * `readyTimeoutMs` passes. Idempotent: deploying a running version scales it (its first spec stays).
   * Resolves either way (see `ready`); rejects with SLUICE_E_TARGET only when nothing can be started.
   */
  deploy(version: string, spec: DeploySpec): Promise<DeployResult>;
  /** Changes the instance count of a deployed version (removed instances drain); SLUICE_E_TARGET if unknown. */
  scale(version: string, instances: number): Promise<DeployResult>;
  /**
   * Stops every instance of `version`: SIGTERM, up to `drainMs` for it to exit, then SIGKILL, and
   * nothing of it left running. Idempotent; an unknown version is already stopped.
   */
  stop(version: string, options?: { drainMs?: number }): Promise<void>;
  /** Every instance of every version, in a stable order. */
  listInstances(): InstanceInfo[];
  /** Ready counts and restarts per version: the strategies' `Observations.instances`. */
  status(): Record<string, InstanceStatus>;
  /**
   * After a controller restart: takes over what the previous controller started (or, with
   * `adopt: false`, stops it) and returns the versions now managed. Targets whose state lives
   * elsewhere (a cluster) just list what runs.
   */
  recover(options?: { adopt?: boolean }): Promise<string[]>;
  /** Stops everything (with the default drain) and releases the target. Idempotent. */
  close(): Promise<void>;
}

/** Options every target factory receives; implementations take what applies to them. */
export interface TargetOptions {
  /** Base directory for relative `cwd`s (default: the current directory). */
  cwd?: string;
  /** Where the target records what it started, so a restarted controller can find it (process target). */
  stateFile?: string;
  /** Output of instances, line by line (default: kept only in a small per-instance buffer). */
  onOutput?: (instanceId: string, stream: "stdout" | "stderr", line: string) => void;
  /** Restart backoff: first delay and cap (default 200 ms and 10 s). */
  backoffBaseMs?: number;
  /** Longest restart delay (default 10 s). */
  backoffMaxMs?: number;
  /**
   * The environment's `target` section of sluice.yml as parsed: each type validates and reads its own
   * settings from it (kubernetes: service, namespace, image, port, resources…); process reads none.
   */
  settings?: Readonly<Record<string, unknown>>;
}

export type TargetFactory = (options: TargetOptions) => Target;
