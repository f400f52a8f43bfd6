/**
 * Node version specs as actions/setup-node reads them (`20`, `20.x`, `>=18`, `lts/*`, `lts/iron`,
 * `latest`, `node`) and the version files it accepts. Pure apart from reading the file, so the rules
 * are tested without a host.
 */
import { readFile } from "node:fs/promises";
import { basename, dirname, resolve } from "node:path";
import semver from "semver";
import { createError } from "../../core/errors";

/** A predicate over host Node versions derived from a spec, plus notes on what could not be checked offline. */
export interface VersionMatcher {
  /** The spec as written, for messages. */
  spec: string;
  /** True when a host version (with or without a leading `v`) satisfies the spec. */
  test(version: string): boolean;
  /** Set when the spec names something only a download could pin exactly (e.g. `latest`). */
  note?: string;
}

/** LTS codenames to their major line, so `lts/iron` works without the network. */
const LTS_CODENAMES: Record<string, number> = {
  argon: 4,
  boron: 6,
  carbon: 8,
  dubnium: 10,
  erbium: 12,
  fermium: 14,
  gallium: 16,
  hydrogen: 18,
  iron: 20,
  jod: 22,
  krypton: 24,
};

function majorOf(version: string): number {
  return semver.parse(semver.clean(version) ?? version)?.major ?? -1;
}

/** Even majors are the LTS lines; a host cannot tell whether its release has entered LTS yet. */
function isLtsLine(version: string): boolean {
  const major = majorOf(version);
  return major >= 4 && major % 2 === 0;
}

/**
 * Builds a matcher for a setup-node spec. An empty spec matches anything (setup-node then uses the
 * Node on PATH). Throws SLUICE_E_NODE_VERSION for a spec that means nothing.
 */
export function parseVersionSpec(raw: string): VersionMatcher {
  const spec = raw.trim();
  const lower = spec.toLowerCase();
  if (lower === "" || lower === "node" || lower === "latest" || lower === "current") {
    const note =
      lower === ""
        ? undefined
        : `"${spec}" means the newest release, which cannot be checked offline; any host Node is accepted`;
    return { spec, test: () => true, note };
  }
  if (lower === "lts" || lower === "lts/*" || /^lts\/-\d+$/.test(lower)) {
    const note = lower.startsWith("lts/-")
      ? `"${spec}" is resolved offline as any LTS line (an even major)`
      : undefined;
    return { spec, test: isLtsLine, note };
  }
  if (lower.startsWith("lts/")) {
    const major = LTS_CODENAMES[lower.slice(4)];
    if (major === undefined)
      throw createError("SLUICE_E_NODE_VERSION", `unknown Node LTS codename in "${spec}"`);
    return { spec, test: (v) => majorOf(v) === major };
  }
  const range = semver.validRange(spec);
  if (range === null) {
    throw createError(
      "SLUICE_E_NODE_VERSION",
      `node-version "${spec}" is not a version or range Sluice can check (nightly, rc and canary builds need a download)`,
    );
  }
  return { spec, test: (v) => semver.satisfies(semver.clean(v) ?? v, range) };
}

/** Follows `volta.extends` chains; a cycle or missing file ends the chain without a version. */
async function voltaVersion(file: string, seen: Set<string>): Promise<string | undefined> {
  if (seen.has(file)) return undefined;
  seen.add(file);
  const manifest = JSON.parse(await readFile(file, "utf8")) as {
    volta?: { node?: string; extends?: string };
  };
  if (manifest.volta?.node) return manifest.volta.node;
  if (manifest.volta?.extends) return voltaVersion(resolve(dirname(file), manifest.volta.extends), seen);
  return undefined;
}

interface PackageManifest {
  engines?: { node?: string };
  devEngines?: { runtime?: { name?: string; version?: string } | { name?: string; version?: string }[] };
}

/** package.json, in setup-node's order: volta.node (following extends), devEngines.runtime, engines.node. */
async function packageJsonVersion(file: string): Promise<string> {
  const volta = await voltaVersion(file, new Set());
  if (volta) return volta;
  const manifest = JSON.parse(await readFile(file, "utf8")) as PackageManifest;
  const runtimes = manifest.devEngines?.runtime;
  const runtime = (Array.isArray(runtimes) ? runtimes : runtimes ? [runtimes] : []).find(
    (r) => r.name === "node",
  );
  return runtime?.version ?? manifest.engines?.node ?? "";
}

/**
 * The version a text version file names: `.nvmrc` and `.node-version` (`20`, `v20.1.0`, `lts/*`),
 * or asdf's `.tool-versions` (`nodejs 20.1.0`). Comment lines are skipped.
 */
export function versionFromText(content: string): string {
  for (const line of content.split(/\r?\n/)) {
    const trimmed = line.trim();
    if (trimmed === "" || trimmed.startsWith("#")) continue;
    // asdf files list other tools too (`python 3.12`): those lines do not match and are skipped.
    const m = /^(?:node(?:js)?\s+)?v?(\S+)$/.exec(trimmed);
    if (m?.[1]) return m[1];
  }
  return "";
}

/** Reads `node-version-file` (absolute path). Throws SLUICE_E_NODE_VERSION when it is missing or names nothing. */
export async function readVersionFile(file: string): Promise<string> {
  let version: string;
  try {
    version =
      basename(file) === "package.json"
        ? await packageJsonVersion(file)
        : versionFromText(await readFile(file, "utf8"));
  } catch (err) {
    throw createError(
      "SLUICE_E_NODE_VERSION",
      `cannot read node-version-file ${file}: ${(err as Error).message}`,
      {
        cause: err,
      },
    );
  }
  if (version === "")
    throw createError("SLUICE_E_NODE_VERSION", `node-version-file ${file} names no Node version`);
  return version;
}
