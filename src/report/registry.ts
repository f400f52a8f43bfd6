/**
 * Every report parser by format, and format detection. Formats are named in `sluice.yml` and on the
 * command line as `<format>:<path>`; an unknown name is an error, never a guess.
 */
import { createError } from "../core/errors";
import { autocannonParser } from "./parsers/autocannon";
import { coberturaParser } from "./parsers/cobertura";
import { eslintParser } from "./parsers/eslint";
import { istanbulFinalParser } from "./parsers/istanbul-final";
import { istanbulSummaryParser } from "./parsers/istanbul-summary";
import { junitParser } from "./parsers/junit";
import { k6Parser } from "./parsers/k6";
import { lcovParser } from "./parsers/lcov";
import { npmAuditParser } from "./parsers/npm-audit";
import { sarifParser } from "./parsers/sarif";
import { tscParser } from "./parsers/tsc";
import type { Report, ReportFormat, ReportParser } from "./types";

/** The parser of each format. */
export const reportParsers: Readonly<Record<ReportFormat, ReportParser>> = {
  junit: junitParser,
  lcov: lcovParser,
  cobertura: coberturaParser,
  "istanbul-summary": istanbulSummaryParser,
  "istanbul-final": istanbulFinalParser,
  sarif: sarifParser,
  eslint: eslintParser,
  tsc: tscParser,
  "npm-audit": npmAuditParser,
  k6: k6Parser,
  autocannon: autocannonParser,
};

/** All format names, in a stable order (for messages and completion). */
export const reportFormats = Object.keys(reportParsers) as ReportFormat[];

/**
 * The order formats are tried in: the most specific markers first (XML roots, SARIF's version,
 * npm's and the load tools' keys) so that the looser ones (a JSON object of coverage entries, a
 * line that looks like a tsc diagnostic) only decide what nothing else claimed.
 */
const detectionOrder: readonly ReportFormat[] = [
  "junit",
  "cobertura",
  "sarif",
  "npm-audit",
  "k6",
  "autocannon",
  "eslint",
  "istanbul-final",
  "istanbul-summary",
  "lcov",
  "tsc",
];

export function isReportFormat(name: string): name is ReportFormat {
  return Object.prototype.hasOwnProperty.call(reportParsers, name);
}

/**
 * Recognises a report from its first few KB. Content decides first; the file name (`lcov.info`,
 * `*.sarif`, `coverage-final.json`…) only when the content matched nothing, e.g. an empty report.
 * Returns null when neither tells.
 */
export function detectFormat(head: string, fileName: string): ReportFormat | null {
  const text = head.charCodeAt(0) === 0xfeff ? head.slice(1) : head;
  for (const format of detectionOrder) if (reportParsers[format].detect(text, "")) return format;
  for (const format of detectionOrder) if (reportParsers[format].detect(text, fileName)) return format;
  return null;
}

/** How much of a file detection looks at. */
export const DETECT_HEAD_CHARS = 64 * 1024;

/**
 * Parses report text: with `format` when given, else the detected one. Throws SLUICE_E_REPORT_FORMAT
 * when the format cannot be told, and the parser's SLUICE_E_REPORT_PARSE when the text is malformed.
 */
export function parseReport(content: string, file: string, format?: ReportFormat): Report {
  const chosen = format ?? detectFormat(content.slice(0, DETECT_HEAD_CHARS), file);
  if (chosen === null) {
    throw createError(
      "SLUICE_E_REPORT_FORMAT",
      `cannot tell what kind of report ${file} is; name its format as <format>:${file} ` +
        `(formats: ${reportFormats.join(", ")})`,
      { location: { file } },
    );
  }
  return reportParsers[chosen].parse(content, file);
}
