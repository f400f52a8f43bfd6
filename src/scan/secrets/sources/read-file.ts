/**
 * Reading one file for scanning: skip what is not a regular file, larger than the limit, or binary
 * (a NUL byte in the first 8000 bytes, git's own test), and scan the rest. Synchronous on purpose:
 * reading ahead asynchronously (libuv's pool copying the next files while one is scanned) was tried
 * and cost ~50 % more CPU for no gain in wall time on the benchmark tree (page-cached files).
 */
import { isAscii } from "node:buffer";
import { closeSync, constants, fstatSync, openSync, readSync, statSync } from "node:fs";
import type { ScanFinding } from "../../types";
import type { Detector } from "../engine/compile";
import { detectSecrets } from "../engine/detect";
import { toFindings } from "../engine/findings";
import { isPathAllowed } from "../engine/allowlist";
import type { KeywordHits } from "../engine/keyword-matcher";

/** Counters of one scan; workers return theirs and the caller adds them up. */
export interface FileStats {
  files: number;
  bytes: number;
  skippedBinary: number;
  skippedLarge: number;
  skippedAllowlisted: number;
  /** Symbolic links are not followed (as gitleaks by default): the target is scanned where it lives. */
  skippedSymlinks: number;
  unreadable: number;
  /** The largest file skipped as over the size limit, for the note that names it. */
  largest?: { file: string; bytes: number };
}

/** Zeroed counters. */
export function emptyStats(): FileStats {
  return {
    files: 0,
    bytes: 0,
    skippedBinary: 0,
    skippedLarge: 0,
    skippedAllowlisted: 0,
    skippedSymlinks: 0,
    unreadable: 0,
  };
}

/** Add `more` into `into`. */
export function addStats(into: FileStats, more: FileStats): void {
  for (const k of Object.keys(into) as (keyof FileStats)[]) if (k !== "largest") into[k] += more[k];
  noteLarge(into, more.largest);
}

/** Keep `file` as the largest skipped file when it is larger than the one kept so far. */
export function noteLarge(stats: FileStats, file: FileStats["largest"]): void {
  if (file && !(stats.largest && stats.largest.bytes >= file.bytes)) stats.largest = file;
}

/** What reading a file gave: its bytes, or why it is skipped. */
export type ReadOutcome = Buffer | "binary" | "large" | "symlink" | "unreadable";

const BINARY_PROBE = 8000;

/**
 * What the first read of a file asks for (at most): nearly every source file fits, so a file costs
 * open, one read, the read that finds its end, and close.
 */
const FIRST_READ = 1 << 20;

/**
 * One read buffer per thread, grown as needed: allocating a Buffer per file made garbage collection
 * a sixth of a tree scan's time.
 */
let scratch = Buffer.allocUnsafe(FIRST_READ);

/**
 * Never follow a symbolic link (it may point out of the tree, as gitleaks does not follow them
 * either), and never block opening a FIFO: reading then shows it is no regular file.
 */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** The shared scratch buffer, grown to at least `size` bytes. */
function scratchOf(size: number): Buffer {
  if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2));
  return scratch;
}

/**
 * The file's bytes, or why it is skipped. The returned Buffer is a view of a buffer from `bufferOf`
 * (at least the size asked for; default: a shared scratch buffer): it is valid until the next call.
 *
 * Reads until a read returns nothing, without asking fstat for the size first: fstat (and the Stats
 * object Node builds from it) was a tenth of the cost of reading a small file. fstat is asked only
 * when the buffer fills up (a large file: its size, or that it is a device that never ends) and
 * when the file reads as empty (an empty file, or a FIFO opened without a writer).
 */
export function readBytes(
  absPath: string,
  maxBytes: number,
  bufferOf: (size: number) => Buffer = scratchOf,
): ReadOutcome {
  let fd: number;
  try {
    fd = openSync(absPath, OPEN_FLAGS);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ELOOP" ? "symlink" : "unreadable";
  }
  try {
    // One byte more than the limit tells a file over it.
    const limit = maxBytes + 1;
    let buffer = bufferOf(Math.min(limit, FIRST_READ));
    let read = 0;
    for (;;) {
      const room = Math.min(buffer.length, limit) - read;
      if (room === 0) {
        const st = fstatSync(fd);
        if (!st.isFile()) return "unreadable";
        if (read === limit || st.size > maxBytes) return "large";
        // Read again from the start into a buffer that fits: growing may have moved the bytes.
        buffer = bufferOf(Math.min(limit, Math.max(st.size + 1, 2 * buffer.length)));
        read = 0;
        continue;
      }
      const n = readSync(fd, buffer, read, room, read);
      if (n === 0) break;
      read += n;
    }
    if (read === 0 && !fstatSync(fd).isFile()) return "unreadable";
    const data = buffer.subarray(0, read);
    if (isBinary(data)) return "binary";
    return data;
  } catch {
    return "unreadable";
  } finally {
    closeSync(fd);
  }
}

/**
 * Scan one file of the working tree, adding its findings to `out` (an output array rather than a
 * returned one: files without findings, nearly all of them, then allocate nothing, and the loops
 * that call this see one array shape). `rel` is relative to `root` and `/`-separated.
 */
export function scanFile(
  d: Detector,
  root: string,
  rel: string,
  maxBytes: number,
  stats: FileStats,
  out: ScanFinding[],
): void {
  if (isPathAllowed(d.global, rel)) {
    stats.skippedAllowlisted++;
    return;
  }
  // Read straight into the keyword automaton's memory: the byte scan then copies nothing.
  const bytes = readBytes(`${root}/${rel}`, maxBytes, d.readBuffer);
  if (bytes === "binary") stats.skippedBinary++;
  else if (bytes === "large") {
    stats.skippedLarge++;
    noteLarge(stats, { file: rel, bytes: sizeOf(`${root}/${rel}`) });
  } else if (bytes === "symlink") stats.skippedSymlinks++;
  else if (bytes === "unreadable") stats.unreadable++;
  else {
    stats.files++;
    stats.bytes += bytes.length;
    scanBytes(d, bytes, rel, out);
  }
}

/** A skipped file's size (only those over the limit are asked: readBytes stops at the limit). */
function sizeOf(absPath: string): number {
  try {
    return statSync(absPath).size;
  } catch {
    return 0;
  }
}

/** NUL in the first 8000 bytes: binary, as git decides. */
function isBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, BINARY_PROBE).includes(0);
}

/** Scan one file's bytes into `out`; pure-ASCII files (most source) take the byte-level keyword pass. */
export function scanBytes(d: Detector, bytes: Buffer, rel: string, out: ScanFinding[]): void {
  let text: string;
  let hits: KeywordHits | undefined;
  if (isAscii(bytes)) {
    hits = d.matcher.scanBytes(bytes);
    // No keyword and no keyword-less rule: nothing can match, so the file is never decoded.
    if (hits.size === 0 && d.alwaysRun.length === 0) return;
    text = bytes.toString("latin1");
  } else {
    // Valid UTF-8 is scanned where it was read; anything else as the string it decodes to.
    hits = d.matcher.scanUtf8(bytes);
    if (hits?.size === 0 && d.alwaysRun.length === 0) return;
    text = bytes.toString("utf8");
  }
  const result = detectSecrets(d, text, rel, undefined, hits);
  if (result.detections.length === 0) return;
  for (const f of toFindings(d, text, result, { file: rel })) out.push(f);
}
