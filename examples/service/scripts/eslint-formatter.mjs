// ESLint formatter for `npm run lint`: one lint pass, two outputs. It writes the results as ESLint JSON to
// reports/eslint.json (what a CI quality gate reads; the same bytes as `eslint -f json`) and prints the
// usual "stylish" report for whoever reads the log, ending with a line that says where the JSON went.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { ESLint } from "eslint";

const REPORT = "reports/eslint.json";

export default async function format(results, context) {
  const file = join(context.cwd, REPORT);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(results));
  const stylish = await new ESLint({ cwd: context.cwd }).loadFormatter("stylish");
  const errors = results.reduce((n, r) => n + r.errorCount + r.fatalErrorCount, 0);
  const warnings = results.reduce((n, r) => n + r.warningCount, 0);
  const summary = `ESLint checked ${results.length} files: ${errors} errors, ${warnings} warnings (JSON in ${REPORT})`;
  return `${await stylish.format(results, context)}${summary}\n`;
}
