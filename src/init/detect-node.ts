/** Detecting a Node project from package.json, its lockfile and version files. Pure. */
import semver from "semver";
import type { NodeProject, NodeScript, PackageManager, RepoSnapshot } from "./types";

/** Node version used when nothing in the repository names one. */
export const DEFAULT_NODE_VERSION = "20";

const lockfiles: ReadonlyArray<[file: string, manager: PackageManager]> = [
  ["pnpm-lock.yaml", "pnpm"],
  ["yarn.lock", "yarn"],
  ["package-lock.json", "npm"],
  ["npm-shrinkwrap.json", "npm"],
];

// What `npm init` writes; a job running it would fail on every push.
const npmPlaceholderTest = /no test specified/;

/** The Node project described by `snapshot`; call only when package.json exists. */
export function detectNode(snapshot: RepoSnapshot, defaultBranch: string): NodeProject {
  const warnings: string[] = [];
  const pkg = readPackageJson(snapshot.files["package.json"] ?? "", warnings);
  const { manager, lockfile } = packageManagerOf(snapshot, pkg, warnings);
  return {
    kind: "node",
    defaultBranch,
    warnings,
    packageManager: manager,
    installCommand: installCommand(manager, lockfile, isYarnBerry(snapshot, pkg)),
    nodeVersion: nodeVersionOf(snapshot, pkg, warnings),
    scripts: scriptsOf(pkg),
    lockfile,
  };
}

interface PackageJson {
  scripts?: Record<string, unknown>;
  engines?: { node?: unknown };
  packageManager?: unknown;
}

function readPackageJson(text: string, warnings: string[]): PackageJson {
  try {
    const parsed: unknown = JSON.parse(text);
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as PackageJson;
  } catch {
    // Reported below: init still writes a workflow, only without the scripts.
  }
  warnings.push("package.json is not a valid JSON object; the workflow only installs dependencies");
  return {};
}

function packageManagerOf(
  snapshot: RepoSnapshot,
  pkg: PackageJson,
  warnings: string[],
): { manager: PackageManager; lockfile: boolean } {
  const declared = declaredManager(pkg);
  const found = lockfiles.filter(([file]) => snapshot.entries.includes(file));
  const managers = [...new Set(found.map(([, manager]) => manager))];
  if (managers.length > 1) {
    const chosen = declared && managers.includes(declared) ? declared : (managers[0] ?? "npm");
    warnings.push(`several lockfiles found (${found.map(([f]) => f).join(", ")}); using ${chosen}`);
    return { manager: chosen, lockfile: true };
  }
  if (managers[0]) return { manager: managers[0], lockfile: true };
  const manager = declared ?? "npm";
  warnings.push(
    `no lockfile found: CI installs with \`${manager} install\`; commit a lockfile for reproducible builds`,
  );
  return { manager, lockfile: false };
}

function declaredManager(pkg: PackageJson): PackageManager | undefined {
  const name = typeof pkg.packageManager === "string" ? pkg.packageManager.split("@")[0] : undefined;
  return name === "npm" || name === "yarn" || name === "pnpm" ? name : undefined;
}

// Yarn 2+ renamed --frozen-lockfile to --immutable; .yarnrc.yml exists only for those versions.
function isYarnBerry(snapshot: RepoSnapshot, pkg: PackageJson): boolean {
  if (snapshot.entries.includes(".yarnrc.yml")) return true;
  const version =
    typeof pkg.packageManager === "string" ? /^yarn@(\d+)/.exec(pkg.packageManager)?.[1] : undefined;
  return version !== undefined && Number(version) >= 2;
}

function installCommand(manager: PackageManager, lockfile: boolean, berry: boolean): string {
  if (!lockfile) return `${manager} install`;
  if (manager === "npm") return "npm ci";
  if (manager === "yarn") return berry ? "yarn install --immutable" : "yarn install --frozen-lockfile";
  return "pnpm install --frozen-lockfile";
}

function nodeVersionOf(snapshot: RepoSnapshot, pkg: PackageJson, warnings: string[]): string {
  const range = typeof pkg.engines?.node === "string" ? pkg.engines.node.trim() : undefined;
  if (range !== undefined) {
    // The range as written, not one version picked from it: setup-node accepts ranges, and a host
    // running `sluice run` then passes with any Node the package supports.
    if (semver.validRange(range) !== null && range !== "" && range !== "*") return range;
    warnings.push(`engines.node "${range}" is not a usable version range; ignored`);
  }
  for (const file of [".nvmrc", ".node-version"]) {
    const text = snapshot.files[file];
    if (text === undefined) continue;
    const line =
      text
        .split(/\r?\n/)
        .find((l) => l.trim() !== "" && !l.trim().startsWith("#"))
        ?.trim() ?? "";
    const version = /^v?(\d+(?:\.\d+){0,2})$/.exec(line)?.[1];
    if (version) return version;
    // Aliases that setup-node (GitHub's and Sluice's) resolves without an exact number.
    if (/^lts\/([a-z]+|\*)$/i.test(line)) return line;
    warnings.push(`${file} names "${line}", which is not a Node version; ignored`);
  }
  return DEFAULT_NODE_VERSION;
}

function scriptsOf(pkg: PackageJson): NodeScript[] {
  const scripts = typeof pkg.scripts === "object" && pkg.scripts !== null ? pkg.scripts : {};
  const wanted: NodeScript[] = ["lint", "test", "build"];
  return wanted.filter((name) => {
    const command = scripts[name];
    return (
      typeof command === "string" &&
      command.trim() !== "" &&
      !(name === "test" && npmPlaceholderTest.test(command))
    );
  });
}
