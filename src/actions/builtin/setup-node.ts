/**
 * `actions/setup-node` without downloads: the requested version must already be on the host, either
 * the Node running Sluice or the first `node` on the step's PATH. The satisfying binary's directory is
 * put first on PATH so later steps run it, exactly as after a real install.
 */
import { execFile } from "node:child_process";
import { constants } from "node:fs";
import { access, readFile, realpath, stat, writeFile, mkdir } from "node:fs/promises";
import { delimiter, dirname, join } from "node:path";
import semver from "semver";
import { createError } from "../../core/errors";
import type { BuiltinAction, BuiltinContext, BuiltinResult } from "../types";
import { booleanInput, logWarning, resolveUserPath } from "./inputs";
import { parseVersionSpec, readVersionFile } from "./node-version";

/** A Node binary on the host and the version it reports (with its leading `v`). */
export interface NodeCandidate {
  binary: string;
  version: string;
}

const NODE_EXE = process.platform === "win32" ? "node.exe" : "node";

/** The first executable `node` on a PATH string, or undefined. */
async function findOnPath(pathVar: string): Promise<string | undefined> {
  for (const dir of pathVar.split(delimiter)) {
    if (dir === "") continue;
    const candidate = join(dir, NODE_EXE);
    try {
      await access(candidate, constants.X_OK);
      if ((await stat(candidate)).isFile()) return candidate;
    } catch {
      // not here; keep looking
    }
  }
  return undefined;
}

function nodeVersionOf(binary: string, ctx: BuiltinContext): Promise<string | undefined> {
  return new Promise((done) => {
    execFile(binary, ["--version"], { env: ctx.env, signal: ctx.signal, timeout: 10_000 }, (err, stdout) =>
      done(err ? undefined : stdout.trim() || undefined),
    );
  });
}

/**
 * The Node binaries later steps could run: the first `node` on the step's PATH (what they would run
 * anyway), then the one running Sluice. The same file reached twice is listed once.
 */
export async function findHostNodes(ctx: BuiltinContext): Promise<NodeCandidate[]> {
  const found: NodeCandidate[] = [];
  const seen = new Set<string>();
  const add = async (binary: string, version: string | undefined): Promise<void> => {
    const real = await realpath(binary).catch(() => binary);
    // A binary that does not print a semver version (a wrapper script, a broken shim) cannot be matched.
    if (version === undefined || semver.valid(version) === null || seen.has(real)) return;
    seen.add(real);
    found.push({ binary, version });
  };
  const onPath = await findOnPath(ctx.env.PATH ?? "");
  if (onPath !== undefined) await add(onPath, await nodeVersionOf(onPath, ctx));
  await add(process.execPath, process.version);
  return found;
}

/** The spec from `node-version`, else from `node-version-file`, else '' (any host Node). */
async function requestedSpec(ctx: BuiltinContext): Promise<string> {
  const version = ctx.input("node-version").trim();
  const file = ctx.input("node-version-file").trim();
  if (version !== "") {
    if (file !== "") logWarning(ctx, "both node-version and node-version-file are set; node-version is used");
    return version;
  }
  if (file === "") return "";
  const fromFile = await readVersionFile(resolveUserPath(ctx, file));
  ctx.log(`Resolved ${file} as ${fromFile}`);
  return fromFile;
}

function checkArchitecture(ctx: BuiltinContext): void {
  const arch = ctx.input("architecture").trim().toLowerCase();
  if (arch === "" || arch === process.arch) return;
  throw createError(
    "SLUICE_E_NODE_VERSION",
    `architecture "${arch}" was requested but the host Node is ${process.arch}; Sluice does not download Node`,
  );
}

/**
 * Writes the .npmrc setup-node writes for `registry-url`, so `npm publish` with NODE_AUTH_TOKEN works
 * the same way. Existing lines for the same scope's registry are replaced; others are kept.
 */
async function configureRegistry(ctx: BuiltinContext, registry: string): Promise<void> {
  const url = registry.endsWith("/") ? registry : `${registry}/`;
  let scope = ctx.input("scope").trim();
  if (scope === "" && url.includes("npm.pkg.github.com")) scope = ctx.env.GITHUB_REPOSITORY_OWNER ?? "";
  const prefix = scope === "" ? "" : `${scope.startsWith("@") ? scope : `@${scope}`}:`.toLowerCase();
  const tempDir = ctx.env.RUNNER_TEMP || join(ctx.stateDir, "tmp", ctx.runId);
  const npmrc = join(tempDir, ".npmrc");
  const existing = await readFile(npmrc, "utf8").catch(() => "");
  const kept = existing
    .split(/\r?\n/)
    .filter((l) => l !== "" && !l.toLowerCase().startsWith(`${prefix}registry`));
  const auth = `${url.replace(/^\w+:/, "")}:_authToken=\${NODE_AUTH_TOKEN}`;
  const alwaysAuth = ctx.input("always-auth").trim() || "false";
  const lines = [...kept, auth, `${prefix}registry=${url}`, `always-auth=${alwaysAuth}`];
  await mkdir(tempDir, { recursive: true });
  await writeFile(npmrc, lines.join("\n") + "\n");
  ctx.exportVariable("NPM_CONFIG_USERCONFIG", npmrc);
  // npm refuses to read an .npmrc whose ${NODE_AUTH_TOKEN} is unset; setup-node exports a placeholder too.
  ctx.exportVariable("NODE_AUTH_TOKEN", ctx.env.NODE_AUTH_TOKEN || "XXXXX-XXXXX-XXXXX-XXXXX");
  ctx.log(`Wrote ${npmrc} for ${prefix || "the default "}registry ${url}`);
}

function logIgnoredInputs(ctx: BuiltinContext): void {
  const manager = ctx.input("cache").trim().toLowerCase();
  if (manager !== "") {
    if (!["npm", "yarn", "pnpm"].includes(manager)) {
      throw createError(
        "SLUICE_E_NODE_VERSION",
        `caching for "${manager}" is not supported (npm, yarn or pnpm)`,
      );
    }
    ctx.log(
      `cache: ${manager} — the host's ${manager} cache is used as it is; nothing is restored or saved.`,
    );
  }
  if (booleanInput(ctx, "check-latest", false, "SLUICE_E_NODE_VERSION")) {
    ctx.log("check-latest ignored: Sluice only uses Node versions already on the host.");
  }
}

async function setupNodeMain(ctx: BuiltinContext): Promise<BuiltinResult> {
  checkArchitecture(ctx);
  logIgnoredInputs(ctx);
  const matcher = parseVersionSpec(await requestedSpec(ctx));
  if (matcher.note) ctx.log(matcher.note);
  const hosts = await findHostNodes(ctx);
  const fitting = hosts.filter((h) => matcher.test(h.version));
  // Highest satisfying version, as setup-node installs the newest match; ties keep PATH order.
  const chosen = fitting.reduce<NodeCandidate | undefined>(
    (best, h) => (best === undefined || semver.gt(h.version, best.version) ? h : best),
    undefined,
  );
  if (chosen === undefined) {
    const available = hosts.map((h) => `${h.version} (${h.binary})`).join(", ") || "none";
    throw createError(
      "SLUICE_E_NODE_VERSION",
      `Node ${matcher.spec} was requested but the host has ${available}; install a matching Node ` +
        "(or put it on PATH) — Sluice does not download Node.",
    );
  }
  ctx.addPath(dirname(chosen.binary));
  ctx.setOutput("node-version", chosen.version);
  ctx.log(`Using Node ${chosen.version} at ${chosen.binary}${matcher.spec ? ` for ${matcher.spec}` : ""}`);

  const registry = ctx.input("registry-url").trim();
  if (registry !== "") await configureRegistry(ctx, registry);
  return { outcome: "success" };
}

/** `actions/setup-node`: selects a host Node satisfying the requested version; never downloads. */
export const setupNodeAction: BuiltinAction = {
  name: "actions/setup-node",
  main: setupNodeMain,
};
