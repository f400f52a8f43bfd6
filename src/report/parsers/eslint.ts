/**
 * ESLint's `json` formatter (`eslint -f json`, ESLint 8 and 9): an array with one entry per linted
 * file, `{ filePath, messages: [{ ruleId, severity, message, line, column, fatal? }], errorCount,
 * warningCount, … }`. Severity 2 is an error and 1 a warning; a fatal message (the file could not be
 * parsed) has no rule and always counts as an error, since nothing else in that file was checked.
 */
import { JsonInput } from "./json-input";
import type { Finding, ReportParser } from "../types";

/** Rule id given to fatal parse errors, which ESLint reports with `ruleId: null`. */
export const ESLINT_PARSE_ERROR_RULE = "parse-error";

/** Parses ESLint JSON output; suppressed messages (eslint-disable) are not findings. */
export const eslintParser: ReportParser = {
  format: "eslint",
  detect(head, fileName) {
    // ESLint run on no files writes `[]`: only the name can tell that apart.
    if (/^\s*\[\s*\]\s*$/.test(head)) return /(?:^|[\\/])[^\\/]*eslint[^\\/]*\.json$/i.test(fileName);
    return /^\s*\[\s*\{\s*"filePath"\s*:/.test(head) && /"messages"\s*:/.test(head);
  },
  parse(content, file) {
    const input: JsonInput = new JsonInput(content, file, "eslint");
    const entries = input.array(input.root, []);
    const findings: Finding[] = [];
    entries.forEach((value, i) => {
      const entry = input.object(value, [i]);
      const filePath = input.string(entry.filePath, [i, "filePath"]);
      const messages = input.array(entry.messages, [i, "messages"]);
      messages.forEach((m, j) => {
        const at = [i, "messages", j];
        const message = input.object(m, at);
        const severity = input.number(message.severity, [...at, "severity"]);
        const fatal = message.fatal === true;
        if (severity !== 1 && severity !== 2) input.fail([...at, "severity"], "severity must be 1 or 2");
        const ruleId = input.optionalString(message.ruleId, [...at, "ruleId"]);
        const line = input.optionalNumber(message.line, [...at, "line"]);
        const column = input.optionalNumber(message.column, [...at, "column"]);
        findings.push({
          tool: "eslint",
          category: "lint",
          // Messages without a rule: parse errors, and unused eslint-disable directives.
          ruleId: ruleId ?? (fatal ? ESLINT_PARSE_ERROR_RULE : "eslint"),
          level: fatal || severity === 2 ? "error" : "warning",
          message: input.string(message.message, [...at, "message"]),
          file: filePath,
          ...(line !== undefined ? { line } : {}),
          ...(column !== undefined ? { column } : {}),
        });
      });
    });
    return { format: "eslint", file, findings };
  },
};
