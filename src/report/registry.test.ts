import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { SluiceError } from "../core/errors";
import {
  DETECT_HEAD_CHARS,
  detectFormat,
  isReportFormat,
  parseReport,
  reportFormats,
  reportParsers,
} from "./registry";
import type { ReportFormat } from "./types";

const root = fileURLToPath(new URL("../../test/fixtures/reports/", import.meta.url));

/** Every fixture of every format, including the JUnit and Cobertura ones. */
const fixtures = readdirSync(root).flatMap((format) =>
  readdirSync(path.join(root, format))
    .filter((f) => !f.endsWith(".expected.json"))
    .map((f) => [format, f] as [string, string]),
);

describe("reportParsers", () => {
  it("has one parser per format, each under its own name", () => {
    for (const format of reportFormats) expect(reportParsers[format].format).toBe(format);
    expect(reportFormats).toHaveLength(11);
    expect(isReportFormat("lcov")).toBe(true);
    expect(isReportFormat("toString")).toBe(false);
  });
});

describe("detectFormat", () => {
  it.each(fixtures)("recognises %s/%s from its content alone", (format, file) => {
    const head = readFileSync(path.join(root, format, file), "utf8").slice(0, DETECT_HEAD_CHARS);
    expect(detectFormat(head, "report")).toBe(format);
  });

  it.each([
    ["lcov", "coverage/lcov.info"],
    ["istanbul-final", "coverage/coverage-final.json"],
    ["istanbul-summary", "coverage\\coverage-summary.json"],
    ["sarif", "out/results.sarif"],
  ] as [ReportFormat, string][])("falls back to the file name for %s (%s)", (format, name) => {
    expect(detectFormat("", name)).toBe(format);
    expect(detectFormat("{}", name)).toBe(format);
  });

  it("takes an empty file for tsc, and [] for ESLint, only by name", () => {
    expect(detectFormat("", "reports/tsc.txt")).toBe("tsc");
    expect(detectFormat("\n", "typecheck-tsc.log")).toBe("tsc");
    expect(detectFormat("[]\n", "eslint-report.json")).toBe("eslint");
    expect(detectFormat("Error: Cannot find module 'typescript'\n", "tsc.txt")).toBeNull();
    expect(detectFormat("[]", "report.json")).toBeNull();
  });

  it("lets content win over a misleading name", () => {
    expect(detectFormat("TN:\nSF:a.ts\n", "results.sarif")).toBe("lcov");
  });

  it.each([
    ["an empty file", ""],
    ["plain text", "all tests passed\n"],
    ["unrelated JSON", '{"name": "app", "version": "1.0.0"}'],
    ["an HTML page", "<!doctype html><html><body>coverage</body></html>"],
    ["an empty ESLint result (nothing tells it apart)", "[]"],
  ])("returns null for %s", (_what, head) => {
    expect(detectFormat(head, "report.out")).toBeNull();
  });

  it("tells k6 from autocannon from istanbul summaries", () => {
    expect(detectFormat('{"metrics":{"http_req_duration":{"avg":1}}}', "")).toBe("k6");
    expect(detectFormat('{"requests":{},"latency":{},"throughput":{}}', "")).toBe("autocannon");
    expect(detectFormat('{"total":{"lines":{"total":1,"covered":1,"skipped":0,"pct":100}}}', "")).toBe(
      "istanbul-summary",
    );
  });
});

describe("parseReport", () => {
  it("uses the named format even when detection would say otherwise", () => {
    expect(parseReport("src/a.ts(1,1): error TS1005: x\n", "x.txt", "tsc").findings).toHaveLength(1);
    expect(() => parseReport("TN:\n", "x", "sarif")).toThrow(
      expect.objectContaining({ code: "SLUICE_E_REPORT_PARSE" }),
    );
  });

  it("fails with SLUICE_E_REPORT_FORMAT, naming the format: prefix, when it cannot tell", () => {
    try {
      parseReport("hello\n", "out/report.txt");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SluiceError);
      expect((err as SluiceError).code).toBe("SLUICE_E_REPORT_FORMAT");
      expect((err as SluiceError).message).toContain("<format>:out/report.txt");
      expect((err as SluiceError).location).toEqual({ file: "out/report.txt" });
    }
  });
});
