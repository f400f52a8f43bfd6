/**
 * Golden cases: every test/fixtures/reports/<format>/<name>.<ext> is parsed and compared with
 * <name>.expected.json (the Report, line hits as an object; or `{ "error": { code, location } }`).
 * The fixtures are real tool output (Vitest v8/istanbul, c8, Jest, ESLint 9, tsc 5.9, autocannon 9,
 * npm 11) or written to the tools' documented shapes (CodeQL, Semgrep, k6, npm audit reports).
 * SLUICE_UPDATE_GOLDEN=1 rewrites the expected files; review the diff before keeping it.
 */
import { FIXTURE_ROOT, SHARED_SUITE_FORMATS } from "./fixture-formats";
import { existsSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { isSluiceError } from "../../core/errors";
import { reportParsers } from "../registry";
import type { ReportFormat } from "../types";

const root = FIXTURE_ROOT;
const formats = SHARED_SUITE_FORMATS;
const update = process.env.SLUICE_UPDATE_GOLDEN === "1";

/** The fixture inputs of a format: every file but the expected ones. */
function fixtureFiles(format: ReportFormat): string[] {
  const dir = path.join(root, format);
  return readdirSync(dir)
    .filter((f) => !f.endsWith(".expected.json"))
    .sort()
    .map((f) => path.join(dir, f));
}

function outcome(format: ReportFormat, file: string): unknown {
  const name = `${format}/${path.basename(file)}`;
  try {
    const report = reportParsers[format].parse(readFileSync(file, "utf8"), name);
    return JSON.parse(
      JSON.stringify(report, (_key, value: unknown) =>
        value instanceof Map ? Object.fromEntries([...value].sort((a, b) => a[0] - b[0])) : value,
      ),
    );
  } catch (err) {
    if (!isSluiceError(err)) throw err;
    return { error: { code: err.code, location: err.location } };
  }
}

describe.each(formats)("%s golden fixtures", (format) => {
  it.each(fixtureFiles(format).map((f) => [path.basename(f), f]))("%s", (_name, file) => {
    const expectedFile = file.replace(/\.[^.]+$/, ".expected.json");
    const actual = outcome(format, file);
    if (update) writeFileSync(expectedFile, JSON.stringify(actual, null, 2) + "\n");
    expect(existsSync(expectedFile), `${expectedFile} is missing (SLUICE_UPDATE_GOLDEN=1 writes it)`).toBe(
      true,
    );
    expect(actual).toEqual(JSON.parse(readFileSync(expectedFile, "utf8")));
  });
});
