import { describe, expect, it } from "vitest";
import { SluiceError } from "../../core/errors";
import { npmAuditParser } from "./npm-audit";

function failure(text: string): SluiceError {
  try {
    npmAuditParser.parse(text, "audit.json");
  } catch (err) {
    if (err instanceof SluiceError) return err;
    throw err;
  }
  throw new Error("expected a parse error");
}

describe("npmAuditParser", () => {
  it("turns npm's own failure document into a parse error with npm's reason", () => {
    const err = failure(
      '{\n  "error": {\n    "code": "ENOLOCK",\n    "summary": "This command requires an existing lockfile."\n  }\n}',
    );
    expect(err.code).toBe("SLUICE_E_REPORT_PARSE");
    expect(err.message).toContain("ENOLOCK: This command requires an existing lockfile.");
    expect(err.location).toEqual({ file: "audit.json", line: 2, column: 12 });
  });

  it("reports a clean audit as no findings", () => {
    const clean = { auditReportVersion: 2, vulnerabilities: {}, metadata: { vulnerabilities: { total: 0 } } };
    expect(npmAuditParser.parse(JSON.stringify(clean), "a.json").findings).toEqual([]);
  });

  it("rejects unknown severities and report versions", () => {
    const v = (severity: string) => ({ name: "x", severity, via: [], range: "*", fixAvailable: false });
    expect(
      failure(JSON.stringify({ auditReportVersion: 2, vulnerabilities: { x: v("constructor") } })).code,
    ).toBe("SLUICE_E_REPORT_PARSE");
    expect(failure(JSON.stringify({ auditReportVersion: 3, vulnerabilities: {} })).code).toBe(
      "SLUICE_E_REPORT_PARSE",
    );
    expect(failure("{}").code).toBe("SLUICE_E_REPORT_PARSE");
  });

  it("detects v2, v1 and npm's failure documents", () => {
    expect(npmAuditParser.detect('{\n  "auditReportVersion": 2,', "")).toBe(true);
    expect(npmAuditParser.detect('{"actions":[],"advisories":{', "")).toBe(true);
    expect(npmAuditParser.detect('{"error":{"code":"ENOLOCK"', "")).toBe(true);
    expect(
      npmAuditParser.detect('{"message":"405","uri":"https://r.test/-/npm/v1/security/advisories/bulk"', ""),
    ).toBe(true);
    expect(npmAuditParser.detect('{"error":"nope"}', "")).toBe(false);
  });
});
