/** Notes of a secrets scan: what it did not cover, said where people look (table, summary, SARIF). */
import type { FileStats } from "./sources/read-file";

/**
 * Files (history: added texts of a commit) skipped as larger than the limit: how many, the largest,
 * and how to raise the limit. A secret in a skipped file is not found, so this must not be silent.
 */
export function largeFilesNote(stats: FileStats, limit: number, history: boolean): string | undefined {
  if (stats.skippedLarge === 0) return undefined;
  const what = history ? "added text(s)" : "file(s)";
  const largest = stats.largest
    ? ` (the largest: ${stats.largest.file}, ${formatBytes(stats.largest.bytes)})`
    : "";
  return (
    `${stats.skippedLarge} ${what} over ${formatBytes(limit)} not scanned for secrets${largest}; ` +
    `raise the limit with scan.secrets.maxFileSize in sluice.yml or --max-file-size`
  );
}

/** `10 MiB`, `48.2 MiB`, `512 KiB`, `900 B`. */
export function formatBytes(n: number): string {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  const text = i === 0 || Number.isInteger(v) ? String(v) : v.toFixed(1).replace(/\.0$/, "");
  return `${text} ${units[i]}`;
}
