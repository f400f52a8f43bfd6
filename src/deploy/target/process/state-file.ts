/**
 * What the process target started, on disk, so that a controller killed with -9 can be followed by one
 * that finds its instances again (they run in their own process groups and outlive it). Written
 * atomically (temporary file, then rename): a crash mid-write leaves the previous version whole.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { DeploySpec } from "../types";

export interface InstanceRecord {
  /** The instance's number within its version (`v1#<index>`). */
  index: number;
  /** Its process (leader of its process group). */
  pid: number;
  /** The process's /proc start time, so a reused pid is not mistaken for it. */
  startTime: string | null;
  /** The port it listens on. */
  port: number;
  /** Restarts so far (carried over to the adopting controller). */
  restarts: number;
}

export interface VersionRecord {
  /** How the version runs (to restart instances that died meanwhile). */
  spec: DeploySpec;
  /** Instances wanted (the spec's count after scaling). */
  desired: number;
  /** The next instance number to hand out. */
  nextIndex: number;
  /** Instances that had a process when the file was written. */
  instances: InstanceRecord[];
}

export interface TargetStateFile {
  /** Shape version of this file. */
  schema: 1;
  /** Every deployed version, by name. */
  versions: Record<string, VersionRecord>;
}

export function readStateFile(file: string): TargetStateFile | null {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch {
    return null;
  }
  try {
    const parsed = JSON.parse(text) as TargetStateFile;
    return parsed.schema === 1 && typeof parsed.versions === "object" ? parsed : null;
  } catch {
    // A torn or foreign file: nothing can be trusted in it, and nothing is adopted from it.
    return null;
  }
}

export function writeStateFile(file: string, state: TargetStateFile): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  writeFileSync(tmp, JSON.stringify(state, null, 2));
  renameSync(tmp, file);
}
