/** Reading the few repository files that detection needs (the I/O half of detection). */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { requirementsFiles } from "./detect-python";
import type { RepoSnapshot } from "./types";

// Every file detection may read. Lockfiles are only checked for presence (entries), not read.
const readable = [
  "package.json",
  ".nvmrc",
  ".node-version",
  "pyproject.toml",
  "setup.py",
  "setup.cfg",
  "tox.ini",
  ".python-version",
  ".git/HEAD",
  ".git/refs/remotes/origin/HEAD",
];

/** A snapshot of `root` for `detectProject`. Unreadable files are treated as absent. */
export async function scanRepository(root: string): Promise<RepoSnapshot> {
  const dirents = await readdir(root, { withFileTypes: true });
  const entries = dirents.map((d) => (d.isDirectory() ? `${d.name}/` : d.name));
  const wanted = [...readable, ...requirementsFiles({ entries, files: {} })];
  const files: Record<string, string> = {};
  await Promise.all(
    wanted.map(async (name) => {
      const text = await readFile(join(root, name), "utf8").catch(() => undefined);
      if (text !== undefined) files[name] = text;
    }),
  );
  return { entries, files };
}
