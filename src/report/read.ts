/**
 * Reading reports from disk: the only I/O of src/report. A spec is `path` or `<format>:path`; the
 * path may be a glob (`reports/junit-*.xml`), relative to `cwd`.
 */
import { readFile } from "node:fs/promises";
import { existsSync, realpathSync } from "node:fs";
import path from "node:path";
import { glob, isDynamicPattern } from "tinyglobby";
import { createError } from "../core/errors";
import { isReportFormat, parseReport, reportFormats } from "./registry";
import type { Report, ReportFormat } from "./types";

export interface ReportSpec {
  /** Named by the user; detected from the content when absent. */
  format?: ReportFormat;
  /** A path or glob, relative to the working directory unless absolute. */
  pattern: string;
}

/**
 * Splits `format:path`. A prefix that is not a known format is an error, unless the whole spec is an
 * existing file (a name with a colon in it); one-letter prefixes are Windows drive letters.
 */
export function parseReportSpec(spec: string, cwd: string): ReportSpec {
  const m = /^([a-z][a-z0-9-]+):(.+)$/.exec(spec);
  if (!m) return { pattern: spec };
  const [, name, rest] = m as unknown as [string, string, string];
  if (isReportFormat(name)) return { format: name, pattern: rest };
  if (existsSync(path.resolve(cwd, spec))) return { pattern: spec };
  throw createError(
    "SLUICE_E_REPORT_FORMAT",
    `unknown report format "${name}" in ${spec} (formats: ${reportFormats.join(", ")})`,
    { location: { file: rest } },
  );
}

/**
 * Decodes report bytes: UTF-8, or UTF-16 when a byte-order mark says so (PowerShell's `>` writes
 * UTF-16LE, so `tsc > tsc.txt` on Windows gives one).
 */
export function decodeReport(bytes: Buffer): string {
  if (bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.subarray(2).toString("utf16le");
  if (bytes[0] === 0xfe && bytes[1] === 0xff)
    return Buffer.from(bytes.subarray(2)).swap16().toString("utf16le");
  const text = bytes.toString("utf8");
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

async function readOne(file: string, cwd: string, format: ReportFormat | undefined): Promise<Report> {
  let bytes: Buffer;
  try {
    bytes = await readFile(path.resolve(cwd, file));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT" ? "no such file" : code === "EISDIR" ? "it is a directory" : String(code ?? err);
    throw createError("SLUICE_E_REPORT_PARSE", `cannot read report ${file}: ${why}`, {
      location: { file },
      cause: err,
    });
  }
  return parseReport(decodeReport(bytes), file, format);
}

/** The files a spec's pattern names: itself when it exists or is not a glob, else its matches, sorted. */
async function expand(pattern: string, cwd: string): Promise<string[]> {
  if (!isDynamicPattern(pattern) || existsSync(path.resolve(cwd, pattern))) return [pattern];
  const files = await glob(pattern, { cwd, onlyFiles: true, expandDirectories: false });
  if (files.length === 0) {
    throw createError("SLUICE_E_REPORT_PARSE", `no report file matches ${pattern}`, {
      location: { file: pattern },
    });
  }
  return files.sort();
}

/**
 * Reads one report. A glob must match exactly one file (use readReports for several). Throws
 * SLUICE_E_REPORT_PARSE when the file cannot be read or is malformed, SLUICE_E_REPORT_FORMAT when
 * its format is unknown or cannot be told (the message says to prefix `format:`).
 */
export async function readReport(spec: string, cwd: string): Promise<Report> {
  const { format, pattern } = parseReportSpec(spec, cwd);
  const files = await expand(pattern, cwd);
  if (files.length > 1) {
    throw createError(
      "SLUICE_E_REPORT_PARSE",
      `${pattern} matches ${files.length} files where one report was expected: ${files.slice(0, 5).join(", ")}…`,
      { location: { file: pattern } },
    );
  }
  return readOne(files[0]!, cwd, format);
}

/**
 * Reads every report the specs name, globs expanded, in spec order then path order. A file named by
 * several specs (a glob and its path, `./x` and `x`, a symlink) is read once, identified by its real
 * path; the same file given with two different `format:` prefixes is a usage error.
 */
export async function readReports(specs: readonly string[], cwd: string): Promise<Report[]> {
  const wanted = new Map<string, { file: string; format: ReportFormat | undefined; spec: string }>();
  for (const spec of specs) {
    const { format, pattern } = parseReportSpec(spec, cwd);
    for (const file of await expand(pattern, cwd)) {
      const key = realPath(path.resolve(cwd, file));
      const seen = wanted.get(key);
      if (seen === undefined) {
        wanted.set(key, { file, format, spec });
      } else if (format !== undefined) {
        if (seen.format !== undefined && seen.format !== format) {
          throw createError(
            "SLUICE_E_USAGE",
            `report ${file} is given as both ${seen.format} (${seen.spec}) and ${format} (${spec}): name one format`,
            { location: { file } },
          );
        }
        seen.format = format;
      }
    }
  }
  const reports: Report[] = [];
  for (const { file, format } of wanted.values()) reports.push(await readOne(file, cwd, format));
  return reports;
}

/** The real path of a file (symlinks resolved); the path itself when it cannot be resolved (missing). */
function realPath(abs: string): string {
  try {
    return realpathSync(abs);
  } catch {
    return abs;
  }
}
