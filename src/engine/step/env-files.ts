/**
 * The files GitHub hands to every step (GITHUB_ENV, GITHUB_OUTPUT, GITHUB_PATH, GITHUB_STATE,
 * GITHUB_STEP_SUMMARY) and applying what the step wrote to them once it ends.
 *
 * A job directory has one set, used by each step in turn (steps of a job run one at a time, nested
 * composite steps included): the files are empty whenever no step runs, because taking what a step
 * wrote also empties them. Most steps write none of them, so a step usually costs five stat calls
 * here instead of creating, reading and removing five files (bench/engine).
 */
import { readFileSync, statSync, unlinkSync, writeFileSync } from "node:fs";
import { writeFile } from "node:fs/promises";
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

/** The file-command files of a job directory. */
export function envFilesIn(dir: string): EnvFiles {
  const file = (kind: string) => path.join(dir, kind);
  return {
    env: file("set_env"),
    output: file("set_output"),
    path: file("add_path"),
    state: file("save_state"),
    summary: file("step_summary"),
  };
}

/** Creates the files, empty. */
export async function createEnvFiles(files: EnvFiles): Promise<void> {
  await Promise.all(Object.values(files).map((f: string) => writeFile(f, "")));
}

/**
 * What was written to each file since they were last taken, leaving them empty (and existing, also
 * when a step removed one).
 */
export function takeEnvFiles(files: EnvFiles): EnvFiles {
  const take = (f: string): string => {
    let text = "";
    try {
      const size = statSync(f, { throwIfNoEntry: false })?.size;
      if (size === 0) return "";
      if (size !== undefined) {
        text = readFileSync(f, "utf8");
        // Unlink and create, not truncate: truncating a file that has data costs milliseconds on
        // ext4, creating one a few microseconds.
        unlinkSync(f);
      }
      writeFileSync(f, "");
    } catch {
      // Unreadable or replaced by something that is not a file: what it held is lost, as on GitHub.
    }
    return text;
  };
  return {
    env: take(files.env),
    output: take(files.output),
    path: take(files.path),
    state: take(files.state),
    summary: take(files.summary),
  };
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
 * Takes what the step wrote: env and PATH go to the job for later steps; outputs and state are
 * returned. The files are empty again afterwards.
 */
export function applyEnvFiles(job: JobScope, files: EnvFiles): AppliedFiles {
  const written = takeEnvFiles(files);
  const problems: string[] = [];
  const envText = written.env;
  if (envText) {
    const parsed = parseEnvFile(envText);
    problems.push(...parsed.problems.map((p) => `GITHUB_ENV ${p}`));
    for (const { name, value } of parsed.entries) job.fileEnv[name] = value;
  }
  const pathText = written.path;
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
    [written.output, outputs, "GITHUB_OUTPUT"],
    [written.state, state, "GITHUB_STATE"],
  ] as const) {
    if (!text) continue;
    const parsed = parseKeyValueFile(text);
    problems.push(...parsed.problems.map((p) => `${label} ${p}`));
    for (const { name, value } of parsed.entries) target[name] = value;
  }
  const summary = written.summary;
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
