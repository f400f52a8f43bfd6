/**
 * Small filesystem helpers for the built-in stores (cache and artifacts): atomic writes, a lock file,
 * and content digests. Node built-ins only, so the stores need no tar or zip.
 */
import { createHash, randomBytes } from "node:crypto";
import { createReadStream } from "node:fs";
import { mkdir, open, readFile, rename, rm, stat, writeFile } from "node:fs/promises";
import { dirname } from "node:path";

/** True when something exists at `path` (a dangling symlink counts as absent). */
export async function pathExists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}

/** A sibling name unique to this write, so that concurrent writers never share a temp file. */
export function tempSibling(path: string): string {
  return `${path}.tmp-${process.pid}-${randomBytes(4).toString("hex")}`;
}

/**
 * Writes JSON so that readers see the old or the new file, never half of one: write a temp sibling,
 * then rename over (atomic on one filesystem).
 */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  await mkdir(dirname(path), { recursive: true });
  const tmp = tempSibling(path);
  await writeFile(tmp, JSON.stringify(value, null, 2) + "\n");
  try {
    await rename(tmp, path);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}

/** Reads a JSON file, or returns undefined when it does not exist. Malformed JSON throws. */
export async function readJson(path: string): Promise<unknown> {
  let text: string;
  try {
    text = await readFile(path, "utf8");
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === "ENOENT") return undefined;
    throw err;
  }
  return JSON.parse(text) as unknown;
}

export function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** The sha256 of a file's bytes, streamed so large artifacts are not held in memory. */
export async function sha256File(path: string): Promise<string> {
  const hash = createHash("sha256");
  for await (const chunk of createReadStream(path)) hash.update(chunk as Buffer);
  return hash.digest("hex");
}

/** A lock older than this is taken to belong to a crashed process and is broken. */
const STALE_LOCK_MS = 30_000;

/**
 * Runs `fn` holding an exclusive lock file, so that parallel jobs updating one index do not lose each
 * other's writes. The lock is an O_EXCL-created file; waiting polls with a short backoff.
 */
export async function withLock<T>(lockPath: string, fn: () => Promise<T>, signal?: AbortSignal): Promise<T> {
  await mkdir(dirname(lockPath), { recursive: true });
  for (let attempt = 0; ; attempt++) {
    signal?.throwIfAborted();
    try {
      const handle = await open(lockPath, "wx");
      await handle.writeFile(String(process.pid));
      await handle.close();
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
      const age = await stat(lockPath).then(
        (s) => Date.now() - s.mtimeMs,
        () => 0,
      );
      if (age > STALE_LOCK_MS) await rm(lockPath, { force: true });
      else await new Promise((r) => setTimeout(r, Math.min(5 * 2 ** attempt, 100)));
    }
  }
  try {
    return await fn();
  } finally {
    await rm(lockPath, { force: true });
  }
}
