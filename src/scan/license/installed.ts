/**
 * Fills in licences the lockfile does not record from the packages as installed: npm lockfiles
 * before v2 and every Python lockfile carry no licence, but `node_modules/<name>/package.json` and
 * `site-packages/<name>-<version>.dist-info/METADATA` do. The I/O edge of licence resolution: the
 * builders and the policy stay pure over the graphs this returns.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
import { comparePep440 } from "../deps/pep440";
import { normalizePypiName } from "../lockfile/common";
import type { DependencyGraph, PackageNode } from "../types";
import { licenseFromPackageJson, licenseFromPythonMetadata } from "./manifest";

export interface InstalledLicenseOptions {
  /**
   * Python `site-packages` directories to read, absolute or relative to the lockfile's directory.
   * Default: the usual virtual environments beside the lockfile (`.venv`, `venv`, `env`).
   */
  sitePackages?: string[];
}

/**
 * Returns copies of `graphs` in which every package without a licence gets the one its installed
 * manifest declares, when the package is installed at the locked version (PyPI: PEP 503 names and
 * PEP 440 versions, so `Django-3.2.dist-info` is django 3.2.0), and `installed` saying whether it
 * was found. Packages that already have a licence are left as they are. Never throws for missing or
 * unreadable files: an absent `node_modules` simply resolves nothing.
 */
export async function resolveInstalledLicenses(
  root: string,
  graphs: DependencyGraph[],
  options: InstalledLicenseOptions = {},
): Promise<DependencyGraph[]> {
  return Promise.all(
    graphs.map(async (graph) => {
      const missing = [...graph.packages.values()].filter((p) => p.license === undefined);
      if (missing.length === 0) return graph;
      const dir = path.dirname(path.resolve(root, graph.lockfile));
      const lookup =
        graph.ecosystem === "npm"
          ? npmLookup(await indexNodeModules(path.join(dir, "node_modules")))
          : pypiLookup(await indexSitePackages(dir, options));
      const packages = new Map<string, PackageNode>();
      for (const [id, pkg] of graph.packages) {
        if (pkg.license !== undefined) {
          packages.set(id, pkg);
          continue;
        }
        const found = lookup(pkg.name, pkg.version);
        packages.set(id, {
          ...pkg,
          installed: found !== undefined,
          ...(found ? { license: found } : {}),
        });
      }
      return { ...graph, packages };
    }),
  );
}

/**
 * The installed licence of name@version: a string, `null` when installed without one, undefined when
 * not installed at that version.
 */
type Lookup = (name: string, version: string) => string | null | undefined;

function npmLookup(index: Map<string, string | null>): Lookup {
  return (name, version) => index.get(`${name}@${version}`);
}

/** Versions compare by PEP 440 (`3.2 == 3.2.0`), or as text when either is not a PEP 440 version. */
function pypiLookup(index: Map<string, { version: string; license: string | null }[]>): Lookup {
  return (name, version) =>
    index
      .get(normalizePypiName(name))
      ?.find((i) => i.version === version || comparePep440(i.version, version) === 0)?.license;
}

/**
 * `name@version` → declared licence for every package under a `node_modules` tree, nested copies
 * included (another version of a package sits in its dependent's own `node_modules`). Symlinks are
 * not followed: they are workspace packages, the project's own code.
 */
async function indexNodeModules(
  dir: string,
  into = new Map<string, string | null>(),
): Promise<Map<string, string | null>> {
  for (const entry of await list(dir)) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    if (entry.name.startsWith("@")) {
      for (const scoped of await list(path.join(dir, entry.name))) {
        if (scoped.isDirectory()) await indexPackage(path.join(dir, entry.name, scoped.name), into);
      }
    } else {
      await indexPackage(path.join(dir, entry.name), into);
    }
  }
  return into;
}

async function indexPackage(dir: string, into: Map<string, string | null>): Promise<void> {
  const manifest = await readJson(path.join(dir, "package.json"));
  if (manifest && typeof manifest.name === "string" && typeof manifest.version === "string") {
    const key = `${manifest.name}@${manifest.version}`;
    // Another copy of the same version may declare what this one does not.
    const license = licenseFromPackageJson(manifest) ?? into.get(key) ?? null;
    into.set(key, license);
  }
  await indexNodeModules(path.join(dir, "node_modules"), into);
}

/** Normalised project name → the installed versions and their licences. */
async function indexSitePackages(
  dir: string,
  options: InstalledLicenseOptions,
): Promise<Map<string, { version: string; license: string | null }[]>> {
  const found = new Map<string, { version: string; license: string | null }[]>();
  const sites = options.sitePackages?.map((s) => path.resolve(dir, s)) ?? (await defaultSitePackages(dir));
  for (const site of sites) {
    for (const entry of await list(site)) {
      const match = /^(.+)-([^-]+)\.dist-info$/.exec(entry.name);
      if (!entry.isDirectory() || !match) continue;
      const metadata = await readText(path.join(site, entry.name, "METADATA"));
      const license = metadata === undefined ? undefined : licenseFromPythonMetadata(metadata);
      const name = normalizePypiName(match[1]!);
      found.set(name, [...(found.get(name) ?? []), { version: match[2]!, license: license ?? null }]);
    }
  }
  return found;
}

/** `<venv>/lib/python3.X/site-packages` (POSIX) and `<venv>/Lib/site-packages` (Windows). */
async function defaultSitePackages(dir: string): Promise<string[]> {
  const sites: string[] = [];
  for (const venv of [".venv", "venv", "env"]) {
    const lib = path.join(dir, venv, "lib");
    for (const entry of await list(lib)) {
      if (entry.isDirectory() && entry.name.startsWith("python"))
        sites.push(path.join(lib, entry.name, "site-packages"));
    }
    sites.push(path.join(dir, venv, "Lib", "site-packages"));
  }
  return sites;
}

async function list(dir: string) {
  try {
    return await readdir(dir, { withFileTypes: true });
  } catch {
    return [];
  }
}

async function readText(file: string): Promise<string | undefined> {
  try {
    return await readFile(file, "utf8");
  } catch {
    return undefined;
  }
}

async function readJson(file: string): Promise<Record<string, unknown> | undefined> {
  const text = await readText(file);
  if (text === undefined) return undefined;
  try {
    const value: unknown = JSON.parse(text);
    return typeof value === "object" && value !== null ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}
