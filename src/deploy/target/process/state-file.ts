/**
 * What the process target started, on disk, so that a controller killed with -9 can be followed by one
 * that finds its instances again (they run in their own process groups and outlive it). Written
 * atomically (temporary file, then rename): a crash mid-write leaves the previous version whole.
 */
import { mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import path from "node:path";
import type { DeploySpec } from "../types";

export interface InstanceRecord {
  index: number;
  pid: number;
  startTime: string | null;
  port: number;
  restarts: number;
}

export interface VersionRecord {
  spec: DeploySpec;
  /** Instances wanted (the spec's count after scaling). */
  desired: number;
  nextIndex: number;
  instances: InstanceRecord[];
}

export interface TargetStateFile {
  schema: 1;
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
