/**
 * The per-step files GitHub hands to every step (GITHUB_ENV, GITHUB_OUTPUT, GITHUB_PATH, GITHUB_STATE,
 * GITHUB_STEP_SUMMARY) and applying what the step wrote to them once it ends.
 */
import { readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import path from "node:path";
import { parseEnvFile, parseKeyValueFile, parsePathFile } from "../commands/file-commands";
import type { JobScope } from "../scope";

export interface EnvFiles {
  env: string;
  output: string;
  path: string;
  state: string;
  summary: string;
}

/**
 * Creates empty files for step number `n` of the job and returns their paths. Synchronous on
 * purpose: in the job's directory, which outlives the job, creating a file costs ≈ 20 µs, less than
 * a round trip through the thread pool.
 */
export function createEnvFiles(job: JobScope, n: number): EnvFiles {
  const file = (kind: string) => path.join(job.dir, `${kind}_${n}`);
  const files = {
    env: file("env"),
    output: file("output"),
    path: file("path"),
    state: file("state"),
    summary: file("summary"),
  };
  for (const f of Object.values(files)) writeFileSync(f, "");
  return files;
}

export function envFileVariables(files: EnvFiles): Record<string, string> {
  return {
    GITHUB_ENV: files.env,
    GITHUB_OUTPUT: files.output,
    GITHUB_PATH: files.path,
    GITHUB_STATE: files.state,
    GITHUB_STEP_SUMMARY: files.summary,
  };
}

export interface AppliedFiles {
  outputs: Record<string, string>;
  state: Record<string, string>;
  problems: string[];
}

/**
 * Reads what the step wrote: env and PATH go to the job for later steps; outputs and state are
 * returned. The files stay until the job ends (a node action's post phase still has their paths).
 */
export function applyEnvFiles(job: JobScope, files: EnvFiles): AppliedFiles {
  const read = (f: string) => {
    try {
      // Most steps write none of the files: one stat instead of open, fstat, read and close.
      return (statSync(f, { throwIfNoEntry: false })?.size ?? 0) > 0 ? readFileSync(f, "utf8") : "";
    } catch {
      return "";
    }
  };
  const problems: string[] = [];
  const envText = read(files.env);
  if (envText) {
    const parsed = parseEnvFile(envText);
    problems.push(...parsed.problems.map((p) => `GITHUB_ENV ${p}`));
    for (const { name, value } of parsed.entries) job.fileEnv[name] = value;
  }
  const pathText = read(files.path);
  if (pathText) {
    for (const dir of parsePathFile(pathText)) {
      const i = job.paths.indexOf(dir);
      if (i >= 0) job.paths.splice(i, 1);
      job.paths.unshift(dir);
    }
  }
  const outputs: Record<string, string> = {};
  const state: Record<string, string> = {};
  for (const [text, target, label] of [
    [read(files.output), outputs, "GITHUB_OUTPUT"],
    [read(files.state), state, "GITHUB_STATE"],
  ] as const) {
    if (!text) continue;
    const parsed = parseKeyValueFile(text);
    problems.push(...parsed.problems.map((p) => `${label} ${p}`));
    for (const { name, value } of parsed.entries) target[name] = value;
  }
  const summary = read(files.summary);
  if (summary) job.summary.push(job.run.masker.mask(summary));
  return { outputs, state, problems };
}

/** Unlinks the files, ignoring those already gone (the job's directory is emptied at its end anyway). */
export function removeFiles(paths: string[]): void {
  for (const f of paths) {
    try {
      unlinkSync(f);
    } catch {
      // ENOENT: the step removed it.
    }
  }
}
