import { describe, expect, it } from "vitest";
import { SluiceError } from "../../core/errors";
import { sarifParser, severityFromScore } from "./sarif";

function sarif(
  results: unknown[],
  driver: Record<string, unknown> = {},
  run: Record<string, unknown> = {},
): string {
  return JSON.stringify({
    version: "2.1.0",
    runs: [{ tool: { driver: { name: "Scanner", ...driver } }, results, ...run }],
  });
}

const parse = (text: string) => sarifParser.parse(text, "r.sarif").findings!;

describe("sarifParser", () => {
  it("maps security-severity to GitHub's bands", () => {
    expect([9.8, 9, 8.9, 7, 6.9, 4, 3.9, 0.1, 0].map(severityFromScore)).toEqual([
      "critical",
      "critical",
      "high",
      "high",
      "medium",
      "medium",
      "low",
      "low",
      "info",
    ]);
  });

  it("takes the level from the result, then the rule, then SARIF's default (warning)", () => {
    const rules = [{ id: "r1", defaultConfiguration: { level: "error" } }, { id: "r2" }];
    const findings = parse(
      sarif(
        [
          { ruleId: "r1", level: "note", message: { text: "a" } },
          { ruleId: "r1", message: { text: "b" } },
          { ruleId: "r2", message: { text: "c" } },
          { ruleIndex: 1, message: { text: "d" } },
        ],
        { rules },
      ),
    );
    expect(findings.map((f) => [f.ruleId, f.level])).toEqual([
      ["r1", "note"],
      ["r1", "error"],
      ["r2", "warning"],
      ["r2", "warning"],
    ]);
  });

  it("leaves out passing, absent and suppressed results but keeps rejected suppressions", () => {
    const findings = parse(
      sarif([
        { ruleId: "pass", kind: "pass", level: "none", message: { text: "ok" } },
        { ruleId: "fixed", baselineState: "absent", message: { text: "gone" } },
        { ruleId: "muted", suppressions: [{ kind: "inSource" }], message: { text: "muted" } },
        {
          ruleId: "kept",
          suppressions: [{ kind: "external", status: "rejected" }],
          message: { text: "kept" },
        },
        { ruleId: "review", kind: "review", level: "none", message: { text: "look" } },
      ]),
    );
    expect(findings.map((f) => [f.ruleId, f.level])).toEqual([
      ["kept", "warning"],
      ["review", "note"],
    ]);
  });

  it("fills message templates from the rule's messageStrings", () => {
    const rules = [{ id: "r", messageStrings: { default: { text: "{0} is used before {1}." } } }];
    const [f] = parse(sarif([{ ruleId: "r", message: { id: "default", arguments: ["x", "y"] } }], { rules }));
    expect(f!.message).toBe("x is used before y.");
  });

  it("reads security-severity from the result or its rule, and classifies by tags and tool", () => {
    const rules = [{ id: "r", properties: { "security-severity": "7.5", tags: ["security"] } }];
    const findings = parse(
      sarif(
        [
          { ruleId: "r", message: { text: "a" } },
          { ruleId: "r", message: { text: "b" }, properties: { "security-severity": "9.1" } },
          { ruleId: "other", message: { text: "c" } },
        ],
        { rules },
      ),
    );
    expect(findings.map((f) => [f.category, f.severity])).toEqual([
      ["security", "high"],
      ["security", "critical"],
      ["other", undefined],
    ]);
    expect(parse(sarif([{ ruleId: "x", message: { text: "a" } }], { name: "ESLint" }))[0]!.category).toBe(
      "lint",
    );
  });

  it("resolves locations: file URIs, %-escapes and artifact indexes", () => {
    const loc = (artifactLocation: unknown) => [
      { physicalLocation: { artifactLocation, region: { startLine: 3 } } },
    ];
    const findings = parse(
      sarif(
        [
          { ruleId: "a", message: { text: "" }, locations: loc({ uri: "file:///repo/src/a%20b.ts" }) },
          { ruleId: "b", message: { text: "" }, locations: loc({ index: 0 }) },
          { ruleId: "c", message: { text: "" } },
        ],
        {},
        { artifacts: [{ location: { uri: "lib/c.js" } }] },
      ),
    );
    expect(findings.map((f) => [f.file, f.line, f.column])).toEqual([
      ["/repo/src/a b.ts", 3, undefined],
      ["lib/c.js", 3, undefined],
      [undefined, undefined, undefined],
    ]);
  });

  it("rejects a wrong shape at the place of the offending value", () => {
    const text = '{\n  "version": "2.1.0",\n  "runs": [\n    { "tool": { "driver": { "name": 7 } } }\n  ]\n}';
    try {
      sarifParser.parse(text, "r.sarif");
      expect.unreachable();
    } catch (err) {
      expect(err).toBeInstanceOf(SluiceError);
      expect((err as SluiceError).location).toEqual({ file: "r.sarif", line: 4, column: 37 });
    }
  });

  it("lists runs whose invocation says executionSuccessful false, with their notifications", () => {
    const text = JSON.stringify({
      version: "2.1.0",
      runs: [
        {
          tool: { driver: { name: "sluice-deps" } },
          invocations: [
            {
              executionSuccessful: false,
              toolExecutionNotifications: [
                { level: "warning", message: { text: "lockfile yarn.lock skipped" } },
                { level: "error", message: { text: "not run: no advisory database; import one" } },
              ],
            },
          ],
          results: [],
        },
        {
          tool: {
            driver: {
              name: "CodeQL",
              notifications: [{ id: "cli/oom", shortDescription: { text: "Out of memory" } }],
            },
          },
          invocations: [
            {
              executionSuccessful: false,
              toolConfigurationNotifications: [{ message: { text: "unknown option --foo" } }],
              toolExecutionNotifications: [
                { level: "note", message: { text: "extracted 12 files" } },
                { level: "error", message: { id: "none" }, descriptor: { id: "cli/oom" } },
                { level: "error", message: { text: "" } },
              ],
            },
          ],
          results: [{ ruleId: "js/xss", message: { text: "partial" } }],
        },
        {
          tool: { driver: { name: "sluice-policy" } },
          invocations: [{ executionSuccessful: true }],
          results: [],
        },
        { tool: { driver: { name: "Semgrep" } }, invocations: [{}], results: [] },
        { tool: { driver: { name: "Trivy" } }, results: [] },
      ],
    });
    const report = sarifParser.parse(text, "scan.sarif");
    expect(report.tools).toEqual(["sluice-deps", "CodeQL", "sluice-policy", "Semgrep", "Trivy"]);
    expect(report.incompleteRuns).toEqual([
      {
        tool: "sluice-deps",
        notifications: ["not run: no advisory database; import one", "lockfile yarn.lock skipped"],
      },
      // Errors first; execution before configuration notifications at one level; a message id
      // resolved through the driver's notification descriptors; empty texts left out.
      { tool: "CodeQL", notifications: ["Out of memory", "unknown option --foo", "extracted 12 files"] },
    ]);
    // The results of an incomplete run are still read: it is the gate that treats them as partial.
    expect(report.findings!.map((f) => f.ruleId)).toEqual(["js/xss"]);
  });

  it("has no incompleteRuns when every run completed, and rejects a flag that is not a boolean", () => {
    expect(
      sarifParser.parse(sarif([], {}, { invocations: [{ executionSuccessful: true }] }), "r.sarif"),
    ).not.toHaveProperty("incompleteRuns");
    expect(() =>
      sarifParser.parse(sarif([], {}, { invocations: [{ executionSuccessful: "false" }] }), "r.sarif"),
    ).toThrow(/expected true or false, found string "false" \(at \["runs"\]\[0\]\["invocations"\]\[0\]/);
  });

  it("detects SARIF by its version or schema with runs, or by the .sarif extension", () => {
    expect(sarifParser.detect('{"version":"2.1.0","runs":[]}', "x.json")).toBe(true);
    expect(sarifParser.detect('{"$schema":"https://x/sarif-schema-2.1.0.json","runs":[', "x")).toBe(true);
    expect(sarifParser.detect("", "results.sarif")).toBe(true);
    expect(sarifParser.detect('{"version":"2.1.0"}', "x.json")).toBe(false);
  });
});
