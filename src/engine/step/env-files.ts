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
import type { StepOutput } from "./step-output";

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
  /** Messages for error annotations, in GitHub's wording. */
  errors: string[];
  /** A file could not be processed: GitHub fails the step (continue-on-error still applies). */
  failed: boolean;
}

/**
 * Takes what the step wrote: env and PATH go to the job for later steps; outputs and state are
 * returned. The files are empty again afterwards.
 *
 * An invalid file is handled as the runner does: the entries before its first invalid line apply,
 * the rest of that file does not, and the step fails with "Unable to process file command 'output'
 * successfully." plus the reason. The other files are processed all the same.
 */
export function applyEnvFiles(job: JobScope, files: EnvFiles): AppliedFiles {
  const written = takeEnvFiles(files);
  const applied: AppliedFiles = { outputs: {}, state: {}, errors: [], failed: false };
  const invalid = (kind: string, error: string | null) => {
    if (error === null) return;
    applied.errors.push(`Unable to process file command '${kind}' successfully.`, error);
    applied.failed = true;
  };
  const envText = written.env;
  if (envText) {
    const parsed = parseEnvFile(envText);
    for (const { name, value } of parsed.entries) job.fileEnv[name] = value;
    applied.errors.push(...parsed.blocked);
    invalid("env", parsed.error);
  }
  const pathText = written.path;
  if (pathText) {
    for (const dir of parsePathFile(pathText)) {
      const i = job.paths.indexOf(dir);
      if (i >= 0) job.paths.splice(i, 1);
      job.paths.unshift(dir);
    }
  }
  for (const [text, target, kind] of [
    [written.output, applied.outputs, "output"],
    [written.state, applied.state, "state"],
  ] as const) {
    if (!text) continue;
    const parsed = parseKeyValueFile(text);
    for (const { name, value } of parsed.entries) target[name] = value;
    invalid(kind, parsed.error);
  }
  const summary = written.summary;
  if (summary) job.summary.push(job.run.masker.mask(summary));
  return applied;
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

/** Logs the errors applying the files produced, as error annotations; true when the step must fail. */
export function reportFileCommands(output: StepOutput, applied: AppliedFiles): boolean {
  for (const error of applied.errors) output.annotate("error", error);
  return applied.failed;
}
