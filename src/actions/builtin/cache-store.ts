/**
 * The local store behind actions/cache: `<stateDir>/cache/index.json` maps entries to copies of the
 * cached paths under `<stateDir>/cache/entries/<id>/`. Copies (fs.cp) stand in for the real action's
 * tar archive; paths inside the workspace are stored relative to it (`ws/`), others by absolute path
 * (`abs/`), so a restore puts every file back where the save found it.
 */
import { cp, mkdir, readdir, rename, rm } from "node:fs/promises";
import { join, parse, relative, resolve, sep, isAbsolute } from "node:path";
import { pathExists, readJson, sha256, tempSibling, withLock, writeJsonAtomic } from "./fs-util";

/** One saved cache entry. Entries are immutable: a key and version is saved once. */
export interface CacheEntry {
  key: string;
  /** Hash of the `path` input: a restore only matches an entry saved for the same paths, as on GitHub. */
  version: string;
  /** ISO time of the save; restore-keys prefer the newest match. */
  created: string;
  /** Directory name under `entries/`. */
  id: string;
  /** The absolute paths that were saved. */
  paths: string[];
}

interface CacheIndex {
  format: 1;
  entries: Record<string, CacheEntry>;
}

/** The cache version of a `path` input: GitHub hashes the patterns as written (plus the archive format). */
export function cacheVersion(pathLines: string[]): string {
  return sha256([...pathLines, "sluice-copy-1"].join("|"));
}

function entryId(key: string, version: string): string {
  return sha256(`${version}\0${key}`);
}

/** The cache store in one state directory. Safe for parallel jobs: index updates hold a lock. */
export class CacheStore {
  readonly root: string;

  constructor(stateDir: string) {
    this.root = join(stateDir, "cache");
  }

  private get indexPath(): string {
    return join(this.root, "index.json");
  }

  private async readIndex(): Promise<CacheIndex> {
    const raw = (await readJson(this.indexPath)) as CacheIndex | undefined;
    return raw?.format === 1 && typeof raw.entries === "object" ? raw : { format: 1, entries: {} };
  }

  /**
   * The entry a restore uses, in GitHub's order: for the primary key and then each restore key, an
   * exact match, else the newest entry whose key starts with it. Only entries of `version` count.
   */
  async find(keys: string[], version: string): Promise<CacheEntry | undefined> {
    const entries = Object.values((await this.readIndex()).entries)
      .filter((e) => e.version === version)
      .sort((a, b) => b.created.localeCompare(a.created));
    for (const key of keys) {
      const hit = entries.find((e) => e.key === key) ?? entries.find((e) => e.key.startsWith(key));
      if (hit) return hit;
    }
    return undefined;
  }

  /** True when an entry for exactly this key and version exists. */
  async has(key: string, version: string): Promise<boolean> {
    return (await this.readIndex()).entries[entryId(key, version)] !== undefined;
  }

  /**
   * Copies `paths` into a new entry. Returns false, saving nothing, when the key and version already
   * exist (another job may have saved it first). The entry appears in the index only once complete.
   */
  async save(key: string, version: string, paths: string[], workspace: string, now: Date): Promise<boolean> {
    const id = entryId(key, version);
    if (await this.has(key, version)) return false;
    const dir = join(this.root, "entries", id);
    const tmp = tempSibling(dir);
    await mkdir(tmp, { recursive: true });
    try {
      for (const p of paths) {
        await cp(p, join(tmp, storedPath(p, workspace)), {
          recursive: true,
          verbatimSymlinks: true,
          preserveTimestamps: true,
        });
      }
      if (!(await this.moveIntoPlace(tmp, dir, key, version))) return false;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
    const entry: CacheEntry = { key, version, created: now.toISOString(), id, paths };
    await withLock(join(this.root, "index.lock"), async () => {
      const index = await this.readIndex();
      index.entries[id] ??= entry;
      await writeJsonAtomic(this.indexPath, index);
    });
    return true;
  }

  /** Renames the finished copy into place; a leftover directory of a crashed save is replaced. */
  private async moveIntoPlace(tmp: string, dir: string, key: string, version: string): Promise<boolean> {
    try {
      await rename(tmp, dir);
      return true;
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code !== "ENOTEMPTY" && code !== "EEXIST") throw err;
    }
    if (await this.has(key, version)) return false;
    await rm(dir, { recursive: true, force: true });
    await rename(tmp, dir);
    return true;
  }

  /** Copies an entry's files back to where they were saved from, overwriting files that exist. */
  async restore(entry: CacheEntry, workspace: string): Promise<void> {
    const dir = join(this.root, "entries", entry.id);
    const options = {
      recursive: true,
      force: true,
      verbatimSymlinks: true,
      preserveTimestamps: true,
    } as const;
    if (await pathExists(join(dir, "ws"))) await cp(join(dir, "ws"), workspace, options);
    const absDir = join(dir, "abs");
    if (!(await pathExists(absDir))) return;
    for (const top of await readdir(absDir)) {
      await cp(join(absDir, top), absoluteFromStored(top), options);
    }
  }
}

/** Where a saved path lives inside an entry: `ws/<relative>` in the workspace, `abs/<path>` outside it. */
export function storedPath(path: string, workspace: string): string {
  const rel = relative(resolve(workspace), path);
  if (rel !== "" && !rel.startsWith("..") && !isAbsolute(rel)) return join("ws", rel);
  if (rel === "") return "ws";
  const { root } = parse(path);
  // On Windows the drive letter becomes the first segment; on POSIX the root is just dropped.
  const drive = root.replace(/[:\\/]/g, "");
  return join("abs", drive, path.slice(root.length));
}

/** The absolute path of a top-level name under `abs/` (a drive on Windows, a root directory elsewhere). */
function absoluteFromStored(top: string): string {
  return process.platform === "win32" ? `${top}:${sep}` : `${sep}${top}`;
}
