/**
 * The local OSV advisory database: a folder of OSV JSON records (any layout, e.g. the per-ecosystem
 * folders `importOsvArchive` writes), OSV's per-ecosystem `all.zip` exports, or a folder of those
 * zips. Records are indexed by ecosystem and package name; a filter keeps only the packages a scan
 * needs, so the full npm export (hundreds of thousands of records) need not stay in memory.
 */
import { mkdir, readdir, readFile, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import yauzl from "yauzl";
import { createError, isSluiceError, type SluiceError } from "../../core/errors";
import { normalizePypiName } from "../lockfile/common";
import { parseLocatedJson } from "../lockfile/located-json";
import { baseEcosystem, readOsvRecord, type OsvRecord } from "./osv";

/** Advisories by package. */
export interface AdvisoryDatabase {
  /** Where the records came from (a folder, a zip, or "OSV API"). */
  source: string;
  /** Records loaded. */
  size: number;
  /**
   * The ecosystems it has advisories for (`npm`, `PyPI`), counting records a load filter dropped;
   * "all" for the OSV API. A project ecosystem missing here was not checked at all.
   */
  ecosystems: ReadonlySet<string> | "all";
  /** Records whose `affected` names this package (PyPI names compare normalised). Never undefined. */
  lookup(ecosystem: string, name: string): OsvRecord[];
}

export interface LoadOsvOptions {
  /** Keeps only records that affect a package this accepts. */
  filter?: (ecosystem: string, name: string) => boolean;
}

// One record is a few kilobytes; anything this large is not an OSV record.
const MAX_RECORD_BYTES = 32 * 1024 * 1024;

function dbError(
  message: string,
  file: string,
  line?: number,
  column?: number,
  cause?: unknown,
): SluiceError {
  return createError("SLUICE_E_ADVISORY_DB", message, { location: { file, line, column }, cause });
}

/** The index key of a package: PyPI names normalised, as PEP 503 compares them. */
export function packageKey(ecosystem: string, name: string): string {
  const eco = baseEcosystem(ecosystem);
  return `${eco}\u0000${eco === "PyPI" ? normalizePypiName(name) : name}`;
}

/**
 * An in-memory database of records (from a load, an API query, or a test). `ecosystems` defaults to
 * those of the records.
 */
export function createAdvisoryDatabase(
  records: Iterable<OsvRecord>,
  source: string,
  ecosystems?: ReadonlySet<string> | "all",
): AdvisoryDatabase {
  const index = new Map<string, OsvRecord[]>();
  const seen = new Set<string>();
  let size = 0;
  for (const record of records) {
    size++;
    for (const a of record.affected) seen.add(baseEcosystem(a.ecosystem));
    const keys = new Set(record.affected.map((a) => packageKey(a.ecosystem, a.name)));
    for (const key of keys) {
      const list = index.get(key) ?? [];
      list.push(record);
      index.set(key, list);
    }
  }
  return {
    source,
    size,
    ecosystems: ecosystems ?? seen,
    lookup: (ecosystem, name) => index.get(packageKey(ecosystem, name)) ?? [],
  };
}

/** Parses one record's text; a malformed one throws SLUICE_E_ADVISORY_DB located in `where`. */
export function parseOsvText(text: string, where: string): OsvRecord {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    try {
      parseLocatedJson(text, where);
    } catch (err) {
      const loc = isSluiceError(err) ? err.location : undefined;
      throw dbError(`${where}: not valid JSON`, where, loc?.line, loc?.column, err);
    }
  }
  const record = readOsvRecord(value);
  if (typeof record === "string") throw dbError(`${where}: not an OSV record (${record})`, where, 1, 1);
  return record;
}

/** Calls `onText` with the text and a display location of every JSON record under `source`. */
async function eachRecordText(
  source: string,
  onText: (text: string, where: string) => void | Promise<void>,
): Promise<void> {
  let info;
  try {
    info = await stat(source);
  } catch (err) {
    throw dbError(`no OSV advisory database at ${source}`, source, undefined, undefined, err);
  }
  if (info.isDirectory()) {
    const items = await readdir(source, { withFileTypes: true });
    for (const item of items.sort((a, b) => (a.name < b.name ? -1 : 1))) {
      if (item.name.startsWith(".")) continue;
      const child = path.join(source, item.name);
      if (item.isDirectory() || item.name.endsWith(".zip")) await eachRecordText(child, onText);
      else if (item.name.endsWith(".json")) await onText(await readFile(child, "utf8"), child);
    }
  } else if (source.endsWith(".zip")) {
    await eachZipEntry(source, onText);
  } else {
    await onText(await readFile(source, "utf8"), source);
  }
}

async function eachZipEntry(
  zipPath: string,
  onText: (text: string, where: string) => void | Promise<void>,
): Promise<void> {
  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(zipPath, { lazyEntries: true, autoClose: true });
  } catch (err) {
    throw dbError(
      `${zipPath}: not a readable zip archive (${(err as Error).message})`,
      zipPath,
      undefined,
      undefined,
      err,
    );
  }
  try {
    for await (const entry of zip.eachEntry()) {
      if (!entry.fileName.endsWith(".json")) continue;
      const where = `${zipPath}!${entry.fileName}`;
      if (entry.uncompressedSize > MAX_RECORD_BYTES)
        throw dbError(`${where}: entry too large for an OSV record`, where);
      const chunks: Buffer[] = [];
      for await (const chunk of await zip.openReadStreamPromise(entry)) chunks.push(chunk as Buffer);
      await onText(Buffer.concat(chunks).toString("utf8"), where);
    }
  } catch (err) {
    if (isSluiceError(err)) throw err;
    throw dbError(
      `${zipPath}: damaged zip archive (${(err as Error).message})`,
      zipPath,
      undefined,
      undefined,
      err,
    );
  } finally {
    zip.close();
  }
}

/**
 * Loads an OSV database from a folder, a JSON record, an OSV `all.zip`, or a folder of those.
 * Withdrawn records are dropped. Throws SLUICE_E_ADVISORY_DB when the path is missing, a record or
 * archive is malformed (located in it), or no record is found at all.
 */
export async function loadOsvDatabase(
  source: string,
  options: LoadOsvOptions = {},
): Promise<AdvisoryDatabase> {
  const records: OsvRecord[] = [];
  const ecosystems = new Set<string>();
  let seen = 0;
  await eachRecordText(source, (text, where) => {
    const record = parseOsvText(text, where);
    seen++;
    for (const a of record.affected) ecosystems.add(baseEcosystem(a.ecosystem));
    if (record.withdrawn) return;
    if (options.filter && !record.affected.some((a) => options.filter!(baseEcosystem(a.ecosystem), a.name)))
      return;
    records.push(record);
  });
  if (seen === 0) throw dbError(`no OSV records found in ${source}`, source);
  return createAdvisoryDatabase(records, source, ecosystems);
}

/**
 * Copies the records of an OSV `all.zip` (or a folder of records) into `destDir/<ecosystem>/<id>.json`,
 * the layout `sluice db import` maintains. Each record is checked as it is copied (a malformed one
 * stops the import, located); an existing file for the same id is replaced. Returns counts.
 */
export async function importOsvArchive(
  zipOrDir: string,
  destDir: string,
): Promise<{ records: number; ecosystems: Record<string, number> }> {
  const ecosystems: Record<string, number> = {};
  let records = 0;
  await eachRecordText(zipOrDir, async (text, where) => {
    const record = parseOsvText(text, where);
    const ecosystem = baseEcosystem(record.affected[0]?.ecosystem ?? "unknown");
    const folder = path.join(destDir, ecosystem.replace(/[^A-Za-z0-9._-]/g, "_"));
    if (!ecosystems[ecosystem]) await mkdir(folder, { recursive: true });
    ecosystems[ecosystem] = (ecosystems[ecosystem] ?? 0) + 1;
    records++;
    await writeFile(path.join(folder, `${record.id.replace(/[^A-Za-z0-9._-]/g, "_")}.json`), text);
  });
  if (records === 0) throw dbError(`no OSV records found in ${zipOrDir}`, zipOrDir);
  return { records, ecosystems };
}
