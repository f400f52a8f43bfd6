/**
 * The I/O edge of configuration: which config applies to a scan (an explicit file or text, else the
 * repository's `.gitleaks.toml` as gitleaks itself looks for it, else Sluice's defaults) and reading
 * the files `[extend] path` names.
 */
import { existsSync, readFileSync } from "node:fs";
import path from "node:path";
import { createError } from "../../../core/errors";
import { defaultSecretsConfig } from "../rules";
import type { SecretsConfig } from "../types";
import { resolveGitleaksConfig } from "./resolve";
import type { ConfigSource } from "./resolve";

/** Where a scan's configuration comes from. */
export interface ConfigOptions {
  /** The scanned directory: `.gitleaks.toml` there is used when nothing else is given. */
  root: string;
  /** A gitleaks TOML file (absolute or relative to `root`). */
  configPath?: string;
  /** TOML text instead of a file (reported as `configPath` or `<inline>`). */
  configText?: string;
}

/** The config file gitleaks reads from a repository root. */
export const REPO_CONFIG = ".gitleaks.toml";

/** Load and resolve the configuration for a scan. Throws SLUICE_E_SECRETS_CONFIG. */
export function loadSecretsConfig(options: ConfigOptions): SecretsConfig {
  const defaults = defaultSecretsConfig();
  // `[extend] path` is relative to the extending file, which may be shown under a relative name.
  const absolute = new Map<string, string>();
  const readSource = (file: string, shownAs: string): ConfigSource => {
    absolute.set(shownAs, file);
    return read(file, shownAs);
  };
  const readExtended = (target: string, from: string): ConfigSource => {
    const base = path.dirname(absolute.get(from) ?? path.resolve(options.root, from));
    const file = path.resolve(base, target);
    return readSource(file, path.relative(options.root, file) || file);
  };
  const resolveOptions = { defaults, readExtended };
  if (options.configText !== undefined) {
    const file = options.configPath ?? "<inline>";
    return resolveGitleaksConfig({ text: options.configText, file }, resolveOptions);
  }
  if (options.configPath !== undefined) {
    const file = path.resolve(options.root, options.configPath);
    return resolveGitleaksConfig(readSource(file, options.configPath), resolveOptions);
  }
  const repoConfig = path.join(options.root, REPO_CONFIG);
  if (existsSync(repoConfig))
    return resolveGitleaksConfig(readSource(repoConfig, REPO_CONFIG), resolveOptions);
  return defaults;
}

function read(file: string, shownAs: string): ConfigSource {
  try {
    return { text: readFileSync(file, "utf8"), file: shownAs };
  } catch (err) {
    throw createError(
      "SLUICE_E_SECRETS_CONFIG",
      `${shownAs}: cannot read the config: ${(err as Error).message}`,
      {
        location: { file: shownAs },
        cause: err,
      },
    );
  }
}
