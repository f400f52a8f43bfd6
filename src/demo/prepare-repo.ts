/** Builds the demo's throw-away git repository from the shipped example. */
import { execFile } from "node:child_process";
import { existsSync } from "node:fs";
import { cp, symlink } from "node:fs/promises";
import { basename, join } from "node:path";
import { createError } from "../core/errors";

/**
 * Build outputs and local state that must not be copied: they are ignored by the example's .gitignore,
 * and copying a developer's node_modules would be slow and could carry another platform's binaries.
 */
export const COPY_EXCLUDES: ReadonlySet<string> = new Set([
  "node_modules",
  "dist",
  "coverage",
  "reports",
  ".sluice",
  ".git",
]);

/** Copies the example tree into `dest` (created if missing), leaving out COPY_EXCLUDES at any depth. */
export async function copyExample(exampleDir: string, dest: string): Promise<void> {
  await cp(exampleDir, dest, {
    recursive: true,
    // Keep links as links: following one could copy something far outside the example.
    verbatimSymlinks: true,
    filter: (source) => source === exampleDir || !COPY_EXCLUDES.has(basename(source)),
  });
}

/** Identity of the demo's commit; local to the temp repository, never the user's global git config. */
export const DEMO_AUTHOR = { name: "Sluice Demo", email: "demo@sluice.invalid" } as const;

/**
 * Turns `dir` into a git repository on branch `main` with everything committed, as a fresh clone would be.
 * The user's hooks and signing settings are switched off for this commit: a global pre-commit hook or a
 * gpg prompt must not break or stall a demo.
 */
export async function initRepo(dir: string, env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<string> {
  const git = (args: string[]): Promise<string> => runGit(dir, args, env, signal);
  await git(["init", "-q", "-b", "main"]);
  await git(["config", "user.name", DEMO_AUTHOR.name]);
  await git(["config", "user.email", DEMO_AUTHOR.email]);
  await git(["config", "commit.gpgsign", "false"]);
  return commitAll(dir, "Add the example service", env, signal);
}

/**
 * Commits every change in the working tree of a repository made by initRepo, with the user's hooks off,
 * and returns the new commit's sha.
 */
export async function commitAll(
  dir: string,
  message: string,
  env: NodeJS.ProcessEnv,
  signal?: AbortSignal,
): Promise<string> {
  const git = (args: string[]): Promise<string> => runGit(dir, args, env, signal);
  await git(["add", "-A"]);
  await git(["-c", "core.hooksPath=/dev/null", "commit", "-q", "--no-verify", "-m", message]);
  return (await git(["rev-parse", "HEAD"])).trim();
}

function runGit(cwd: string, args: string[], env: NodeJS.ProcessEnv, signal?: AbortSignal): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile("git", args, { cwd, env, signal, encoding: "utf8" }, (err, stdout, stderr) => {
      if (!err) return resolve(stdout);
      if (signal?.aborted) return reject(err);
      // spawn reports a missing cwd as ENOENT too; only blame git when the directory is there.
      const missing = (err as NodeJS.ErrnoException).code === "ENOENT" && existsSync(cwd);
      reject(
        createError(
          "SLUICE_E_PREREQUISITE",
          missing
            ? "sluice demo needs git on the PATH to create its repository"
            : `git ${args.join(" ")} failed in ${cwd}: ${stderr.trim() || err.message}`,
          { cause: err },
        ),
      );
    });
  });
}

/**
 * Makes `nodeModules` the repository's node_modules through a symlink (a junction on Windows, which needs
 * no privilege). Done after the commit so the link is never part of the history.
 */
export async function linkDependencies(repo: string, nodeModules: string): Promise<void> {
  await symlink(nodeModules, join(repo, "node_modules"), process.platform === "win32" ? "junction" : "dir");
}
