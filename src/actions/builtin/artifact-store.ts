/**
 * The local store behind upload-artifact and download-artifact. An artifact's files live at
 * `<stateDir>/artifacts/<runId>/<name>/`, its metadata at `<stateDir>/artifacts/<runId>/.index/<name>.json`.
 * Metadata is written last, so an artifact is listed only once all its files are in place.
 */
import { randomInt } from "node:crypto";
import { copyFile, cp, mkdir, readdir, rename, rm, stat } from "node:fs/promises";
import { dirname, join } from "node:path";
import { createError } from "../../core/errors";
import { readJson, sha256, sha256File, tempSibling, withLock, writeJsonAtomic } from "./fs-util";

/** What is known about one uploaded artifact. */
export interface ArtifactMeta {
  /** A numeric id, unique enough within a state directory (GitHub's ids are numbers too). */
  id: string;
  name: string;
  runId: string;
  /** sha256 over the sorted `path\0sha256(file)\n` lines of its files (not of a zip, as on GitHub). */
  digest: string;
  size: number;
  files: number;
  created: string;
  /** ISO time after which downloads no longer see the artifact. */
  expires: string;
}

/** A file to upload: where it is, and the `/`-separated path it gets inside the artifact. */
export interface ArtifactFile {
  source: string;
  path: string;
}

const INDEX_DIR = ".index";
// The characters upload-artifact v4 rejects in names; they would also be unsafe as directory names.
const FORBIDDEN_NAME_CHARS = /[":<>|*?\r\n\\/]/;

/** Throws SLUICE_E_ARTIFACT for a name the real action rejects or that would escape the store. */
export function validateArtifactName(name: string): void {
  if (name === "" || name === "." || name === ".." || name === INDEX_DIR || FORBIDDEN_NAME_CHARS.test(name)) {
    throw createError(
      "SLUICE_E_ARTIFACT",
      `artifact name "${name}" is not valid: it must be non-empty and contain none of " : < > | * ? \\ / or newlines`,
    );
  }
}

/** Artifacts of one run in one state directory. */
export class ArtifactStore {
  readonly runDir: string;

  constructor(
    stateDir: string,
    readonly runId: string,
  ) {
    this.runDir = join(stateDir, "artifacts", runId);
  }

  /** The directory holding an artifact's files. */
  filesDir(name: string): string {
    return join(this.runDir, name);
  }

  private metaPath(name: string): string {
    return join(this.runDir, INDEX_DIR, `${name}.json`);
  }

  /** The artifact's metadata, or undefined when none of that name was uploaded in this run. */
  async get(name: string): Promise<ArtifactMeta | undefined> {
    return (await readJson(this.metaPath(name))) as ArtifactMeta | undefined;
  }

  /** Every artifact of the run, sorted by name. */
  async list(): Promise<ArtifactMeta[]> {
    const names = await readdir(join(this.runDir, INDEX_DIR)).catch(() => [] as string[]);
    const metas = await Promise.all(
      names.filter((n) => n.endsWith(".json")).map((n) => this.get(n.slice(0, -".json".length))),
    );
    return metas
      .filter((m): m is ArtifactMeta => m !== undefined)
      .sort((a, b) => a.name.localeCompare(b.name));
  }

  /**
   * Stores `files` as artifact `name`. Fails with SLUICE_E_ARTIFACT when the name exists in this run
   * and `overwrite` is false (artifacts are immutable in v4); with `overwrite` the old one is replaced.
   */
  async put(
    name: string,
    files: ArtifactFile[],
    options: { overwrite: boolean; retentionDays: number; now: Date; signal?: AbortSignal },
  ): Promise<ArtifactMeta> {
    validateArtifactName(name);
    const dir = this.filesDir(name);
    const tmp = tempSibling(join(this.runDir, ".upload"));
    try {
      const lines: string[] = [];
      let size = 0;
      for (const file of [...files].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
        options.signal?.throwIfAborted();
        const target = join(tmp, ...file.path.split("/"));
        await mkdir(dirname(target), { recursive: true });
        // copyFile follows symlinks: an artifact holds the content, as the real zip does.
        await copyFile(file.source, target);
        size += (await stat(target)).size;
        lines.push(`${file.path}\0${await sha256File(target)}\n`);
      }
      const meta: ArtifactMeta = {
        id: String(randomInt(1, 2 ** 47)),
        name,
        runId: this.runId,
        digest: sha256(lines.join("")),
        size,
        files: files.length,
        created: options.now.toISOString(),
        expires: new Date(options.now.getTime() + options.retentionDays * 86_400_000).toISOString(),
      };
      await withLock(join(this.runDir, INDEX_DIR, ".lock"), async () => {
        if ((await this.get(name)) !== undefined) {
          if (!options.overwrite) {
            throw createError(
              "SLUICE_E_ARTIFACT",
              `an artifact named "${name}" already exists in run ${this.runId}; artifacts are immutable ` +
                "(set overwrite: true to replace it, or give each upload its own name)",
            );
          }
          await rm(this.metaPath(name), { force: true });
        }
        await rm(dir, { recursive: true, force: true });
        await rename(tmp, dir);
        await writeJsonAtomic(this.metaPath(name), meta);
      });
      return meta;
    } finally {
      await rm(tmp, { recursive: true, force: true });
    }
  }

  /** Copies an artifact's files into `dest`, creating it and overwriting files that exist. */
  async copyOut(name: string, dest: string): Promise<void> {
    await mkdir(dest, { recursive: true });
    await cp(this.filesDir(name), dest, { recursive: true, force: true });
  }
}
