/** Shapes shared by the lockfile parsers and the code that finds and reads lockfiles. */
import type { DependencyGraph } from "../types";
import type { ManifestDeps } from "./manifest";

/** The lockfile formats Sluice reads; each has one parser file. */
export type LockfileFormat =
  | "package-lock"
  | "npm-shrinkwrap"
  | "pnpm-lock"
  | "yarn-classic"
  | "yarn-berry"
  | "requirements"
  | "poetry-lock"
  | "pipfile-lock"
  | "uv-lock";

/** What a parser may know besides the lockfile text. Parsers stay pure: the caller does the I/O. */
export interface LockfileContext {
  /** The manifest beside the lockfile (package.json, pyproject.toml, Pipfile). */
  manifest?: ManifestDeps;
  /**
   * Reads a file relative to the lockfile's folder (requirements `-r` includes, workspace
   * package.json files); undefined when it is missing or outside the scanned root.
   */
  readFile?: (relativePath: string) => string | undefined;
}

/** A pure parser: lockfile text (and context) → graph, or SLUICE_E_LOCKFILE located in `file`. */
export type LockfileParser = (text: string, file: string, context?: LockfileContext) => DependencyGraph;
