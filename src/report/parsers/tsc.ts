/**
 * TypeScript compiler output, as captured from `tsc --noEmit > tsc.txt` (also `vue-tsc`, `tsc -b`):
 *
 *   src/a.ts(3,7): error TS2322: Type 'string' is not assignable to type 'number'.   (--pretty false)
 *   src/a.ts:3:7 - error TS2322: Type 'string' is not assignable to type 'number'.   (pretty, a TTY)
 *   error TS5023: Unknown compiler option 'foo'.                                      (no file)
 *
 * Indented lines right after a diagnostic elaborate it and are kept in its message; pretty output
 * then shows a code frame after a blank line, which is skipped. Colours are stripped first. Pretty
 * output ends with `Found N errors…`: when exactly one such line is present and the count differs,
 * the file was cut short and parsing fails rather than under-report.
 */
import { createError } from "../../core/errors";
import type { Finding, FindingLevel, ReportParser } from "../types";

const plain = /^(.+?)\((\d+),(\d+)\): (error|warning|message) (TS\d+): ?(.*)$/;
const pretty = /^(.+?):(\d+):(\d+) - (error|warning|message) (TS\d+): ?(.*)$/;
const global = /^(error|warning|message) (TS\d+): ?(.*)$/;
const summary = /^(?:\[[^\]]*\] )?Found (\d+) errors?\b/;
// eslint-disable-next-line no-control-regex -- ANSI colour sequences are control characters
const ansi = /\u001b\[[0-9;]*m/g;

const levels: Record<string, FindingLevel> = { error: "error", warning: "warning", message: "note" };

function diagnostic(line: string): Omit<Finding, "tool" | "category"> | undefined {
  const m = plain.exec(line) ?? pretty.exec(line);
  if (m) {
    const [, file, row, col, level, code, text] = m as unknown as string[];
    return {
      ruleId: code!,
      level: levels[level!]!,
      message: text!,
      file,
      line: Number(row),
      column: Number(col),
    };
  }
  const g = global.exec(line);
  if (g) return { ruleId: g[2]!, level: levels[g[1]!]!, message: g[3]! };
  return undefined;
}

/** Parses tsc's diagnostics; every one is a `types` finding from the tool `tsc`. */
export const tscParser: ReportParser = {
  format: "tsc",
  detect(head, fileName) {
    // A clean type check prints nothing, so an empty file can only be told by its name; text that
    // is not diagnostics is never taken for tsc by name (a crashed tsc must not pass for a clean one).
    if (head.trim() === "") return /(?:^|[\\/])[^\\/]*tsc[^\\/]*\.(?:txt|log|out)$/i.test(fileName);
    return head
      .replace(ansi, "")
      .split(/\r?\n/, 200)
      .some((line) => diagnostic(line) !== undefined);
  },
  parse(content, file) {
    const lines = content.replace(ansi, "").split(/\r?\n/);
    const findings: Finding[] = [];
    const summaries: { count: number; line: number }[] = [];
    let open: Finding | undefined;
    lines.forEach((raw, i) => {
      const line = i === 0 && raw.charCodeAt(0) === 0xfeff ? raw.slice(1) : raw;
      const found = diagnostic(line);
      if (found) {
        open = { tool: "tsc", category: "types", ...found };
        findings.push(open);
        return;
      }
      if (open && /^\s+\S/.test(line)) {
        open.message += "\n" + line.trim();
        return;
      }
      open = undefined;
      const s = summary.exec(line);
      if (s) summaries.push({ count: Number(s[1]), line: i + 1 });
    });
    const errors = findings.filter((f) => f.level === "error").length;
    const only = summaries.length === 1 ? summaries[0] : undefined;
    if (only && only.count !== errors) {
      throw createError(
        "SLUICE_E_REPORT_PARSE",
        `tsc: the output says ${only.count} error(s) but lists ${errors}: it looks truncated or edited`,
        { location: { file, line: only.line, column: 1 } },
      );
    }
    return { format: "tsc", file, findings };
  },
};
