/**
 * Reads what `sluice run` recorded in a repository's embedded store (`.sluice/sluice.db`, schema in
 * src/store/migrations/), read-only, so tests can check runs, jobs, steps and the stored logs
 * without going through the CLI.
 */
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import path from "node:path";
import Database from "better-sqlite3";

export interface StoredRun {
  id: string;
  number: number;
  workflow_path: string;
  status: string;
  conclusion: string | null;
  pid: number | null;
  concurrency_group: string | null;
  created_at: string;
  started_at: string | null;
  completed_at: string | null;
}

export interface StoredJob {
  id: string;
  run_id: string;
  job_key: string;
  name: string;
  status: string;
  conclusion: string | null;
}

export interface StoredStep {
  id: string;
  job_id: string;
  name: string;
  status: string;
  outcome: string | null;
  conclusion: string | null;
}

export interface StoreSnapshot {
  runs: StoredRun[];
  jobs: StoredJob[];
  steps: StoredStep[];
  /** Every stored log chunk, concatenated per step id in order. */
  logs: Map<string, string>;
}

export function storePath(repo: string): string {
  return path.join(repo, ".sluice", "sluice.db");
}

/** Everything the store holds; an empty snapshot when no database was ever created. */
export function readStore(repo: string): StoreSnapshot {
  const file = storePath(repo);
  if (!existsSync(file)) return { runs: [], jobs: [], steps: [], logs: new Map() };
  // Not `readonly`: a reader of a WAL database may need to create the -shm file.
  const db = new Database(file, { fileMustExist: true });
  try {
    db.pragma("busy_timeout = 5000");
    const runs = db.prepare("SELECT * FROM runs ORDER BY number").all() as StoredRun[];
    const jobs = db.prepare("SELECT * FROM jobs ORDER BY run_id, position").all() as StoredJob[];
    const steps = db.prepare("SELECT * FROM steps ORDER BY job_id, step_index").all() as StoredStep[];
    const logs = new Map<string, string>();
    const chunks = db.prepare("SELECT step_id, text FROM step_logs ORDER BY step_id, seq").all() as Array<{
      step_id: string;
      text: string;
    }>;
    for (const c of chunks) logs.set(c.step_id, (logs.get(c.step_id) ?? "") + c.text);
    return { runs, jobs, steps, logs };
  } finally {
    db.close();
  }
}

/** All stored log text of one run (every job and step), in no particular order between steps. */
export function runLogText(snapshot: StoreSnapshot, runId: string): string {
  const jobIds = new Set(snapshot.jobs.filter((j) => j.run_id === runId).map((j) => j.id));
  return snapshot.steps
    .filter((s) => jobIds.has(s.job_id))
    .map((s) => snapshot.logs.get(s.id) ?? "")
    .join("\n");
}

/** Every regular file under `dir` (recursively) whose content contains `needle`, as relative paths. */
export function filesContaining(dir: string, needle: string): string[] {
  const found: string[] = [];
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = path.join(d, name);
      const st = statSync(p);
      if (st.isDirectory()) walk(p);
      else if (st.isFile() && readFileSync(p).includes(needle)) found.push(path.relative(dir, p));
    }
  };
  if (existsSync(dir)) walk(dir);
  return found;
}
