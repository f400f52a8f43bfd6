import { createRequire } from "node:module";
import Ajv from "ajv-draft-04";
import { describe, expect, it } from "vitest";
import { toSarif } from "./sarif";
import type { ScanResult } from "./types";

const require = createRequire(import.meta.url);

function schemaErrors(doc: unknown): unknown[] {
  const schema = require("@microsoft/jest-sarif/lib/schemas/sarif-2.1.0-rtm.5.json");
  // The official schema has a pattern that is invalid with the `u` flag (a stray `]`).
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, unicodeRegExp: false });
  ajv.validate(schema, doc);
  return ajv.errors ?? [];
}

const base = { tool: { name: "t", version: "1" }, rules: [], findings: [], stats: {} };

describe("toSarif invocations", () => {
  const results: ScanResult[] = [
    { ...base, kind: "deps", notRun: "no advisory database", notes: ["package.json has no lockfile"] },
    {
      ...base,
      kind: "policy",
      errors: [
        {
          code: "SLUICE_E_POLICY",
          message: "rule x could not be evaluated",
          location: { file: "k8s/a b.yaml", line: 3, column: 2 },
        },
      ],
    },
    { ...base, kind: "license", notes: ["requirements.txt:2: django is not pinned"] },
    { ...base, kind: "secrets" },
  ];
  const sarif = toSarif(results, "/repo", "0.1.0") as {
    runs: { invocations: { executionSuccessful: boolean; toolExecutionNotifications?: unknown[] }[] }[];
  };

  it("validates against the official SARIF 2.1.0 schema", () => {
    expect(schemaErrors(sarif)).toEqual([]);
  });

  it("reports notes as warnings, a scan not run and errors as failed executions", () => {
    const [deps, policy, license, secrets] = sarif.runs.map((r) => r.invocations[0]!);
    expect(deps).toEqual({
      executionSuccessful: false,
      toolExecutionNotifications: [
        { level: "warning", message: { text: "not run: no advisory database" } },
        { level: "warning", message: { text: "package.json has no lockfile" } },
      ],
    });
    expect(policy).toEqual({
      executionSuccessful: false,
      toolExecutionNotifications: [
        {
          level: "error",
          message: { text: "rule x could not be evaluated" },
          descriptor: { id: "SLUICE_E_POLICY" },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: "k8s/a%20b.yaml", uriBaseId: "%SRCROOT%" },
                region: { startLine: 3, startColumn: 2 },
              },
            },
          ],
        },
      ],
    });
    expect(license!.executionSuccessful).toBe(true);
    expect(license!.toolExecutionNotifications).toHaveLength(1);
    expect(secrets).toEqual({ executionSuccessful: true });
  });
});

describe("toSarif secrets results", () => {
  const secrets: ScanResult = {
    ...base,
    kind: "secrets",
    outcome: "wrote 1 fingerprint(s) to b.json",
    findings: [
      {
        kind: "secrets",
        ruleId: "github-pat",
        severity: "high",
        message: "GitHub token: ghp_****",
        file: "creds.py",
        line: 2,
        column: 9,
        snippet: 'token = "ghp_****"',
        fingerprint: "abc:creds.py:github-pat:0123456789abcdef0123456789abcdef",
        commit: "abc",
        author: "Jane Doe <jane@example.com>",
        date: "2024-05-01T10:00:00+02:00",
      },
    ],
  };
  const deps: ScanResult = {
    ...base,
    kind: "deps",
    findings: [{ kind: "deps", ruleId: "GHSA-x", severity: "low", message: "m", fingerprint: "d" }],
  };
  const sarif = toSarif([secrets, deps], "/repo", "0.1.0") as {
    runs: {
      invocations: { toolExecutionNotifications?: unknown[] }[];
      results: { partialFingerprints: Record<string, string>; properties: Record<string, unknown> }[];
    }[];
  };

  it("validates, with v2 fingerprints for secrets, commit, author and date, and the outcome as a note", () => {
    expect(schemaErrors(sarif)).toEqual([]);
    const [s, d] = sarif.runs;
    expect(s!.results[0]!.partialFingerprints).toEqual({ "sluice/v2": secrets.findings[0]!.fingerprint });
    expect(d!.results[0]!.partialFingerprints).toEqual({ "sluice/v1": "d" });
    expect(s!.results[0]!.properties).toMatchObject({
      commit: "abc",
      author: "Jane Doe <jane@example.com>",
      date: "2024-05-01T10:00:00+02:00",
    });
    expect(s!.invocations[0]!.toolExecutionNotifications).toEqual([
      { level: "note", message: { text: "wrote 1 fingerprint(s) to b.json" } },
    ]);
  });
});
