/**
 * Finds what `sluice demo` needs on disk: the example service shipped in the package, and Sluice's own
 * node_modules when it can stand in for the example's dependencies.
 */
import { existsSync, readFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import semver from "semver";
import { createError } from "../core/errors";

/** Where the example lives inside the sluice package. */
const EXAMPLE_PATH = ["examples", "service"] as const;

function isExample(dir: string): boolean {
  return existsSync(join(dir, "package.json")) && existsSync(join(dir, ".github", "workflows", "ci.yml"));
}

/**
 * The absolute path of the example service. `from` is the URL of the calling module: in the esbuild bundle
 * that is a file in `<pkg>/dist/`, so `../examples/service` is the answer; under vitest it is a source file
 * deeper in `src/`, so the fallback walks up until a directory holds `examples/service`.
 * Throws SLUICE_E_INTERNAL when neither finds it, which means the package was installed incompletely.
 */
export function locateExample(from: string | URL = import.meta.url): string {
  const bundled = fileURLToPath(new URL(`../${EXAMPLE_PATH.join("/")}`, from));
  if (isExample(bundled)) return bundled;
  const start = dirname(fileURLToPath(from));
  for (let dir = start; ; dir = dirname(dir)) {
    const candidate = join(dir, ...EXAMPLE_PATH);
    if (isExample(candidate)) return candidate;
    if (dirname(dir) === dir) break;
  }
  throw createError(
    "SLUICE_E_INTERNAL",
    `cannot find ${EXAMPLE_PATH.join("/")} next to ${start} or above it; the sluice package looks incomplete`,
  );
}

/** Why shared dependencies can or cannot be used, for the demo's intro. */
export type SharedDependencies =
  { usable: true; nodeModules: string } | { usable: false; nodeModules: string; reason: string };

/**
 * Decides whether the sluice package's node_modules (two levels above the example) can serve as the
 * example's node_modules: it must come from a finished npm install (the workflow's install guard checks
 * `.package-lock.json`, and without it `npm ci` would run against the link) and hold every devDependency
 * of the example in a version its range accepts. A global install of sluice has no devDependencies, so
 * this is normally true only in a development checkout.
 */
export function findSharedDependencies(exampleDir: string): SharedDependencies {
  const nodeModules = resolve(exampleDir, "..", "..", "node_modules");
  if (!existsSync(join(nodeModules, ".package-lock.json"))) {
    return { usable: false, nodeModules, reason: `${nodeModules} is not an npm install` };
  }
  const pkg = JSON.parse(readFileSync(join(exampleDir, "package.json"), "utf8")) as {
    dependencies?: Record<string, string>;
    devDependencies?: Record<string, string>;
  };
  const wanted = { ...pkg.dependencies, ...pkg.devDependencies };
  for (const [name, range] of Object.entries(wanted)) {
    const installed = installedVersion(nodeModules, name);
    if (installed === undefined)
      return { usable: false, nodeModules, reason: `${name} is not installed there` };
    if (!semver.satisfies(installed, range)) {
      return { usable: false, nodeModules, reason: `${name}@${installed} there does not satisfy ${range}` };
    }
  }
  return { usable: true, nodeModules };
}

function installedVersion(nodeModules: string, name: string): string | undefined {
  try {
    const manifest = JSON.parse(readFileSync(join(nodeModules, name, "package.json"), "utf8")) as {
      version?: unknown;
    };
    return typeof manifest.version === "string" ? manifest.version : undefined;
  } catch {
    return undefined;
  }
}
