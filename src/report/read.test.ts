import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeReport, parseReportSpec, readReport, readReports } from "./read";

let dir: string;
const lcov = (file: string, hits: number) => `TN:\nSF:${file}\nDA:1,${hits}\nend_of_record\n`;

beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "sluice-read-"));
  mkdirSync(path.join(dir, "coverage", "a"), { recursive: true });
  mkdirSync(path.join(dir, "coverage", "b"), { recursive: true });
  writeFileSync(path.join(dir, "coverage", "a", "lcov.info"), lcov("a.ts", 1));
  writeFileSync(path.join(dir, "coverage", "b", "lcov.info"), lcov("b.ts", 0));
  writeFileSync(path.join(dir, "tsc.txt"), "src/a.ts(1,1): error TS1005: ';' expected.\n");
  writeFileSync(path.join(dir, "notes.txt"), "nothing to see\n");
  writeFileSync(path.join(dir, "bad.json"), '{"auditReportVersion": 2,');
  // PowerShell's `tsc > tsc-ps.txt` writes UTF-16LE with a byte-order mark.
  writeFileSync(
    path.join(dir, "tsc-ps.txt"),
    Buffer.from("\ufeffsrc/b.ts(2,3): error TS2304: x\r\n", "utf16le"),
  );
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("parseReportSpec", () => {
  it("splits format:path and leaves plain paths and drive letters alone", () => {
    expect(parseReportSpec("lcov:coverage/lcov.info", dir)).toEqual({
      format: "lcov",
      pattern: "coverage/lcov.info",
    });
    expect(parseReportSpec("coverage/lcov.info", dir)).toEqual({ pattern: "coverage/lcov.info" });
    expect(parseReportSpec("C:\\reports\\a.xml", dir)).toEqual({ pattern: "C:\\reports\\a.xml" });
  });

  it("rejects an unknown format prefix with SLUICE_E_REPORT_FORMAT", () => {
    expect(() => parseReportSpec("tap:results.txt", dir)).toThrow(
      expect.objectContaining({ code: "SLUICE_E_REPORT_FORMAT" }),
    );
  });
});

describe("readReport", () => {
  it("detects the format, and keeps the path as given", async () => {
    const report = await readReport("coverage/a/lcov.info", dir);
    expect(report).toMatchObject({ format: "lcov", file: "coverage/a/lcov.info" });
    expect(report.coverage!.lines).toEqual({ covered: 1, total: 1 });
  });

  it("uses an explicit format, and decodes UTF-16 reports", async () => {
    expect((await readReport("tsc:tsc.txt", dir)).findings).toHaveLength(1);
    expect((await readReport("tsc-ps.txt", dir)).findings).toEqual([
      expect.objectContaining({ file: "src/b.ts", line: 2, column: 3, ruleId: "TS2304" }),
    ]);
  });

  it("reads a glob that matches one file", async () => {
    expect((await readReport("coverage/a/*.info", dir)).file).toBe("coverage/a/lcov.info");
  });

  it.each([
    ["a missing file", "missing.xml", "SLUICE_E_REPORT_PARSE", "missing.xml"],
    ["a directory", "coverage", "SLUICE_E_REPORT_PARSE", "coverage"],
    ["a glob matching nothing", "reports/*.xml", "SLUICE_E_REPORT_PARSE", "reports/*.xml"],
    ["a glob matching two files", "coverage/**/lcov.info", "SLUICE_E_REPORT_PARSE", "coverage/**/lcov.info"],
    ["a file of unknown format", "notes.txt", "SLUICE_E_REPORT_FORMAT", "notes.txt"],
    ["a malformed report", "bad.json", "SLUICE_E_REPORT_PARSE", "bad.json"],
  ])("fails clearly on %s", async (_what, spec, code, file) => {
    await expect(readReport(spec, dir)).rejects.toMatchObject({
      code,
      location: expect.objectContaining({ file }),
    });
  });
});

describe("readReports", () => {
  it("expands globs in path order, spec after spec", async () => {
    const reports = await readReports(["lcov:coverage/**/lcov.info", "tsc.txt"], dir);
    expect(reports.map((r) => [r.format, r.file])).toEqual([
      ["lcov", "coverage/a/lcov.info"],
      ["lcov", "coverage/b/lcov.info"],
      ["tsc", "tsc.txt"],
    ]);
  });

  it("reads a file matched by several specs once (glob, path, ./path, absolute, symlink)", async () => {
    symlinkSync(path.join(dir, "tsc.txt"), path.join(dir, "link-to-tsc.txt"));
    const reports = await readReports(
      ["tsc*.txt", "tsc.txt", "./tsc.txt", path.join(dir, "tsc.txt"), "tsc:link-to-tsc.txt"],
      dir,
    );
    expect(reports.map((r) => [r.format, r.file])).toEqual([
      ["tsc", "tsc-ps.txt"],
      ["tsc", "tsc.txt"],
    ]);
  });

  it("rejects one file given with two different formats as a usage error", async () => {
    await expect(readReports(["tsc:tsc.txt", "eslint:./tsc.txt"], dir)).rejects.toMatchObject({
      code: "SLUICE_E_USAGE",
      message: expect.stringContaining("both tsc (tsc:tsc.txt) and eslint (eslint:./tsc.txt)"),
    });
  });
});

describe("decodeReport", () => {
  it("strips a UTF-8 byte-order mark and decodes UTF-16 BE", () => {
    expect(decodeReport(Buffer.from("\ufeffTN:", "utf8"))).toBe("TN:");
    expect(decodeReport(Buffer.from([0xfe, 0xff, 0x00, 0x41]))).toBe("A");
  });
});
