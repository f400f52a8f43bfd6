/**
 * Every lockfile parser in one synchronous table, for callers that parse text themselves (tests,
 * fuzzing). Importing it loads `yaml` and `smol-toml`; `readDependencyGraphs` in `index.ts` loads
 * each parser only for the lockfiles it finds.
 */
import { parsePackageLock } from "./package-lock";
import { parsePipfileLock } from "./pipfile-lock";
import { parsePnpmLock } from "./pnpm-lock";
import { parsePoetryLock } from "./poetry-lock";
import { parseRequirements } from "./requirements";
import type { LockfileContext, LockfileFormat, LockfileParser } from "./types";
import type { DependencyGraph } from "../types";
import { parseUvLock } from "./uv-lock";
import { parseYarnBerry } from "./yarn-berry";
import { parseYarnClassic } from "./yarn-classic";

/** yarn.lock holds two formats; Yarn 2+ writes YAML with a `__metadata` block. */
export function parseYarnLock(text: string, file: string, context?: LockfileContext): DependencyGraph {
  return /^__metadata:/m.test(text)
    ? parseYarnBerry(text, file, context)
    : parseYarnClassic(text, file, context);
}

/** The parser for each format. */
export const lockfileParsers: Record<LockfileFormat, LockfileParser> = {
  "package-lock": parsePackageLock,
  "npm-shrinkwrap": parsePackageLock,
  "pnpm-lock": parsePnpmLock,
  "yarn-classic": parseYarnLock,
  "yarn-berry": parseYarnLock,
  requirements: parseRequirements,
  "poetry-lock": parsePoetryLock,
  "pipfile-lock": parsePipfileLock,
  "uv-lock": parseUvLock,
};
