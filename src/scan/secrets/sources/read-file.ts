/**
 * Reading one file for scanning: skip what is not a regular file, larger than the limit, or binary
 * (a NUL byte in the first 8000 bytes, git's own test), and scan the rest. Synchronous on purpose:
 * reading ahead asynchronously (libuv's pool copying the next files while one is scanned) was tried
 * and cost ~50 % more CPU for no gain in wall time on the benchmark tree (page-cached files).
 */
import { isAscii } from "node:buffer";
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";
import type { ScanFinding } from "../../types";
import type { Detector } from "../engine/compile";
import { detectSecrets } from "../engine/detect";
import { toFindings } from "../engine/findings";
import { isPathAllowed } from "../engine/allowlist";

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
  for (const k of Object.keys(into) as (keyof FileStats)[]) into[k] += more[k];
}

const BINARY_PROBE = 8000;

/**
 * One read buffer per thread, grown as needed: allocating a Buffer per file made garbage collection
 * a sixth of a tree scan's time.
 */
let scratch = Buffer.allocUnsafe(1 << 20);

/**
 * Never follow a symbolic link (it may point out of the tree, as gitleaks does not follow them
 * either), and never block opening a FIFO: fstat then shows it is no regular file.
 */
const OPEN_FLAGS = constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK;

/** The shared scratch buffer, grown to at least `size` bytes. */
function scratchOf(size: number): Buffer {
  if (scratch.length < size) scratch = Buffer.allocUnsafe(Math.max(size, scratch.length * 2));
  return scratch;
}

/**
 * The file's bytes, or why it is skipped. The returned Buffer is a view of a buffer from `bufferOf`
 * (default: a shared scratch buffer): it is valid until the next call.
 */
export function readBytes(
  absPath: string,
  maxBytes: number,
  bufferOf: (size: number) => Buffer = scratchOf,
): Buffer | "binary" | "large" | "symlink" | "unreadable" {
  let fd: number;
  try {
    fd = openSync(absPath, OPEN_FLAGS);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "ELOOP" ? "symlink" : "unreadable";
  }
  try {
    const st = fstatSync(fd);
    if (!st.isFile()) return "unreadable";
    if (st.size > maxBytes) return "large";
    const buffer = bufferOf(st.size);
    let read = 0;
    while (read < st.size) {
      const n = readSync(fd, buffer, read, st.size - read, read);
      if (n === 0) break;
      read += n;
    }
    const data = buffer.subarray(0, read);
    if (isBinary(data)) return "binary";
    return data;
  } catch {
    return "unreadable";
  } finally {
    closeSync(fd);
  }
}

/** Scan one file of the working tree. `rel` is relative to `root` and `/`-separated. */
export function scanFile(
  d: Detector,
  root: string,
  rel: string,
  maxBytes: number,
  stats: FileStats,
): ScanFinding[] {
  if (isPathAllowed(d.global, rel)) {
    stats.skippedAllowlisted++;
    return [];
  }
  // Read straight into the keyword automaton's memory: the byte scan then copies nothing.
  return scanOutcome(d, rel, readBytes(`${root}/${rel}`, maxBytes, d.readBuffer), stats);
}

/** What reading a file gave: its bytes, or why it is skipped. */
export type ReadOutcome = Buffer | "binary" | "large" | "symlink" | "unreadable";

/** Count a read's outcome and scan the bytes, if any. */
function scanOutcome(d: Detector, rel: string, bytes: ReadOutcome, stats: FileStats): ScanFinding[] {
  if (bytes === "binary") stats.skippedBinary++;
  else if (bytes === "large") stats.skippedLarge++;
  else if (bytes === "symlink") stats.skippedSymlinks++;
  else if (bytes === "unreadable") stats.unreadable++;
  else {
    stats.files++;
    stats.bytes += bytes.length;
    return scanBytes(d, bytes, rel);
  }
  return [];
}

/** NUL in the first 8000 bytes: binary, as git decides. */
function isBinary(bytes: Buffer): boolean {
  return bytes.subarray(0, BINARY_PROBE).includes(0);
}

/** Scan one file's bytes; pure-ASCII files (most source) take the byte-level keyword pass. */
export function scanBytes(d: Detector, bytes: Buffer, rel: string): ScanFinding[] {
  let text: string;
  let hits;
  if (isAscii(bytes)) {
    hits = d.matcher.scanBytes(bytes);
    // No keyword and no keyword-less rule: nothing can match, so the file is never decoded.
    if (hits.size === 0 && d.alwaysRun.length === 0) return [];
    text = bytes.toString("latin1");
  } else {
    text = bytes.toString("utf8");
  }
  const result = detectSecrets(d, text, rel, undefined, hits);
  return result.detections.length === 0 ? [] : toFindings(d, text, result, { file: rel });
}
