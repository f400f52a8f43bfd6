/** Writing planned files, refusing to overwrite unless forced (the I/O half of `sluice init`). */
import { mkdir, stat, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createError } from "../core/errors";
import type { SluiceError } from "../core/errors";
import type { PlannedFile } from "./types";

/** What happened to one planned file. */
export interface WrittenFile {
  /** Path relative to the repository root, as planned. */
  path: string;
  status: "created" | "overwritten";
}

/**
 * Writes `files` under `root`. Without `force`, nothing is written when any of them exists.
 *
 * @throws SluiceError SLUICE_E_INIT_EXISTS naming every existing file (one problem each).
 */
export async function writePlannedFiles(
  root: string,
  files: PlannedFile[],
  force: boolean,
): Promise<WrittenFile[]> {
  const existing = new Set<string>();
  for (const file of files) {
    if (await exists(join(root, file.path))) existing.add(file.path);
  }
  // All checks come before any write, so a refusal leaves the repository as it was.
  if (existing.size > 0 && !force) throw existsError(root, [...existing]);
  const written: WrittenFile[] = [];
  for (const file of files) {
    const target = join(root, file.path);
    await mkdir(dirname(target), { recursive: true });
    try {
      // "wx" also catches a file created between the check above and this write.
      await writeFile(target, file.content, { flag: force ? "w" : "wx" });
    } catch (err) {
      if (isCode(err, "EEXIST")) throw existsError(root, [file.path]);
      throw err;
    }
    written.push({ path: file.path, status: existing.has(file.path) ? "overwritten" : "created" });
  }
  return written;
}

function existsError(root: string, paths: string[]): SluiceError {
  const list = paths.join(", ");
  return createError(
    "SLUICE_E_INIT_EXISTS",
    `${list} already exist${paths.length === 1 ? "s" : ""}; use --force to overwrite`,
    {
      location: { file: join(root, paths[0] ?? "") },
      problems: paths.map((p) => ({
        code: "SLUICE_E_INIT_EXISTS",
        message: "already exists",
        location: { file: join(root, p) },
      })),
    },
  );
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    (err: unknown) => {
      if (isCode(err, "ENOENT")) return false;
      throw err;
    },
  );
}

function isCode(err: unknown, code: string): boolean {
  return typeof err === "object" && err !== null && "code" in err && err.code === code;
}
