/**
 * Fills in licences the lockfile does not record from the packages as installed: npm lockfiles
 * before v2 and every Python lockfile carry no licence, but `node_modules/<name>/package.json` and
 * `site-packages/<name>-<version>.dist-info/METADATA` do. The I/O edge of licence resolution: the
 * builders and the policy stay pure over the graphs this returns.
 */
import { readdir, readFile } from "node:fs/promises";
import path from "node:path";
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
 * manifest declares, when the package is installed at the locked version. Packages that already
 * have a licence, or are not installed, are left as they are. Never throws for missing or unreadable
 * files: an absent `node_modules` simply resolves nothing.
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
      const found =
        graph.ecosystem === "npm"
          ? await indexNodeModules(path.join(dir, "node_modules"))
          : await indexSitePackages(dir, options);
      const packages = new Map<string, PackageNode>();
      for (const [id, pkg] of graph.packages) {
        const license = pkg.license ?? found.get(installKey(graph.ecosystem, pkg.name, pkg.version));
        packages.set(id, license === pkg.license ? pkg : { ...pkg, license });
      }
      return { ...graph, packages };
    }),
  );
}

function installKey(ecosystem: PackageNode["ecosystem"], name: string, version: string): string {
  return ecosystem === "PyPI" ? `${pep503(name)}==${version}` : `${name}@${version}`;
}

/** PEP 503 name normalisation: `Foo.Bar_baz` and `foo-bar-baz` are one project. */
function pep503(name: string): string {
  return name.toLowerCase().replace(/[-_.]+/g, "-");
}

/**
 * `name@version` → declared licence for every package under a `node_modules` tree, nested copies
 * included (another version of a package sits in its dependent's own `node_modules`). Symlinks are
 * not followed: they are workspace packages, the project's own code.
 */
async function indexNodeModules(dir: string, into = new Map<string, string>()): Promise<Map<string, string>> {
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

async function indexPackage(dir: string, into: Map<string, string>): Promise<void> {
  const manifest = await readJson(path.join(dir, "package.json"));
  if (manifest && typeof manifest.name === "string" && typeof manifest.version === "string") {
    const license = licenseFromPackageJson(manifest);
    if (license !== undefined) into.set(`${manifest.name}@${manifest.version}`, license);
  }
  await indexNodeModules(path.join(dir, "node_modules"), into);
}

async function indexSitePackages(
  dir: string,
  options: InstalledLicenseOptions,
): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  const sites = options.sitePackages?.map((s) => path.resolve(dir, s)) ?? (await defaultSitePackages(dir));
  for (const site of sites) {
    for (const entry of await list(site)) {
      const match = /^(.+)-([^-]+)\.dist-info$/.exec(entry.name);
      if (!entry.isDirectory() || !match) continue;
      const metadata = await readText(path.join(site, entry.name, "METADATA"));
      const license = metadata === undefined ? undefined : licenseFromPythonMetadata(metadata);
      if (license !== undefined) found.set(`${pep503(match[1]!)}==${match[2]!}`, license);
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
